// RFC 6570 level-1 URI templates: parsing, expansion and matching.
#include <lumen/server/uri_template.hpp>

#include <lumen/core/hex.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace lumen::server {

namespace {

bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_unreserved(char c) noexcept { return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

bool is_pct_triplet(std::string_view s, std::size_t i) noexcept {
  return i + 2 < s.size() && s[i] == '%' && core::hex_digit_value(s[i + 1]) >= 0 && core::hex_digit_value(s[i + 2]) >= 0;
}

// RFC 6570 section 2.1 `literals`, ASCII part (bytes >= 0x80 are accepted as UTF-8 elsewhere).
bool is_literal_ascii(unsigned char c) noexcept {
  return c == 0x21 || (c >= 0x23 && c <= 0x24) || c == 0x26 || (c >= 0x28 && c <= 0x3B) || c == 0x3D ||
         (c >= 0x3F && c <= 0x5B) || c == 0x5D || c == 0x5F || (c >= 0x61 && c <= 0x7A) || c == 0x7E;
}

std::string describe_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7F) return std::string{'\'', c, '\''};
  std::string out("byte 0x");
  out += core::upper_hex_digits[u >> 4];
  out += core::upper_hex_digits[u & 0xF];
  return out;
}

[[noreturn]] void fail(std::string_view text, const std::string& problem) {
  throw std::invalid_argument("invalid URI template \"" + std::string(text) + "\": " + problem);
}

// Validates the body of `{...}` that starts at offset `open` (the brace).
void validate_varname(std::string_view text, std::string_view body, std::size_t open) {
  const std::size_t base = open + 1;
  if (body.empty()) fail(text, "empty expression at offset " + std::to_string(open));
  static constexpr std::string_view operators = "+#./;?&=,!@|";
  if (operators.find(body.front()) != std::string_view::npos) {
    fail(text, "operator '" + std::string(1, body.front()) + "' at offset " + std::to_string(base) +
                   " is not supported (level 1 templates only allow {name})");
  }
  bool after_dot = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    const std::string where = " at offset " + std::to_string(base + i);
    if (is_alpha(c) || is_digit(c) || c == '_') {
      after_dot = false;
    } else if (c == '%') {
      if (!is_pct_triplet(body, i)) fail(text, "invalid percent-encoding in variable name" + where);
      i += 2;
      after_dot = false;
    } else if (c == '.') {
      if (after_dot) fail(text, "invalid variable name \"" + std::string(body) + "\": consecutive '.'" + where);
      after_dot = true;
    } else if (c == ':' || c == '*') {
      fail(text, "modifier '" + std::string(1, c) + "'" + where +
                     " is not supported (level 1 templates only allow {name})");
    } else if (c == ',') {
      fail(text, "variable list" + where + " is not supported (level 1 templates only allow {name})");
    } else {
      fail(text, "invalid character " + describe_char(c) + " in variable name" + where);
    }
  }
  if (after_dot) fail(text, "invalid variable name \"" + std::string(body) + "\": ends with '.'");
}

// Percent-decodes `s`; false when an escape is malformed.
bool percent_decode(std::string_view s, std::string& out) {
  out.clear();
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
    } else {
      if (!is_pct_triplet(s, i)) return false;
      out += static_cast<char>(core::hex_digit_value(s[i + 1]) * 16 + core::hex_digit_value(s[i + 2]));
      i += 2;
    }
  }
  return true;
}

bool is_variable_stop(char c) noexcept { return c == '/' || c == '?' || c == '#'; }

}  // namespace

