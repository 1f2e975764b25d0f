// The MCP Streamable HTTP endpoint (revision 2025-11-25), framework-neutral: it takes an
// http_request and answers through a response_channel, so it serves Lumen's own HTTP server and
// can be mounted in any C++ HTTP framework (see examples/mounted_in_host).
//
// POST carries one JSON-RPC message: notifications and responses get 202; a request gets
// application/json, or text/event-stream when its handler sends notifications or requests before
// the result (or always, when configured). GET opens the session's standalone SSE stream, or
// resumes any stream of the session after `Last-Event-ID`; DELETE ends the session. Rejections
// carry a JSON-RPC error object as their body.
#pragma once

#include <lumen/server/server.hpp>
#include <lumen/transport/event_store.hpp>
#include <lumen/transport/http_message.hpp>
#include <lumen/transport/origin_policy.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace lumen::transport {

struct endpoint_options {
  /// The endpoint's path.
  std::string path = "/mcp";
  /// No sessions: every POST is served by a fresh, already-initialized session (GET and DELETE
  /// get 405). For deployments behind load balancers.
  bool stateless = false;
  /// Answer every request as an SSE stream.
  bool always_stream = false;
  /// Idle sessions (no request, no message, no open stream) end after this long.
  std::chrono::seconds session_idle_timeout{30 * 60};
  std::size_t max_sessions = 10000;
  /// Requests of one session in flight at once (each may hold an SSE stream); more get 429.
  std::size_t max_requests_per_session = 64;
  /// Messages held for a session's standalone stream while no GET stream is open (the oldest are
  /// dropped beyond this).
  std::size_t max_pending_messages = 1024;
  /// The SSE `retry` field sent with priming events to clients of 2025-11-25 and later.
  std::chrono::milliseconds sse_retry{1000};
  /// Where sent SSE events are kept for `Last-Event-ID` resumption; nullptr: a memory_event_store
  /// with `event_limits`.
  std::shared_ptr<event_store> events;
  memory_event_store_limits event_limits;
  /// DNS-rebinding protection. Lumen's http_server fills the loopback allow-lists when it mounts
  /// the endpoint on a loopback address and both lists are empty; a host framework sets them.
  origin_policy origins;
  /// On shutdown, how long requests in flight may run before they are cancelled.
  std::chrono::milliseconds shutdown_grace{5000};
};

class mcp_endpoint {
 public:
  mcp_endpoint(server::server& srv, endpoint_options options = {});
  ~mcp_endpoint();
  mcp_endpoint(const mcp_endpoint&) = delete;
  mcp_endpoint& operator=(const mcp_endpoint&) = delete;

  const endpoint_options& options() const noexcept;
  /// Serves one request (any path: the caller routes). Never throws; errors become spec-shaped
  /// HTTP responses. The answer may come later, from another thread, through `channel`.
  void handle(http_request request, std::shared_ptr<response_channel> channel);
  /// Sessions alive now.
  std::size_t session_count() const;
  /// Graceful shutdown: refuses new requests (503), lets requests in flight finish (at most
  /// `options().shutdown_grace`), then ends every session and its streams. Idempotent.
  void shutdown();
  /// Replaces the DNS-rebinding policy (e.g. once the bound port is known).
  void set_origin_policy(origin_policy policy);
  origin_policy current_origin_policy() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

/// A JSON-RPC error body (id null) for HTTP-level rejections.
std::string jsonrpc_error_body(int code, std::string_view message);

}  // namespace lumen::transport
