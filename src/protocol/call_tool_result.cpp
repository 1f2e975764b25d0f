// CallToolResult: builders, text, and the JSON form both ways.
#include <lumen/protocol/call_tool_result.hpp>

#include <lumen/protocol/content.hpp>

#include <stdexcept>

namespace lumen::protocol {

call_tool_result call_tool_result::text(std::string_view text) {
  call_tool_result r;
  r.content.push_back(text_content(text));
  return r;
}

call_tool_result call_tool_result::error(std::string_view message) {
  call_tool_result r = text(message);
  r.is_error = true;
  return r;
}

call_tool_result& call_tool_result::add(json::object block) {
  content.push_back(std::move(block));
  return *this;
}

std::string call_tool_result::text() const {
  std::string out;
  for (const auto& block : content) {
    if (!block.is_object()) continue;
    const auto& o = block.get_object();
    if (get_string(o, "type") != "text") continue;
    if (auto t = get_string(o, "text")) {
      if (!out.empty()) out.push_back('\n');
      out += *t;
    }
  }
  return out;
}

json::object call_tool_result::to_json() const& {
  json::object o{{"content", content}};
  if (structured_content) o.emplace("structuredContent", *structured_content);
  if (is_error) o.emplace("isError", true);
  if (meta) o.emplace("_meta", *meta);
  return o;
}

json::object call_tool_result::to_json() && {
  json::object o;
  o.reserve(4);
  o.emplace("content", std::move(content));
  if (structured_content) o.emplace("structuredContent", std::move(*structured_content));
  if (is_error) o.emplace("isError", true);
  if (meta) o.emplace("_meta", std::move(*meta));
  return o;
}

call_tool_result call_tool_result::from_json(const json::value& v) {
  if (!v.is_object()) throw std::invalid_argument("tools/call result is not an object");
  const auto& o = v.get_object();
  call_tool_result r;
  if (auto const* c = o.if_contains("content")) {
    if (!c->is_array()) throw std::invalid_argument("tools/call result: \"content\" is not an array");
    r.content = c->get_array();
  }
  if (auto const* s = o.if_contains("structuredContent")) r.structured_content = *s;
  if (auto const* e = o.if_contains("isError"); e && e->is_bool()) r.is_error = e->get_bool();
  if (auto const* m = o.if_contains("_meta"); m && m->is_object()) r.meta = m->get_object();
  return r;
}

}  // namespace lumen::protocol
