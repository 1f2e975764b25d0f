// Parsing and validating JSON-RPC 2.0 messages from untrusted text.
#include <lumen/jsonrpc/parse.hpp>

#include "message_arena.hpp"

#include <algorithm>
#include <string>

namespace lumen::jsonrpc {

namespace {

std::string describe_kind(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "a value";
}

// The id to answer an invalid message with: its own id when that id is usable, else null.
std::optional<request_id> recoverable_id(const json::object& o) {
  if (auto const* id = o.if_contains("id")) return request_id::from_json(*id);
  return std::nullopt;
}

}  // namespace

namespace {

// The message in `v`; with `take`, params move out of `v` (no copy: they keep v's storage).
std::variant<message, error_response> message_from(const json::value& v, json::object* take_params);

}  // namespace

std::variant<message, error_response> from_json(const json::value& v) { return message_from(v, nullptr); }

namespace {

std::variant<message, error_response> message_from(const json::value& v, json::object* take_params) {
  if (!v.is_object()) {
    return make_error(std::nullopt, error_codes::invalid_request,
                      "Invalid Request: a JSON-RPC message must be an object, got " + describe_kind(v));
  }
  const json::object& o = v.get_object();
  auto const* version = o.if_contains("jsonrpc");
  if (!version || !version->is_string() || version->get_string() != "2.0") {
    return make_error(recoverable_id(o), error_codes::invalid_request,
                      "Invalid Request: \"jsonrpc\" must be exactly \"2.0\"");
  }
  auto const* id_value = o.if_contains("id");
  std::optional<request_id> id;
  if (id_value) {
    id = request_id::from_json(*id_value);
    if (!id && !(id_value->is_null() && !o.contains("method"))) {
      return make_error(std::nullopt, error_codes::invalid_request,
                        "Invalid Request: \"id\" must be a string or an integer, got " +
                            describe_kind(*id_value));
    }
  }

  if (auto const* method = o.if_contains("method")) {
    if (!method->is_string()) {
      return make_error(id, error_codes::invalid_request,
                        "Invalid Request: \"method\" must be a string, got " + describe_kind(*method));
    }
    if (o.contains("result") || o.contains("error")) {
      return make_error(id, error_codes::invalid_request,
                        "Invalid Request: a request cannot carry \"result\" or \"error\"");
    }
    auto const* p = o.if_contains("params");
    if (p && p->is_array()) {
      return make_error(id, error_codes::invalid_params,
                        "Invalid params: MCP \"params\" must be an object, got an array");
    }
    if (p && !p->is_object()) {
      return make_error(id, error_codes::invalid_request,
                        "Invalid Request: \"params\" must be an object, got " + describe_kind(*p));
    }
    // Moved: constructed from the parsed object (an assignment would copy into another storage).
    json::object params = !p ? json::object() : take_params ? json::object(std::move(*take_params)) : json::object(p->get_object(), {});
    std::string name(method->get_string());
    if (id) return message(request{std::move(*id), std::move(name), std::move(params)});
    return message(notification{std::move(name), std::move(params)});
  }

  // No method: a response or an error response.
  bool has_result = o.contains("result");
  auto const* err = o.if_contains("error");
  if (has_result == (err != nullptr)) {
    return make_error(id, error_codes::invalid_request,
                      "Invalid Request: a message needs \"method\", or exactly one of \"result\" and \"error\"");
  }
  if (has_result) {
    if (!id) {
      return make_error(std::nullopt, error_codes::invalid_request,
                        "Invalid Request: a response needs a string or integer \"id\"");
    }
    return message(response{std::move(*id), o.at("result")});
  }
  if (!err->is_object()) {
    return make_error(id, error_codes::invalid_request, "Invalid Request: \"error\" must be an object");
  }
  const json::object& eo = err->get_object();
  auto const* code = eo.if_contains("code");
  auto const* msg = eo.if_contains("message");
  if (!code || !code->is_int64() || !msg || !msg->is_string()) {
    return make_error(id, error_codes::invalid_request,
                      "Invalid Request: \"error\" needs an integer \"code\" and a string \"message\"");
  }
  error_object e{static_cast<int>(code->get_int64()), std::string(msg->get_string()), std::nullopt};
  if (auto const* data = eo.if_contains("data")) e.data = *data;
  return message(error_response{std::move(id), std::move(e)});
}

}  // namespace

parse_result parse(std::string_view text, const parse_limits& limits) {
  if (text.size() > limits.max_message_bytes) {
    return make_error(std::nullopt, error_codes::invalid_request,
                      "Invalid Request: message of " + std::to_string(text.size()) +
                          " bytes exceeds the limit of " + std::to_string(limits.max_message_bytes));
  }
  json::parse_options options;
  options.max_depth = limits.max_depth;
  options.allow_invalid_utf8 = false;
  boost::system::error_code ec;
  // One allocation strategy per message: the tree goes into one monotonic arena, released as a
  // whole when the last value that refers to it goes (the request's params keep it alive). The
  // arena is not thread-safe: a copy of one of its values allocates from it, so batch elements,
  // which may be handled on several threads at once, are copied out of it below.
  json::value v = json::parse(text, ec, json::make_shared_resource<detail::message_arena>(),
                              options);
  if (ec) {
    std::string reason = ec == json::error::too_deep
                             ? "nesting deeper than " + std::to_string(limits.max_depth) + " levels"
                         : text.find_first_not_of(" \t\r\n") == std::string_view::npos ? "empty message"
                                                                                         : ec.message();
    return make_error(std::nullopt, error_codes::parse_error, "Parse error: " + reason);
  }
  if (v.is_array()) {
    batch b;
    b.elements.reserve(v.get_array().size());
    for (const auto& e : v.get_array()) b.elements.emplace_back(e, json::storage_ptr());  // out of the arena
    return b;
  }
  json::object* params = nullptr;
  if (v.is_object()) {
    if (auto* p = v.get_object().if_contains("params"); p && p->is_object()) params = &p->get_object();
  }
  auto r = message_from(v, params);
  if (auto* m = std::get_if<message>(&r)) return std::move(*m);
  return std::get<error_response>(std::move(r));
}

}  // namespace lumen::jsonrpc
