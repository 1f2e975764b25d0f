// The immutable identity of a span as it propagates: trace id, span id, W3C trace flags
// (sampled; Level 2 random), trace state, and whether it came from another process.
#pragma once

#include <lumen/trace/ids.hpp>
#include <lumen/trace/trace_state.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lumen::trace {

/// W3C trace-flags bits.
namespace trace_flags {
inline constexpr std::uint8_t sampled = 0x01;
/// Level 2: the trace id's right-most 7 bytes are random.
inline constexpr std::uint8_t random = 0x02;
/// The bits Lumen understands and propagates.
inline constexpr std::uint8_t known = sampled | random;
}  // namespace trace_flags

class span_context {
 public:
  span_context() = default;
  span_context(trace::trace_id t, trace::span_id s, std::uint8_t flags, bool remote, trace::trace_state state = {})
      : trace_id_(t), span_id_(s), flags_(flags), remote_(remote), state_(std::move(state)) {}

  const trace::trace_id& trace_id() const noexcept { return trace_id_; }
  const trace::span_id& span_id() const noexcept { return span_id_; }
  std::uint8_t flags() const noexcept { return flags_; }
  bool is_sampled() const noexcept { return (flags_ & trace_flags::sampled) != 0; }
  bool is_random() const noexcept { return (flags_ & trace_flags::random) != 0; }
  bool is_remote() const noexcept { return remote_; }
  const trace::trace_state& trace_state() const noexcept { return state_; }
  /// Both ids non-zero.
  bool is_valid() const noexcept { return trace_id_.is_valid() && span_id_.is_valid(); }
  /// Same trace and span (flags and state aside).
  bool same_span(const span_context& o) const noexcept { return trace_id_ == o.trace_id_ && span_id_ == o.span_id_; }

  friend bool operator==(const span_context&, const span_context&) = default;

 private:
  trace::trace_id trace_id_;
  trace::span_id span_id_;
  std::uint8_t flags_ = 0;
  bool remote_ = false;
  trace::trace_state state_;
};

/// Parses a `traceparent` value by every W3C rule (version 00 exactly 55 characters; future
/// versions: the first four fields, more only after a "-"; version ff invalid; lower-case hex;
/// non-zero ids). `tracestate` is honoured only with a valid traceparent and dropped when invalid.
/// Unknown flag bits are not kept. The result is remote; nullopt when invalid.
std::optional<span_context> parse_traceparent(std::string_view traceparent, std::string_view tracestate = {});

/// `00-{trace id}-{span id}-{flags}`.
std::string format_traceparent(const span_context& ctx);

}  // namespace lumen::trace
