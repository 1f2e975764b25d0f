// Tracing an MCP client with a telemetry runtime: CLIENT spans for each outgoing request, the
// context injected into `_meta` and the HTTP headers, and the client session metric.
//
//   auto tel = lumen::telemetry::runtime::create({.service_name = "my-agent"});
//   lumen::client::client_options options;
//   lumen::telemetry::instrument(options, tel, lumen::server::network_transport::tcp);
#pragma once

#include <lumen/client/client.hpp>
#include <lumen/telemetry/telemetry.hpp>

#include <functional>
#include <memory>
#include <string>

namespace lumen::telemetry {

/// For client_options::interceptor: CLIENT spans, context injected into `_meta` and headers.
/// `network_transport` is tcp for HTTP, pipe for stdio. Empty when telemetry is off.
client::request_interceptor client_interceptor(const std::shared_ptr<runtime>& telemetry,
                                               server::network_transport network_transport);

/// For client_options::on_session_end: records mcp.client.session.duration (full mode only).
std::function<void(const client::session_end&)> client_session_observer(const std::shared_ptr<runtime>& telemetry);

/// Sets both on `options`.
void instrument(client::client_options& options, const std::shared_ptr<runtime>& telemetry,
                server::network_transport network_transport);

}  // namespace lumen::telemetry
