// JSON forms of handler results.
#include <lumen/server/results.hpp>

namespace lumen::server {

tool_result tool_result::text(std::string_view text) {
  tool_result r;
  r.content.push_back(protocol::text_content(text));
  return r;
}

tool_result tool_result::error(std::string_view message) {
  tool_result r = text(message);
  r.is_error = true;
  return r;
}

tool_result& tool_result::add(json::object block) {
  content.push_back(std::move(block));
  return *this;
}

json::object tool_result::to_json() const& {
  json::object o{{"content", content}};
  if (structured_content) o.emplace("structuredContent", *structured_content);
  if (is_error) o.emplace("isError", true);
  if (meta) o.emplace("_meta", *meta);
  return o;
}

json::object tool_result::to_json() && {
  json::object o;
  o.reserve(4);
  o.emplace("content", std::move(content));
  if (structured_content) o.emplace("structuredContent", std::move(*structured_content));
  if (is_error) o.emplace("isError", true);
  if (meta) o.emplace("_meta", std::move(*meta));
  return o;
}

json::object prompt_result::to_json() const {
  json::object o;
  if (description) o.emplace("description", *description);
  json::array a;
  for (const auto& m : messages) a.push_back(m.to_json());
  o.emplace("messages", std::move(a));
  return o;
}

}  // namespace lumen::server
