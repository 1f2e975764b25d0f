// Ids: hex conversion and random generation.
#include <lumen/trace/ids.hpp>

#include <lumen/core/hex.hpp>
#include <lumen/core/secure_random.hpp>

#include <array>
#include <cstring>

namespace lumen::trace {

namespace {

// xoshiro256** (Blackman and Vigna): fast, good statistical quality, not cryptographic. Ids need
// uniqueness, not secrecy (they travel in clear in traceparent), and one is drawn per span, so a
// getrandom(2) call each would cost a system call on the hot path; only the seed is secure random.
// The per-thread state is plain data (zero-initialized, seeded on first use), so reaching it
// costs no thread_local initialization guard.
struct xoshiro256 {
  std::uint64_t s[4];
  bool seeded;

  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  [[gnu::noinline]] void seed() noexcept {
    core::secure_random_fill(std::span(reinterpret_cast<std::uint8_t*>(s), sizeof s));
    if ((s[0] | s[1] | s[2] | s[3]) == 0) s[0] = 0x9e3779b97f4a7c15ULL;
    seeded = true;
  }
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
};

thread_local xoshiro256 thread_generator{};

xoshiro256& generator() noexcept {
  auto& g = thread_generator;
  if (!g.seeded) [[unlikely]] g.seed();
  return g;
}

// `N` random bytes, 8 at a time.
template <std::size_t N>
void fill(std::array<std::uint8_t, N>& out) noexcept {
  auto& g = generator();
  for (std::size_t i = 0; i < N; i += 8) {
    std::uint64_t v = g.next();
    std::memcpy(out.data() + i, &v, 8);
  }
}

}  // namespace

namespace detail {

template <std::size_t N>
std::string id_bytes<N>::to_hex() const {
  std::string out(2 * N, '0');
  core::hex_encode_into(bytes, out.data());
  return out;
}

template <std::size_t N>
std::optional<id_bytes<N>> id_bytes<N>::from_hex(std::string_view hex) noexcept {
  if (hex.size() != 2 * N) return std::nullopt;
  id_bytes id;
  // A table lookup per digit and one validity test per id, instead of two range tests and a
  // branch per digit: ids are decoded on every request that carries a context.
  std::uint8_t invalid = 0;  // any digit's 0xff sets the high bits
  for (std::size_t i = 0; i < N; ++i) {
    const std::uint8_t hi = core::lower_hex_values[static_cast<unsigned char>(hex[2 * i])];
    const std::uint8_t lo = core::lower_hex_values[static_cast<unsigned char>(hex[2 * i + 1])];
    invalid |= static_cast<std::uint8_t>(hi | lo);
    id.bytes[i] = static_cast<std::uint8_t>((hi << 4) | (lo & 0x0f));
  }
  if (invalid & 0xf0) return std::nullopt;
  return id;
}

template struct id_bytes<16>;
template struct id_bytes<8>;

}  // namespace detail

namespace {
// A random id that is valid (not all zeros).
template <class Id>
Id random_valid_id() noexcept {
  Id id;
  do {
    fill(id.bytes);
  } while (!id.is_valid());
  return id;
}
}  // namespace

trace_id random_trace_id() noexcept { return random_valid_id<trace_id>(); }

span_id random_span_id() noexcept { return random_valid_id<span_id>(); }

std::uint64_t random_u64() noexcept { return generator().next(); }

}  // namespace lumen::trace
