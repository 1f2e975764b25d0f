// Helpers for answering elicitation/create: fill in the defaults a requested schema declares.
#pragma once

#include <lumen/json.hpp>

namespace lumen::client {

/// Returns `content` with every property of `requested_schema` that has a `default` and is
/// missing from `content` set to that default (SEP-1034).
json::object apply_elicitation_defaults(const json::object& requested_schema, json::object content = {});

/// The result of an elicitation the user accepted: {"action":"accept","content":...}.
json::object elicitation_accept(json::object content);
/// {"action":"decline"} or {"action":"cancel"}.
json::object elicitation_decline();
json::object elicitation_cancel();

}  // namespace lumen::client
