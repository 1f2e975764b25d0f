// JSON-RPC 2.0 message model: request ids, requests, notifications, responses and errors.
#pragma once

#include <lumen/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace lumen::jsonrpc {

/// JSON-RPC and MCP error codes.
namespace error_codes {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
/// MCP: the requested resource does not exist.
inline constexpr int resource_not_found = -32002;
/// MCP: a server-to-client request that the client did not answer in time (Lumen's choice of
/// the implementation-defined range).
inline constexpr int request_timeout = -32001;
}  // namespace error_codes

/// A request id: a string or an integer (never null, never fractional).
class request_id {
 public:
  request_id() = default;
  request_id(std::int64_t v) : value_(v) {}  // NOLINT(google-explicit-constructor)
  request_id(std::string v) : value_(std::move(v)) {}  // NOLINT(google-explicit-constructor)
  request_id(const char* v) : value_(std::string(v)) {}  // NOLINT(google-explicit-constructor)

  bool is_integer() const noexcept { return std::holds_alternative<std::int64_t>(value_); }
  bool is_string() const noexcept { return std::holds_alternative<std::string>(value_); }
  std::int64_t as_integer() const { return std::get<std::int64_t>(value_); }
  const std::string& as_string() const { return std::get<std::string>(value_); }

  /// The id as a JSON value (number or string).
  json::value to_json() const;
  /// The id's text: decimal for integers, the string itself for strings.
  std::string to_string() const;
  /// Reads an id from JSON; nullopt when the value is not a valid id.
  static std::optional<request_id> from_json(const json::value& v);

  friend bool operator==(const request_id&, const request_id&) = default;

 private:
  std::variant<std::int64_t, std::string> value_{std::int64_t{0}};
  friend struct std::hash<request_id>;
};

/// The `error` member of an error response.
struct error_object {
  int code = error_codes::internal_error;
  std::string message;
  std::optional<json::value> data;
};

struct request {
  request_id id;
  std::string method;
  json::object params;  // empty when the message had none
};

struct notification {
  std::string method;
  json::object params;
};

struct response {
  request_id id;
  json::value result;
};

struct error_response {
  std::optional<request_id> id;  // nullopt serializes as `"id": null`
  error_object error;
};

using message = std::variant<request, notification, response, error_response>;

/// Builds the JSON form of any message.
json::value to_json(const message& m);
/// Serializes any message compactly (no trailing newline).
std::string serialize(const message& m);

/// Convenience constructor of an error response.
error_response make_error(std::optional<request_id> id, int code, std::string text,
                          std::optional<json::value> data = std::nullopt);

}  // namespace lumen::jsonrpc

template <>
struct std::hash<lumen::jsonrpc::request_id> {
  std::size_t operator()(const lumen::jsonrpc::request_id& id) const noexcept {
    return std::hash<std::variant<std::int64_t, std::string>>{}(id.value_);
  }
};
