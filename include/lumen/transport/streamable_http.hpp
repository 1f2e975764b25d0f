// The MCP Streamable HTTP endpoint (revision 2025-11-25), framework-neutral: it takes an
// http_request and answers through a response_channel, so it serves Lumen's own HTTP server and
// can be mounted in any C++ HTTP framework.
//
// POST carries one JSON-RPC message: notifications and responses get 202; a request gets
// application/json, or text/event-stream when its handler sends notifications or requests before
// the result (or always, when configured). GET opens the session's standalone SSE stream (and
// resumes a stream after Last-Event-ID); DELETE ends the session.
#pragma once

#include <lumen/server/server.hpp>
#include <lumen/transport/http_message.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace lumen::transport {

struct endpoint_options {
  /// The endpoint's path.
  std::string path = "/mcp";
  /// No sessions: every POST is served by a fresh, already-initialized session.
  bool stateless = false;
  /// Answer every request as an SSE stream.
  bool always_stream = false;
  /// Idle sessions end after this long.
  std::chrono::seconds session_idle_timeout{30 * 60};
  std::size_t max_sessions = 10000;
  /// Events kept per session for resumption (Last-Event-ID).
  std::size_t event_store_capacity = 1024;
  /// Messages held for a session's standalone stream while no GET stream is open.
  std::size_t max_pending_messages = 1024;
  /// The SSE `retry` field (milliseconds) sent to clients of 2025-11-25 and later.
  std::chrono::milliseconds sse_retry{1000};
  /// DNS-rebinding protection: Host must be one of `allowed_hosts` (when not empty) and Origin,
  /// when present, one of `allowed_origins` (when not empty). Lumen's HTTP server fills both for
  /// loopback binds.
  bool dns_rebinding_protection = true;
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> allowed_origins;
};

class mcp_endpoint {
 public:
  mcp_endpoint(server::server& srv, endpoint_options options);
  ~mcp_endpoint();
  mcp_endpoint(const mcp_endpoint&) = delete;
  mcp_endpoint& operator=(const mcp_endpoint&) = delete;

  const endpoint_options& options() const noexcept;
  /// Serves one request. Never throws; errors become spec-shaped HTTP responses.
  void handle(http_request request, std::shared_ptr<response_channel> channel);
  /// Sessions alive now.
  std::size_t session_count() const;
  /// Ends every session (their handlers are cancelled after finishing briefly).
  void shutdown();
  /// Replaces the allowed hosts and origins (e.g. once the bound port is known).
  void set_allowed(std::vector<std::string> hosts, std::vector<std::string> origins);

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

/// A JSON-RPC error body for HTTP-level rejections.
std::string jsonrpc_error_body(int code, std::string_view message);

}  // namespace lumen::transport
