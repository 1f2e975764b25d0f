// Results handlers return: prompt results and completion values (tool results are
// protocol::call_tool_result, shared with the client).
#pragma once

#include <lumen/json.hpp>
#include <lumen/protocol/call_tool_result.hpp>
#include <lumen/protocol/content.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lumen::server {

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
