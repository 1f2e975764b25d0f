// The parent/link rule (docs/architecture.md#parent-and-link): `_meta` is the MCP span's parent; the
// ambient context (HTTP span, host span, TRACEPARENT on stdio) becomes a Link when it is a
// different span, or the parent when there is no valid `_meta` context.
#pragma once

#include <lumen/trace/span_context.hpp>

#include <optional>

namespace lumen::telemetry {

struct parent_link_decision {
  /// Invalid: the MCP span starts a new trace.
  trace::span_context parent;
  std::optional<trace::span_context> link;
};

/// `meta` and `ambient` are invalid when absent (or invalid by the W3C rules).
parent_link_decision decide_parent_and_link(const trace::span_context& meta, const trace::span_context& ambient);

}  // namespace lumen::telemetry
