// MCP content block builders.
#include <lumen/protocol/content.hpp>

#include <lumen/core/base64.hpp>

namespace lumen::protocol {

json::object text_content(std::string_view text) { return {{"type", "text"}, {"text", text}}; }

json::object image_content(std::string_view base64_data, std::string_view mime_type) {
  return {{"type", "image"}, {"data", base64_data}, {"mimeType", mime_type}};
}

json::object audio_content(std::string_view base64_data, std::string_view mime_type) {
  return {{"type", "audio"}, {"data", base64_data}, {"mimeType", mime_type}};
}

json::object resource_link(std::string_view uri, std::string_view name,
                           std::optional<std::string_view> mime_type,
                           std::optional<std::string_view> description) {
  json::object o{{"type", "resource_link"}, {"uri", uri}, {"name", name}};
  if (mime_type) o.emplace("mimeType", *mime_type);
  if (description) o.emplace("description", *description);
  return o;
}

json::object embedded_resource(json::object resource_contents) {
  return {{"type", "resource"}, {"resource", std::move(resource_contents)}};
}

json::object text_resource(std::string_view uri, std::string_view text,
                           std::optional<std::string_view> mime_type) {
  json::object o{{"uri", uri}};
  if (mime_type) o.emplace("mimeType", *mime_type);
  o.emplace("text", text);
  return o;
}

json::object blob_resource(std::string_view uri, std::string_view bytes,
                           std::optional<std::string_view> mime_type) {
  json::object o{{"uri", uri}};
  if (mime_type) o.emplace("mimeType", *mime_type);
  o.emplace("blob", core::base64_encode(bytes));
  return o;
}

}  // namespace lumen::protocol
