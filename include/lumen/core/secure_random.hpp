// Random bytes from the kernel's cryptographically secure generator (getrandom(2)), for values an
// attacker must not guess: session ids, OAuth state and PKCE verifiers, hash keys.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace lumen::core {

/// Fills `out` from getrandom(2), retrying short reads and EINTR; throws std::system_error
/// ("getrandom: ...") when the kernel cannot supply them.
void secure_random_fill(std::span<std::uint8_t> out);

/// `count` secure random bytes (see secure_random_fill).
std::string secure_random_bytes(std::size_t count);

/// `N` secure random bytes (see secure_random_fill).
template <std::size_t N>
std::array<std::uint8_t, N> secure_random_array() {
  std::array<std::uint8_t, N> out{};
  secure_random_fill(out);
  return out;
}

}  // namespace lumen::core
