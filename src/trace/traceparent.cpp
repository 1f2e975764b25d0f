// W3C traceparent parsing and formatting.
#include <lumen/trace/span_context.hpp>

#include <lumen/core/hex.hpp>

namespace lumen::trace {

namespace {

std::optional<std::uint8_t> hex_byte(std::string_view s) noexcept {
  if (s.size() != 2) return std::nullopt;
  // Lower-case only: W3C Trace Context forbids upper-case hex.
  const std::uint8_t hi = core::lower_hex_values[static_cast<unsigned char>(s[0])];
  const std::uint8_t lo = core::lower_hex_values[static_cast<unsigned char>(s[1])];
  if ((hi | lo) & 0xf0) return std::nullopt;
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
  std::string out;
  out.reserve(55);
  out += "00-";
  out += ctx.trace_id().to_hex();
  out += '-';
  out += ctx.span_id().to_hex();
  out += '-';
  core::hex_append(out, ctx.flags());
  return out;
}

}  // namespace lumen::trace
