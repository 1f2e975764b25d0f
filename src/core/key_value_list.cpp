// `key=value,key=value` lists (OpenTelemetry environment variables).
#include <lumen/core/key_value_list.hpp>

#include <lumen/core/hex.hpp>

namespace lumen::core {

namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Lenient, as the SDKs are: a value that is not well encoded is kept rather than dropped.
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const int hi = s[i] == '%' && i + 2 < s.size() ? hex_digit_value(s[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_digit_value(s[i + 2]) : -1;
    if (lo >= 0) {
      out += static_cast<char>((hi << 4) | lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

key_value_list parse_key_value_list(std::string_view text) {
  key_value_list list;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto member = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (member.empty()) continue;
    const auto eq = member.find('=');
    const auto key = trim(member.substr(0, eq));
    if (eq == std::string_view::npos || key.empty()) {
      ++list.malformed;
      continue;
    }
    list.entries.push_back({std::string(key), percent_decode(trim(member.substr(eq + 1)))});
  }
  return list;
}

}  // namespace lumen::core
