// `CallToolResult`: what a tool call returns. A server's tool handler builds one; a client parses
// the one it receives. One type on both sides, with its JSON form both ways.
#pragma once

#include <lumen/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace lumen::protocol {

/// `CallToolResult`: content blocks, optional structured content, whether the tool failed, `_meta`.
struct call_tool_result {
  json::array content;
  std::optional<json::value> structured_content;
  bool is_error = false;
  std::optional<json::object> meta;

  /// A result of one text block.
  static call_tool_result text(std::string_view text);
  /// A failed tool call (`isError: true`) with one text block saying why.
  static call_tool_result error(std::string_view message);
  /// Appends a content block (see lumen/protocol/content.hpp).
  call_tool_result& add(json::object block);

  /// The text of the text content blocks, joined by newlines.
  std::string text() const;

  /// The JSON form.
  json::object to_json() const&;
  /// The JSON form, moving the content out (for the result a handler just returned).
  json::object to_json() &&;
  /// Parses a result; throws std::invalid_argument when it is not an object or its content is not
  /// an array. Members of the wrong type otherwise are ignored.
  static call_tool_result from_json(const json::value& v);
};

}  // namespace lumen::protocol
