// Span clocks: Unix nanoseconds, and the Unix time of a monotonic reading.
#include <lumen/trace/clock.hpp>

#include <atomic>
#include <limits>

namespace lumen::trace {

std::int64_t now_unix_nano() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t unix_nano_at(std::chrono::steady_clock::time_point t) noexcept {
  using std::chrono::duration_cast;
  using std::chrono::nanoseconds;
  static std::atomic<std::int64_t> offset{0};
  static std::atomic<std::int64_t> refresh_after{std::numeric_limits<std::int64_t>::min()};
  const std::int64_t at = duration_cast<nanoseconds>(t.time_since_epoch()).count();
  if (at >= refresh_after.load(std::memory_order_relaxed)) {
    // The wall clock read between two monotonic readings: the offset is good to half their gap.
    const auto before = std::chrono::steady_clock::now();
    const std::int64_t wall = now_unix_nano();
    const auto after = std::chrono::steady_clock::now();
    const std::int64_t mid = duration_cast<nanoseconds>((before + (after - before) / 2).time_since_epoch()).count();
    offset.store(wall - mid, std::memory_order_relaxed);
    refresh_after.store(mid + 1'000'000'000, std::memory_order_relaxed);
  }
  return at + offset.load(std::memory_order_relaxed);
}

}  // namespace lumen::trace
