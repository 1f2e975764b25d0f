// Results handlers return: tool results, prompt results, completion values.
#pragma once

#include <lumen/json.hpp>
#include <lumen/protocol/content.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lumen::server {

/// `CallToolResult`: content blocks, optional structured content, and whether the tool failed.
struct tool_result {
  json::array content;
  std::optional<json::value> structured_content;
  bool is_error = false;
  std::optional<json::object> meta;

  /// One text block.
  static tool_result text(std::string_view text);
  /// A failed tool call (`isError: true`) with one text block saying why.
  static tool_result error(std::string_view message);
  /// Appends a content block (see lumen/protocol/content.hpp).
  tool_result& add(json::object block);
  json::object to_json() const&;
  /// The JSON form, moving the content out (for the result a handler just returned).
  json::object to_json() &&;
};

/// A message of a prompt (`PromptMessage`).
struct prompt_message {
  std::string role;  // "user" or "assistant"
  json::object content;
  json::object to_json() const { return {{"role", role}, {"content", content}}; }
};

/// `GetPromptResult`.
struct prompt_result {
  std::optional<std::string> description;
  std::vector<prompt_message> messages;
  json::object to_json() const;
};

/// Values a completer offers for an argument (at most 100 are sent; `total`/`hasMore` say the rest).
struct completion_values {
  std::vector<std::string> values;
  std::optional<std::int64_t> total;
  bool has_more = false;
};

}  // namespace lumen::server
