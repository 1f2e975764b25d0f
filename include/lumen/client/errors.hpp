// The exception a Lumen client throws: what went wrong (a JSON-RPC error from the server, a
// timeout, a dead server, an HTTP error status, a protocol violation, a failed OAuth authorization), with the JSON-RPC code and
// data when the server sent an error.
#pragma once

#include <lumen/json.hpp>
#include <lumen/jsonrpc/message.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lumen::client {

/// What kind of failure a client_error reports.
enum class error_kind {
  rpc_error,          // the server answered with a JSON-RPC error (code() holds its code)
  timeout,            // no answer within the request timeout
  cancelled,          // the caller cancelled the request
  connection_closed,  // the server went away (process exited, stream cut, transport closed)
  protocol_error,     // the server broke the protocol (malformed JSON, unknown id, bad result)
  http_error,         // an HTTP error status (http_status() holds it)
  session_expired,    // HTTP 404 for a request carrying Mcp-Session-Id
  transport_error,    // could not start or reach the server (spawn, connect, write)
  not_connected,      // the client is not connected (or already closed)
  authorization_failed,  // OAuth: discovery, registration, the user's authorization or the token
                         // exchange failed (data() holds the server's {error, error_description})
};

std::string_view to_string(error_kind kind) noexcept;

/// Thrown by every client call that fails; handed to async callbacks as an exception_ptr.
class client_error : public std::runtime_error {
 public:
  client_error(error_kind kind, const std::string& message, std::optional<int> code = std::nullopt,
               std::optional<json::value> data = std::nullopt, int http_status = 0)
      : std::runtime_error(message), kind_(kind), code_(code), data_(std::move(data)), http_status_(http_status) {}

  /// From a JSON-RPC error the server sent.
  static client_error from_rpc(const jsonrpc::error_object& e);

  error_kind kind() const noexcept { return kind_; }
  /// The JSON-RPC error code, when there is one (server errors; -32001 for timeouts).
  std::optional<int> code() const noexcept { return code_; }
  /// The JSON-RPC error's `data`, when the server sent one.
  const std::optional<json::value>& data() const noexcept { return data_; }
  /// The HTTP status for http_error and session_expired; 0 otherwise.
  int http_status() const noexcept { return http_status_; }

 private:
  error_kind kind_;
  std::optional<int> code_;
  std::optional<json::value> data_;
  int http_status_;
};

}  // namespace lumen::client
