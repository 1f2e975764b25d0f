// W3C Baggage parsing and formatting.
#include <lumen/trace/baggage.hpp>

#include <lumen/core/hex.hpp>

#include <algorithm>

namespace lumen::trace {

namespace {

bool token_char(char c) noexcept {
  // RFC 7230 tchar
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '.':
    case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool is_token(std::string_view s) noexcept { return !s.empty() && std::all_of(s.begin(), s.end(), token_char); }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      int hi = i + 1 < s.size() ? core::hex_digit_value(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? core::hex_digit_value(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>((hi << 4) | lo);
      i += 2;
    } else {
      // baggage-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
      if (c < 0x21 || c > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\') return std::nullopt;
      out += c;
    }
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    bool safe = c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\' && c != '%';
    if (safe) {
      out += ch;
    } else {
      core::percent_escape_append(out, c);
    }
  }
  return out;
}

}  // namespace

baggage baggage::parse(std::string_view header) {
  baggage b;
  std::size_t bytes = 0;
  while (!header.empty()) {
    auto comma = header.find(',');
    auto member = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (member.empty()) continue;
    auto semi = member.find(';');
    auto kv = trim(member.substr(0, semi));
    auto metadata = semi == std::string_view::npos ? std::string_view() : trim(member.substr(semi + 1));
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    auto key = trim(kv.substr(0, eq));
    auto value = percent_decode(trim(kv.substr(eq + 1)));
    if (!is_token(key) || !value) continue;
    if (b.entries_.size() == max_members) break;
    if (bytes + member.size() > max_bytes) continue;  // this member does not fit; a later one may
    bytes += member.size() + 1;
    b.set(key, *value, metadata);
  }
  return b;
}

std::string baggage::to_header() const {
  std::string out;
  std::size_t members = 0;
  for (const auto& e : entries_) {
    std::string member = e.key + "=" + percent_encode(e.value);
    if (!e.metadata.empty()) member += ";" + e.metadata;
    if (members == max_members || out.size() + member.size() + 1 > max_bytes) break;
    if (!out.empty()) out += ',';
    out += member;
    ++members;
  }
  return out;
}

std::optional<std::string_view> baggage::get(std::string_view key) const {
  for (const auto& e : entries_) {
    if (e.key == key) return std::string_view(e.value);
  }
  return std::nullopt;
}

bool baggage::set(std::string_view key, std::string_view value, std::string_view metadata) {
  if (!is_token(key)) return false;
  for (auto& e : entries_) {
    if (e.key == key) {
      e.value = std::string(value);
      e.metadata = std::string(metadata);
      return true;
    }
  }
  entries_.push_back({std::string(key), std::string(value), std::string(metadata)});
  return true;
}

}  // namespace lumen::trace
