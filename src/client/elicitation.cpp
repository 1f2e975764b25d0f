// Elicitation answer helpers.
#include <lumen/client/elicitation.hpp>

namespace lumen::client {

json::object apply_elicitation_defaults(const json::object& requested_schema, json::object content) {
  auto const* properties = get_object(requested_schema, "properties");
  if (!properties) return content;
  for (const auto& [name, schema] : *properties) {
    if (!schema.is_object() || content.contains(name)) continue;
    if (auto const* d = schema.get_object().if_contains("default")) content.emplace(name, *d);
  }
  return content;
}

json::object elicitation_accept(json::object content) {
  return {{"action", "accept"}, {"content", std::move(content)}};
}

json::object elicitation_decline() { return {{"action", "decline"}}; }

json::object elicitation_cancel() { return {{"action", "cancel"}}; }

}  // namespace lumen::client
