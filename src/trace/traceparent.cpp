// W3C traceparent parsing and formatting.
#include <lumen/trace/span_context.hpp>

namespace lumen::trace {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::uint8_t> hex_byte(std::string_view s) noexcept {
  if (s.size() != 2) return std::nullopt;
  int hi = hex_value(s[0]);
  int lo = hex_value(s[1]);
  if (hi < 0 || lo < 0) return std::nullopt;
  return static_cast<std::uint8_t>((hi << 4) | lo);
}

}  // namespace

std::optional<span_context> parse_traceparent(std::string_view tp, std::string_view ts) {
  // version "-" trace-id "-" parent-id "-" trace-flags
  if (tp.size() < 55) return std::nullopt;
  auto version = hex_byte(tp.substr(0, 2));
  if (!version || *version == 0xff) return std::nullopt;
  if (*version == 0x00 && tp.size() != 55) return std::nullopt;
  if (*version != 0x00 && tp.size() > 55 && tp[55] != '-') return std::nullopt;  // future versions
  if (tp[2] != '-' || tp[35] != '-' || tp[52] != '-') return std::nullopt;
  auto t = trace_id::from_hex(tp.substr(3, 32));
  auto s = span_id::from_hex(tp.substr(36, 16));
  auto flags = hex_byte(tp.substr(53, 2));
  if (!t || !s || !flags || !t->is_valid() || !s->is_valid()) return std::nullopt;
  trace_state state;
  if (!ts.empty()) {
    if (auto parsed = trace_state::parse(ts)) state = std::move(*parsed);
  }
  return span_context(*t, *s, static_cast<std::uint8_t>(*flags & trace_flags::known), true, std::move(state));
}

std::string format_traceparent(const span_context& ctx) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(55);
  out += "00-";
  out += ctx.trace_id().to_hex();
  out += '-';
  out += ctx.span_id().to_hex();
  out += '-';
  out += hex[(ctx.flags() >> 4) & 0xf];
  out += hex[ctx.flags() & 0xf];
  return out;
}

}  // namespace lumen::trace