uri_template::uri_template(std::string_view text) : text_(text) {
  std::string literal;
  auto flush_literal = [&] {
    if (!literal.empty()) parts_.push_back(part{false, std::move(literal)});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '{') {
      std::size_t close = i + 1;
      while (close < text.size() && text[close] != '}') {
        if (text[close] == '{') {
          fail(text, "'{' at offset " + std::to_string(close) + " inside the expression opened at offset " +
                         std::to_string(i));
        }
        ++close;
      }
      if (close == text.size()) fail(text, "unterminated expression: '{' at offset " + std::to_string(i) + " has no '}'");
      std::string_view body = text.substr(i + 1, close - i - 1);
      validate_varname(text, body, i);
      flush_literal();
      std::string name(body);
      if (std::find(names_.begin(), names_.end(), name) == names_.end()) {
        names_.push_back(name);
      } else {
        repeats_variable_ = true;
      }
      parts_.push_back(part{true, std::move(name)});
      i = close;
    } else if (c == '}') {
      fail(text, "unmatched '}' at offset " + std::to_string(i));
    } else if (c == '%') {
      if (!is_pct_triplet(text, i)) fail(text, "invalid percent-encoding at offset " + std::to_string(i));
      literal.append(text.substr(i, 3));
      i += 2;
    } else if (static_cast<unsigned char>(c) >= 0x80 || is_literal_ascii(static_cast<unsigned char>(c))) {
      literal += c;
    } else {
      fail(text, "character " + describe_char(c) + " at offset " + std::to_string(i) + " is not allowed in a URI template");
    }
  }
  flush_literal();
}

std::string uri_template::expand(const std::map<std::string, std::string>& variables) const {
  std::string out;
  out.reserve(text_.size());
  for (const auto& p : parts_) {
    if (!p.is_variable) {
      out += p.value;
      continue;
    }
    auto it = variables.find(p.value);
    if (it == variables.end()) continue;
    for (char c : it->second) {
      if (is_unreserved(c)) {
        out += c;
      } else {
        core::percent_escape_append(out, static_cast<unsigned char>(c));
      }
    }
  }
  return out;
}

std::optional<std::map<std::string, std::string>> uri_template::match(std::string_view uri) const {
  std::map<std::string, std::string> out;
  // Memo of (part, position) states known to fail. Valid only when no variable repeats (then a
  // state's outcome does not depend on earlier bindings); needed only with two or more variables,
  // where backtracking over every split could otherwise take exponential time on hostile input.
  std::vector<char> failed;
  if (!repeats_variable_ && names_.size() >= 2) failed.assign(parts_.size() * (uri.size() + 1), 0);
  if (!match_from(0, uri, 0, out, failed)) return std::nullopt;
  return out;
}

bool uri_template::match_from(std::size_t k, std::string_view uri, std::size_t pos,
                              std::map<std::string, std::string>& out, std::vector<char>& failed) const {
  if (k == parts_.size()) return pos == uri.size();
  const std::size_t state = k * (uri.size() + 1) + pos;
  if (!failed.empty() && failed[state]) return false;

  bool ok = false;
  const part& p = parts_[k];
  if (!p.is_variable) {
    ok = uri.substr(pos).starts_with(p.value) && match_from(k + 1, uri, pos + p.value.size(), out, failed);
  } else {
    std::size_t limit = pos;
    while (limit < uri.size() && !is_variable_stop(uri[limit])) ++limit;
    const bool last = k + 1 == parts_.size();
    const part* next = last ? nullptr : &parts_[k + 1];
    std::string value;
    for (std::size_t end = last ? uri.size() : pos + 1; end <= limit && !ok; ++end) {
      if (end == pos) break;  // one or more characters
      if (next && !next->is_variable && !uri.substr(end).starts_with(next->value)) continue;
      const std::string_view raw = uri.substr(pos, end - pos);
      if (repeats_variable_) {
        if (!percent_decode(raw, value)) continue;
        auto existing = out.find(p.value);
        if (existing != out.end()) {
          // A repeated variable: the earlier binding decides.
          ok = existing->second == value && match_from(k + 1, uri, end, out, failed);
        } else {
          auto it = out.emplace(p.value, value).first;
          ok = match_from(k + 1, uri, end, out, failed);
          if (!ok) out.erase(it);
        }
      } else {
        // No repeats: the rest cannot depend on this value, so match it first and decode once.
        if (!match_from(k + 1, uri, end, out, failed) || !percent_decode(raw, value)) continue;
        out.insert_or_assign(p.value, std::move(value));
        ok = true;
      }
    }
  }
  if (!ok && !failed.empty()) failed[state] = 1;
  return ok;
}

}  // namespace lumen::server
