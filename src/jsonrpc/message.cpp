// JSON form of JSON-RPC messages.
#include <lumen/jsonrpc/message.hpp>

#include <algorithm>
#include <charconv>
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

namespace {

// Appends the JSON text of `source` (a json::serializer reset to a value) to `out`.
void append_serialized(std::string& out, json::serializer& source) {
  while (!source.done()) {
    const std::size_t used = out.size();
    // Into the capacity already there while it is worth it; grow only when little is left.
    const std::size_t room = out.capacity() - used >= 64 ? out.capacity() - used : used + 256;
    out.resize(used + room);
    out.resize(used + source.read(out.data() + used, room).size());
  }
}

void append_id(std::string& out, const request_id& id) {
  if (id.is_integer()) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, id.as_integer());
    out.append(digits, end);
    return;
  }
  json::serializer sr;
  sr.reset(json::string_view(id.as_string()));
  append_serialized(out, sr);
}

}  // namespace

std::string serialize(const message& m) {
  // A response, the common case, is written straight out: no envelope object, no copy of the
  // result. The text is what json::serialize(to_json(m)) gives.
  if (auto const* r = std::get_if<response>(&m)) {
    std::string out;
    out.reserve(160);
    out += R"({"jsonrpc":"2.0","id":)";
    append_id(out, r->id);
    out += R"(,"result":)";
    json::serializer sr;
    sr.reset(&r->result);
    append_serialized(out, sr);
    out += '}';
    return out;
  }
  return json::serialize(to_json(m));
}

error_response make_error(std::optional<request_id> id, int code, std::string text,
                          std::optional<json::value> data) {
  return error_response{std::move(id), error_object{code, std::move(text), std::move(data)}};
}

}  // namespace lumen::jsonrpc
