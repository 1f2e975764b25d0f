// The client side of MCP's Streamable HTTP transport: each message is POSTed (Accept:
// application/json, text/event-stream) and the answer read as JSON or as an SSE stream; the
// standalone GET stream carries what the server sends unprompted; Mcp-Session-Id and
// MCP-Protocol-Version headers; HTTP 404 for a known session reports session_expired (the client
// then re-initializes); a cut SSE stream is resumed with GET + Last-Event-ID after the server's
// `retry` delay; DELETE ends the session on close; custom headers (e.g. Authorization); OAuth 2.1
// authorization when the server demands it (http_options::auth, see lumen/client/oauth.hpp).
#pragma once

#include <lumen/client/oauth/types.hpp>
#include <lumen/client/transport.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace lumen::client {

struct http_options {
  /// The MCP endpoint, e.g. http://127.0.0.1:8080/mcp (https is not supported yet).
  std::string url;
  /// Sent with every HTTP request (e.g. {"Authorization", "Bearer ..."}).
  header_list headers;
  /// Open the standalone GET SSE stream once the session is initialized.
  bool open_get_stream = true;
  /// Reconnection delay when the server sent no `retry` field.
  std::chrono::milliseconds default_retry = std::chrono::seconds(1);
  /// Reconnection attempts in a row before a stream is given up.
  int max_reconnects = 5;
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  /// Send DELETE with the session id on close, waiting at most this long.
  bool delete_on_close = true;
  std::chrono::milliseconds close_timeout = std::chrono::seconds(2);
  /// Largest JSON response body accepted.
  std::size_t max_body_bytes = 64 * 1024 * 1024;
  /// OAuth 2.1: when set, a 401 (or a 403 insufficient_scope) starts the authorization flow and
  /// the request is retried with the new access token; every request carries the token.
  std::optional<oauth::auth_options> auth;
};

class http_transport : public transport {
 public:
  explicit http_transport(http_options options);
  ~http_transport() override;
  http_transport(const http_transport&) = delete;
  http_transport& operator=(const http_transport&) = delete;

  void start(transport_events events) override;
  void send(const jsonrpc::message& message, const header_list& headers = {}) override;
  void initialized(std::string_view protocol_version) override;
  void reset_session() override;
  std::string session_id() const override;
  std::string_view name() const noexcept override { return "http"; }
  std::optional<server_endpoint> endpoint() const override;
  void close() override;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace lumen::client
