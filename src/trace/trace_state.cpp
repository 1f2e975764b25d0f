// W3C tracestate parsing and formatting.
#include <lumen/trace/trace_state.hpp>

#include <algorithm>

namespace lumen::trace {

namespace {

constexpr bool lcalpha(char c) noexcept { return c >= 'a' && c <= 'z'; }
constexpr bool digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool key_char(char c) noexcept {
  return lcalpha(c) || digit(c) || c == '_' || c == '-' || c == '*' || c == '/' || c == '@';
}

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool trace_state::valid_key(std::string_view key) noexcept {
  // Level 2: (lcalpha / DIGIT) 0*255(lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@")
  if (key.empty() || key.size() > 256) return false;
  if (!lcalpha(key.front()) && !digit(key.front())) return false;
  return std::all_of(key.begin() + 1, key.end(), key_char);
}

bool trace_state::valid_value(std::string_view value) noexcept {
  // 0*255(chr) nblk-chr; chr = %x20 / nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
  if (value.empty() || value.size() > 256) return false;
  for (char c : value) {
    if (c < 0x20 || c > 0x7e || c == ',' || c == '=') return false;
  }
  return value.back() != ' ';
}

trace_state::trace_state(entry_list entries)
    : entries_(entries.empty() ? nullptr : std::make_shared<const entry_list>(std::move(entries))) {}

const trace_state::entry_list& trace_state::no_entries() noexcept {
  static const entry_list none;
  return none;
}

std::optional<trace_state> trace_state::parse(std::string_view header) {
  entry_list entries;
  while (true) {
    auto comma = header.find(',');
    auto member = trim_ows(header.substr(0, comma));
    if (!member.empty()) {
      auto eq = member.find('=');
      if (eq == std::string_view::npos) return std::nullopt;
      auto key = member.substr(0, eq);
      auto value = member.substr(eq + 1);
      if (!valid_key(key) || !valid_value(value)) return std::nullopt;
      for (const auto& [k, v] : entries) {
        if (k == key) return std::nullopt;  // duplicate keys invalidate the header
      }
      if (entries.size() == max_members) return std::nullopt;
      entries.emplace_back(std::string(key), std::string(value));
    }
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return trace_state(std::move(entries));
}

std::string trace_state::to_header() const {
  std::string out;
  for (const auto& [k, v] : entries()) {
    if (!out.empty()) out += ',';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

std::string trace_state::to_header(std::size_t max_chars) const {
  std::string full = to_header();
  if (full.size() <= max_chars) return full;
  // Drop entries over 128 characters first, then from the end, until it fits.
  entry_list kept;
  for (const auto& e : entries()) {
    if (e.first.size() + 1 + e.second.size() <= 128) kept.push_back(e);
  }
  auto length = [&] {
    std::size_t n = 0;
    for (const auto& [k, v] : kept) n += k.size() + 1 + v.size() + 1;
    return n == 0 ? 0 : n - 1;
  };
  while (!kept.empty() && length() > max_chars) kept.pop_back();
  return trace_state(std::move(kept)).to_header();
}

std::optional<std::string_view> trace_state::get(std::string_view key) const {
  for (const auto& [k, v] : entries()) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<trace_state> trace_state::with(std::string_view key, std::string_view value) const {
  if (!valid_key(key) || !valid_value(value)) return std::nullopt;
  entry_list entries;
  entries.emplace_back(std::string(key), std::string(value));
  for (const auto& e : this->entries()) {
    if (e.first != key && entries.size() < max_members) entries.push_back(e);
  }
  return trace_state(std::move(entries));
}

}  // namespace lumen::trace
