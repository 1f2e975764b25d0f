// JSON form of JSON-RPC messages.
#include <lumen/jsonrpc/message.hpp>

#include <cmath>
#include <limits>

namespace lumen::jsonrpc {

json::value request_id::to_json() const {
  if (is_integer()) return json::value(as_integer());
  return json::value(as_string());
}

std::string request_id::to_string() const {
  if (is_integer()) return std::to_string(as_integer());
  return as_string();
}

std::optional<request_id> request_id::from_json(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return request_id(std::string(v.get_string()));
    case json::kind::int64:
      return request_id(v.get_int64());
    case json::kind::uint64:
      if (v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return request_id(static_cast<std::int64_t>(v.get_uint64()));
      }
      return std::nullopt;
    default:
      return std::nullopt;  // null, bool, fractional numbers, objects and arrays are not ids
  }
}

namespace {

json::object envelope() {
  json::object o;
  o.reserve(4);
  o.emplace("jsonrpc", "2.0");
  return o;
}

}  // namespace

json::value to_json(const message& m) {
  return std::visit(
      [](const auto& msg) -> json::value {
        using T = std::decay_t<decltype(msg)>;
        json::object o = envelope();
        if constexpr (std::is_same_v<T, request>) {
          o.emplace("id", msg.id.to_json());
          o.emplace("method", msg.method);
          if (!msg.params.empty()) o.emplace("params", msg.params);
        } else if constexpr (std::is_same_v<T, notification>) {
          o.emplace("method", msg.method);
          if (!msg.params.empty()) o.emplace("params", msg.params);
        } else if constexpr (std::is_same_v<T, response>) {
          o.emplace("id", msg.id.to_json());
          o.emplace("result", msg.result);
        } else {
          o.emplace("id", msg.id ? msg.id->to_json() : json::value(nullptr));
          json::object e;
          e.emplace("code", msg.error.code);
          e.emplace("message", msg.error.message);
          if (msg.error.data) e.emplace("data", *msg.error.data);
          o.emplace("error", std::move(e));
        }
        return o;
      },
      m);
}

std::string serialize(const message& m) { return json::serialize(to_json(m)); }

error_response make_error(std::optional<request_id> id, int code, std::string text,
                          std::optional<json::value> data) {
  return error_response{std::move(id), error_object{code, std::move(text), std::move(data)}};
}

}  // namespace lumen::jsonrpc
