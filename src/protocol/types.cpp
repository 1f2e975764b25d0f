// JSON forms of MCP data types.
#include <lumen/protocol/types.hpp>

#include <array>

namespace lumen::protocol {

namespace {

template <class T>
void put(json::object& o, std::string_view key, const std::optional<T>& v) {
  if (v) o.emplace(key, *v);
}

void put_icons(json::object& o, const std::vector<icon>& icons) {
  if (icons.empty()) return;
  json::array a;
  for (const auto& i : icons) a.push_back(i.to_json());
  o.emplace("icons", std::move(a));
}

// Reads `icons` (skipping entries that are not objects with a string `src`).
std::vector<icon> get_icons(const json::object& o) {
  std::vector<icon> out;
  auto const* a = o.if_contains("icons");
  if (!a || !a->is_array()) return out;
  for (const auto& v : a->get_array()) {
    if (!v.is_object()) continue;
    const auto& io = v.get_object();
    auto src = get_string(io, "src");
    if (!src) continue;
    icon i{.src = std::string(*src)};
    if (auto m = get_string(io, "mimeType")) i.mime_type = std::string(*m);
    if (auto const* sizes = io.if_contains("sizes"); sizes && sizes->is_array()) {
      for (const auto& size : sizes->get_array()) {
        if (size.is_string()) i.sizes.emplace_back(size.get_string());
      }
    }
    if (auto t = get_string(io, "theme")) i.theme = std::string(*t);
    out.push_back(std::move(i));
  }
  return out;
}

}  // namespace

json::object icon::to_json() const {
  json::object o{{"src", src}};
  put(o, "mimeType", mime_type);
  if (!sizes.empty()) {
    json::array a;
    for (const auto& s : sizes) a.emplace_back(s);
    o.emplace("sizes", std::move(a));
  }
  put(o, "theme", theme);
  return o;
}

json::object implementation::to_json() const {
  json::object o{{"name", name}, {"version", version}};
  put(o, "title", title);
  put(o, "description", description);
  put(o, "websiteUrl", website_url);
  put_icons(o, icons);
  return o;
}

implementation implementation::from_json(const json::object& o) {
  implementation i;
  if (auto v = get_string(o, "name")) i.name = *v;
  if (auto v = get_string(o, "version")) i.version = *v;
  if (auto v = get_string(o, "title")) i.title = std::string(*v);
  if (auto v = get_string(o, "description")) i.description = std::string(*v);
  if (auto v = get_string(o, "websiteUrl")) i.website_url = std::string(*v);
  i.icons = get_icons(o);
  return i;
}

json::object tool_annotations::to_json() const {
  json::object o;
  put(o, "title", title);
  put(o, "readOnlyHint", read_only_hint);
  put(o, "destructiveHint", destructive_hint);
  put(o, "idempotentHint", idempotent_hint);
  put(o, "openWorldHint", open_world_hint);
  return o;
}

bool tool_annotations::empty() const noexcept {
  return !title && !read_only_hint && !destructive_hint && !idempotent_hint && !open_world_hint;
}

json::object tool_definition::to_json() const {
  json::object o{{"name", name}};
  put(o, "title", title);
  put(o, "description", description);
  o.emplace("inputSchema", input_schema);
  put(o, "outputSchema", output_schema);
  if (!annotations.empty()) o.emplace("annotations", annotations.to_json());
  put_icons(o, icons);
  put(o, "_meta", meta);
  return o;
}

json::object resource_definition::to_json() const {
  json::object o{{"uri", uri}, {"name", name}};
  put(o, "title", title);
  put(o, "description", description);
  put(o, "mimeType", mime_type);
  put(o, "size", size);
  put(o, "annotations", annotations);
  put_icons(o, icons);
  return o;
}

json::object resource_template_definition::to_json() const {
  json::object o{{"uriTemplate", uri_template}, {"name", name}};
  put(o, "title", title);
  put(o, "description", description);
  put(o, "mimeType", mime_type);
  put(o, "annotations", annotations);
  put_icons(o, icons);
  return o;
}

json::object prompt_argument::to_json() const {
  json::object o{{"name", name}};
  put(o, "title", title);
  put(o, "description", description);
  if (required) o.emplace("required", true);
  return o;
}

json::object prompt_definition::to_json() const {
  json::object o{{"name", name}};
  put(o, "title", title);
  put(o, "description", description);
  if (!arguments.empty()) {
    json::array a;
    for (const auto& arg : arguments) a.push_back(arg.to_json());
    o.emplace("arguments", std::move(a));
  }
  put_icons(o, icons);
  return o;
}

namespace {
constexpr std::array<std::string_view, 8> level_names{"debug",    "info",  "notice", "warning",
                                                      "error",    "critical", "alert", "emergency"};
}

std::string_view to_string(log_level level) noexcept {
  return level_names[static_cast<std::size_t>(level)];
}

std::optional<log_level> parse_log_level(std::string_view text) noexcept {
  for (std::size_t i = 0; i < level_names.size(); ++i) {
    if (level_names[i] == text) return static_cast<log_level>(i);
  }
  return std::nullopt;
}

}  // namespace lumen::protocol
