// Parsing one JSON-RPC message from text, with a spec-shaped error for every malformed input.
#pragma once

#include <lumen/jsonrpc/message.hpp>

#include <cstddef>
#include <string_view>
#include <variant>
#include <vector>

namespace lumen::jsonrpc {

/// Bounds on untrusted input.
struct parse_limits {
  std::size_t max_message_bytes = 16 * 1024 * 1024;
  std::size_t max_depth = 64;
};

/// A JSON array of messages (a JSON-RPC batch); each element is still to be validated.
struct batch {
  std::vector<json::value> elements;
};

/// What parsing produced: a message, a batch, or the error response to send back.
using parse_result = std::variant<message, batch, error_response>;

/// Parses text into a message. Never throws on bad input.
parse_result parse(std::string_view text, const parse_limits& limits = {});

/// Validates an already-parsed JSON value as one message (used for batch elements too).
std::variant<message, error_response> from_json(const json::value& v);

}  // namespace lumen::jsonrpc
