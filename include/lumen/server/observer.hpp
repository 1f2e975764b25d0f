// Hooks through which the telemetry layer sees every MCP operation a session handles (incoming
// requests and notifications, outgoing server-to-client requests) without the server core
// knowing how spans are made.
#pragma once

#include <lumen/json.hpp>
#include <lumen/jsonrpc/message.hpp>
#include <lumen/trace/tracer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace lumen::server {

class session;

/// How a session's messages travel (`network.transport`): stdio is a pipe, HTTP runs over TCP.
enum class network_transport { pipe, tcp };

/// The `network.transport` attribute value: "pipe" or "tcp".
constexpr std::string_view to_string(network_transport transport) noexcept {
  return transport == network_transport::tcp ? "tcp" : "pipe";
}

/// Why an ambient trace context exists: the transport's (an HTTP span or a host's span), or the
/// launching process's environment (TRACEPARENT on stdio).
enum class ambient_kind { transport, environment };

/// The `lumen.link.kind` attribute value of a Link to the ambient context: "transport" or
/// "environment".
constexpr std::string_view to_string(ambient_kind kind) noexcept {
  return kind == ambient_kind::environment ? "environment" : "transport";
}

/// What the transport knows about where a message came from.
struct inbound_context {
  /// stdio by default; HTTP says tcp.
  lumen::server::network_transport network_transport = lumen::server::network_transport::pipe;
  /// The ambient trace context in W3C form (the HTTP server span, the host's span, or
  /// TRACEPARENT on stdio); empty when there is none.
  std::string ambient_traceparent;
  std::string ambient_tracestate;
  /// The ambient context already parsed (when valid it wins over the text fields).
  trace::span_context ambient;
  /// Why the ambient context exists.
  lumen::server::ambient_kind ambient_kind = lumen::server::ambient_kind::transport;
  /// The peer, when known (`client.address`, `client.port`).
  std::string peer_address;
  std::uint16_t peer_port = 0;
};

/// What an observer sees of an incoming request or notification: views of the message (which
/// outlives the call), so that observing it copies nothing.
struct incoming_message {
  std::string_view method;
  const json::object& params;
  /// The request's id; nullptr for a notification.
  const jsonrpc::request_id* id = nullptr;
};

/// One observed operation (an MCP span, in practice). Calls come from the thread handling it.
class operation_scope {
 public:
  virtual ~operation_scope() = default;
  /// Makes the operation current on this thread until the returned token is destroyed (so that
  /// spans a handler starts are its children).
  virtual std::shared_ptr<void> activate() = 0;
  /// Records how the operation ended: the answer sent (a response or an error response), or
  /// nothing for a notification or a cancelled request. Ends the operation.
  virtual void finish(const jsonrpc::message* answer) = 0;
  /// Records an exception a handler threw (its type becomes error.type when no code applies).
  virtual void record_exception(const std::exception& e) = 0;
  /// Adds the operation's trace context to an outgoing `params._meta`.
  virtual void inject(json::object& meta) const = 0;
  /// The operation's span (non-recording when telemetry records nothing).
  virtual trace::span span() const { return {}; }
};

/// How a session ended, for session metrics.
struct session_end {
  /// From its initialize to its end.
  std::chrono::steady_clock::duration duration{};
  std::string_view protocol_version;
  /// How the session's initialize arrived.
  lumen::server::network_transport network_transport = lumen::server::network_transport::pipe;
};

/// Creates operation scopes; installed with server_options::observer.
class operation_observer {
 public:
  virtual ~operation_observer() = default;
  /// An incoming request or notification entering the server (before dispatch).
  virtual std::shared_ptr<operation_scope> start_incoming(const session& s, const incoming_message& m,
                                                          const inbound_context& origin) = 0;
  /// A request the server sends to the client (sampling, elicitation, roots, ping), on behalf of
  /// `parent` when a handler sends it. `request.params` may be modified (e.g. `_meta` injection).
  virtual std::shared_ptr<operation_scope> start_outgoing(const session& s, jsonrpc::request& request,
                                                          const operation_scope* parent) = 0;
  /// A session that completed initialize has ended (closed, deleted, expired, or dropped with its
  /// transport). Sessions that never initialized (stateless HTTP requests) are not reported.
  virtual void session_ended(const session& s, const session_end& end) {
    (void)s;
    (void)end;
  }
};

}  // namespace lumen::server
