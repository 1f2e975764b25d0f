// Exceptions a handler may throw to answer with a specific JSON-RPC error.
#pragma once

#include <lumen/json.hpp>
#include <lumen/jsonrpc/message.hpp>

#include <optional>
#include <stdexcept>
#include <string>

namespace lumen::server {

/// Answers the request with this JSON-RPC error (for a tool call: a protocol error, not an
/// `isError` result).
class mcp_error : public std::runtime_error {
 public:
  explicit mcp_error(int code, const std::string& message, std::optional<json::value> data = std::nullopt)
      : std::runtime_error(message), code_(code), data_(std::move(data)) {}
  int code() const noexcept { return code_; }
  const std::optional<json::value>& data() const noexcept { return data_; }
  jsonrpc::error_object to_error_object() const { return {code_, what(), data_}; }

 private:
  int code_;
  std::optional<json::value> data_;
};

/// -32002: the resource does not exist.
inline mcp_error resource_not_found(const std::string& uri) {
  return mcp_error(jsonrpc::error_codes::resource_not_found, "Resource not found: " + uri,
                   json::object{{"uri", uri}});
}

/// -32602 with a message.
inline mcp_error invalid_params(const std::string& message) {
  return mcp_error(jsonrpc::error_codes::invalid_params, message);
}

/// The client lacks the capability a server-to-client request needs.
class capability_error : public mcp_error {
 public:
  explicit capability_error(const std::string& message)
      : mcp_error(jsonrpc::error_codes::invalid_request, message) {}
};

}  // namespace lumen::server
