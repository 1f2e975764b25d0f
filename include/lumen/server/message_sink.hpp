// The interface a transport implements to carry a session's outgoing messages.
#pragma once

#include <lumen/jsonrpc/message.hpp>

#include <optional>
#include <string>

namespace lumen::server {

/// Why a message is sent, so a transport can route it (e.g. to the HTTP stream of a request).
struct outgoing_context {
  /// The client request this message belongs to (its response, or a notification or request
  /// sent while handling it); nullopt for messages not tied to a request.
  std::optional<jsonrpc::request_id> related_request;
  /// True for the response that completes `related_request`.
  bool is_final_response = false;
};

/// Receives serialized JSON-RPC messages (one message, no trailing newline). Called from any
/// thread; implementations serialize writes themselves.
class message_sink {
 public:
  virtual ~message_sink() = default;
  virtual void send(std::string message, const outgoing_context& context) = 0;
  /// Request `id` ended without a response: the client cancelled it, and by the MCP cancellation
  /// rules none is sent. Nothing more comes for it, so a transport that holds something open per
  /// request (an HTTP POST's stream) ends it here.
  virtual void ended_without_answer(const jsonrpc::request_id& id) { static_cast<void>(id); }
};

}  // namespace lumen::server
