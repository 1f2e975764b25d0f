// The clocks spans are timed with: Unix nanoseconds, and the Unix time of a monotonic reading.
#pragma once

#include <chrono>
#include <cstdint>

namespace lumen::trace {

/// Unix time now, in nanoseconds.
std::int64_t now_unix_nano() noexcept;

/// The Unix time (ns) of a monotonic reading: the reading plus the wall clock's offset from the
/// monotonic clock, measured again at most once a second. Span start times come from it, so
/// that a span reads one clock, once, when it starts (a step of the wall clock reaches spans
/// within a second).
std::int64_t unix_nano_at(std::chrono::steady_clock::time_point t) noexcept;

}  // namespace lumen::trace
