// Trace and span identifiers (W3C Trace Context), their hex forms, and a fast random generator.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lumen::trace {

namespace detail {
template <std::size_t N>
struct id_bytes {
  std::array<std::uint8_t, N> bytes{};

  /// All-zero ids are invalid (W3C).
  constexpr bool is_valid() const noexcept {
    for (auto b : bytes) {
      if (b != 0) return true;
    }
    return false;
  }
  /// Lower-case hex, 2*N characters.
  std::string to_hex() const;
  /// Parses exactly 2*N lower-case hex digits; nullopt otherwise.
  static std::optional<id_bytes> from_hex(std::string_view hex) noexcept;

  friend constexpr bool operator==(const id_bytes&, const id_bytes&) = default;
};
}  // namespace detail

/// 16-byte trace id.
using trace_id = detail::id_bytes<16>;
/// 8-byte span id.
using span_id = detail::id_bytes<8>;

/// Random ids from a per-thread xoshiro256** generator seeded from core::secure_random_fill
/// (fast, not cryptographic: ids must be unique, not secret).
/// Trace ids are random in all 16 bytes (so W3C Level 2's "random" flag may be set).
trace_id random_trace_id() noexcept;
span_id random_span_id() noexcept;
/// 64 random bits (for jitter and the like).
std::uint64_t random_u64() noexcept;

}  // namespace lumen::trace
