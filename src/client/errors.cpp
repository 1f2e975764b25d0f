// client_error helpers.
#include <lumen/client/errors.hpp>

namespace lumen::client {

std::string_view to_string(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::rpc_error: return "rpc_error";
    case error_kind::timeout: return "timeout";
    case error_kind::cancelled: return "cancelled";
    case error_kind::connection_closed: return "connection_closed";
    case error_kind::protocol_error: return "protocol_error";
    case error_kind::http_error: return "http_error";
    case error_kind::session_expired: return "session_expired";
    case error_kind::transport_error: return "transport_error";
    case error_kind::not_connected: return "not_connected";
    case error_kind::authorization_failed: return "authorization_failed";
  }
  return "unknown";
}

client_error client_error::from_rpc(const jsonrpc::error_object& e) {
  return client_error(error_kind::rpc_error, "server error " + std::to_string(e.code) + ": " + e.message, e.code,
                      e.data);
}

}  // namespace lumen::client
