// Hexadecimal digits: lower-case encoding of bytes, and digit values for the decoders (W3C ids,
// percent-escapes). The per-character pieces are inline because trace ids use them per request.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace lumen::core {

/// The sixteen lower-case hex digits, indexed by value.
inline constexpr std::string_view lower_hex_digits = "0123456789abcdef";

/// Writes the two lower-case hex digits of each byte to `out` (which holds 2 * bytes.size() chars).
inline void hex_encode_into(std::span<const std::uint8_t> bytes, char* out) noexcept {
  for (std::uint8_t b : bytes) {
    *out++ = lower_hex_digits[b >> 4];
    *out++ = lower_hex_digits[b & 0xf];
  }
}

/// Appends the two lower-case hex digits of one byte to `out`.
inline void hex_append(std::string& out, std::uint8_t byte) {
  out += lower_hex_digits[byte >> 4];
  out += lower_hex_digits[byte & 0xf];
}

/// The sixteen upper-case hex digits, indexed by value (percent-escapes use upper case).
inline constexpr std::string_view upper_hex_digits = "0123456789ABCDEF";

/// Appends the percent-escape `%XX` of one byte, upper-case as RFC 3986 §2.1 recommends.
inline void percent_escape_append(std::string& out, std::uint8_t byte) {
  out += '%';
  out += upper_hex_digits[byte >> 4];
  out += upper_hex_digits[byte & 0xf];
}

/// Lower-case hex of `bytes`, two digits per byte.
std::string hex_encode(std::span<const std::uint8_t> bytes);
/// Lower-case hex of the bytes of `bytes`, two digits per byte.
std::string hex_encode(std::string_view bytes);

/// Values of the lower-case hex digits; 0xff for every other byte (upper case included, as W3C
/// Trace Context requires). A table so a decoder tests validity once per id, not per digit.
inline constexpr std::array<std::uint8_t, 256> lower_hex_values = [] {
  std::array<std::uint8_t, 256> table{};
  table.fill(0xff);
  for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(c - 'a' + 10);
  return table;
}();

/// True when `text` is non-empty and only lower-case hex digits.
constexpr bool is_lower_hex(std::string_view text) noexcept {
  if (text.empty()) return false;
  for (char c : text) {
    if (lower_hex_values[static_cast<unsigned char>(c)] == 0xff) return false;
  }
  return true;
}

/// The value (0-15) of a hex digit of either case; -1 for any other character.
constexpr int hex_digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace lumen::core
