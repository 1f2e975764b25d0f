// The interface between the MCP client and the wire: a transport carries JSON-RPC messages to one
// server and hands back what the server sends. Implementations: stdio_transport (a child process)
// and http_transport (Streamable HTTP).
#pragma once

#include <lumen/client/errors.hpp>
#include <lumen/jsonrpc/message.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lumen::client {

/// Extra HTTP headers for one outgoing message (ignored by stdio).
using header_list = std::vector<std::pair<std::string, std::string>>;

/// Where the server listens (`server.address`, `server.port` in telemetry).
struct server_endpoint {
  std::string address;
  std::uint16_t port = 0;
};

/// What a transport reports to its client. Called from the transport's own threads.
struct transport_events {
  /// A message from the server.
  std::function<void(jsonrpc::message)> on_message;
  /// A failure tied to one outgoing request (e.g. its HTTP POST failed or its SSE stream was cut).
  std::function<void(const jsonrpc::request_id&, client_error)> on_request_failed;
  /// A failure not tied to a request: malformed JSON from the server, a lost notification.
  std::function<void(client_error)> on_error;
  /// The connection is gone for good (the server process exited); every request in flight fails.
  std::function<void(client_error)> on_closed;
};

class transport {
 public:
  virtual ~transport() = default;

  /// Starts the transport (spawns the process, starts I/O threads). Throws client_error.
  virtual void start(transport_events events) = 0;
  /// Sends one message. Throws client_error when the transport cannot send (closed, dead).
  virtual void send(const jsonrpc::message& message, const header_list& headers = {}) = 0;
  /// Tells the transport the session is initialized at `protocol_version` (HTTP: the
  /// MCP-Protocol-Version header, the standalone GET stream).
  virtual void initialized(std::string_view protocol_version) { (void)protocol_version; }
  /// Forgets the session (HTTP: the Mcp-Session-Id) before a new initialize.
  virtual void reset_session() {}
  /// The transport's session id (HTTP's Mcp-Session-Id), empty when none.
  virtual std::string session_id() const { return {}; }
  /// "stdio" or "http" (for telemetry's network.transport and for messages).
  virtual std::string_view name() const noexcept = 0;
  /// The server's address and port, for transports that have one (HTTP).
  virtual std::optional<server_endpoint> endpoint() const { return std::nullopt; }
  /// Ends the connection and releases its resources; idempotent. No event is reported afterwards.
  virtual void close() = 0;
};

}  // namespace lumen::client
