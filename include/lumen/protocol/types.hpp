// MCP data types the server and client exchange: implementation info, icons, definitions of
// tools, resources and prompts, log levels. Each converts to and from its JSON form.
#pragma once

#include <lumen/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lumen::protocol {

/// An icon for a server, tool, resource or prompt (MCP 2025-11-25 `Icon`).
struct icon {
  std::string src;                    // URL or data: URI
  std::optional<std::string> mime_type;
  std::vector<std::string> sizes;     // e.g. "48x48", "any"
  std::optional<std::string> theme;   // "light" or "dark"
  json::object to_json() const;
};

/// `Implementation`: who the server or client is.
struct implementation {
  std::string name;
  std::string version;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> website_url;
  std::vector<icon> icons;
  json::object to_json() const;
  static implementation from_json(const json::object& o);
};

/// Tool annotations (hints; untrusted on the client side).
struct tool_annotations {
  std::optional<std::string> title;
  std::optional<bool> read_only_hint;
  std::optional<bool> destructive_hint;
  std::optional<bool> idempotent_hint;
  std::optional<bool> open_world_hint;
  json::object to_json() const;
  bool empty() const noexcept;
};

/// The listing of a tool (`Tool`).
struct tool_definition {
  std::string name;
  std::optional<std::string> title;
  std::optional<std::string> description;
  json::object input_schema{{"type", "object"}};
  std::optional<json::object> output_schema;
  tool_annotations annotations;
  std::vector<icon> icons;
  std::optional<json::object> meta;
  json::object to_json() const;
};

/// The listing of a concrete resource (`Resource`).
struct resource_definition {
  std::string uri;
  std::string name;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> mime_type;
  std::optional<std::int64_t> size;
  std::optional<json::object> annotations;
  std::vector<icon> icons;
  json::object to_json() const;
};

/// The listing of a resource template (`ResourceTemplate`).
struct resource_template_definition {
  std::string uri_template;
  std::string name;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> mime_type;
  std::optional<json::object> annotations;
  std::vector<icon> icons;
  json::object to_json() const;
};

/// One argument a prompt accepts.
struct prompt_argument {
  std::string name;
  std::optional<std::string> title;
  std::optional<std::string> description;
  bool required = false;
  json::object to_json() const;
};

/// The listing of a prompt (`Prompt`).
struct prompt_definition {
  std::string name;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::vector<prompt_argument> arguments;
  std::vector<icon> icons;
  json::object to_json() const;
};

/// Syslog severities used by `logging/setLevel` and `notifications/message`.
enum class log_level { debug, info, notice, warning, error, critical, alert, emergency };

std::string_view to_string(log_level level) noexcept;
std::optional<log_level> parse_log_level(std::string_view text) noexcept;

}  // namespace lumen::protocol
