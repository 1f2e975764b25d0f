// OTLP ExportTraceServiceRequest, protobuf wire format (opentelemetry-proto field numbers).
#include <lumen/trace/otlp.hpp>

#include "otlp_grouping.hpp"

#include <lumen/trace/detail/protobuf_writer.hpp>

#include <cstring>

namespace lumen::trace {

namespace {

using detail::pb_writer;

void any_value(pb_writer& w, const attribute_value& v);

template <class T>
void array_value(pb_writer& w, const std::vector<T>& values) {
  auto arr = w.begin(5);
  for (const auto& e : values) {
    auto item = w.begin(1);
    any_value(w, attribute_value(static_cast<T>(e)));
    w.end(item);
  }
  w.end(arr);
}

void any_value(pb_writer& w, const attribute_value& v) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          w.tag(1, 2);
          w.varint(x.size());
          w.out += x;
        } else if constexpr (std::is_same_v<T, bool>) {
          w.bool_field(2, x);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          w.int64_field(3, x);
        } else if constexpr (std::is_same_v<T, double>) {
          w.double_field(4, x);
        } else {
          array_value(w, x);
        }
      },
      v);
}

}  // namespace

namespace {

std::size_t varint_size(std::uint64_t v) noexcept {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* put_varint(char* p, std::uint64_t v) noexcept {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// One KeyValue with a scalar value, sized first and written in one piece (most attributes; the
// lengths are minimal varints rather than pb_writer's padded ones). False for arrays.
bool write_scalar_key_value(pb_writer& w, int field, const attribute& a) {
  const std::string_view key = a.key;
  std::uint64_t scalar = 0;
  std::string_view text;
  int value_field = 0;  // AnyValue: 1 string, 2 bool, 3 int, 4 double
  std::size_t value_size = 0;
  if (auto const* s = std::get_if<std::string>(&a.value)) {
    text = *s;
    value_field = 1;
    value_size = 1 + varint_size(text.size()) + text.size();
  } else if (auto const* b = std::get_if<bool>(&a.value)) {
    scalar = *b ? 1 : 0;
    value_field = 2;
    value_size = 2;
  } else if (auto const* i = std::get_if<std::int64_t>(&a.value)) {
    scalar = static_cast<std::uint64_t>(*i);
    value_field = 3;
    value_size = 1 + varint_size(scalar);
  } else if (auto const* d = std::get_if<double>(&a.value)) {
    std::memcpy(&scalar, d, sizeof scalar);
    value_field = 4;
    value_size = 9;
  } else {
    return false;
  }
  const std::size_t key_size = key.empty() ? 0 : 1 + varint_size(key.size()) + key.size();
  const std::size_t kv_size = key_size + 1 + varint_size(value_size) + value_size;
  const auto kv_tag = (static_cast<std::uint64_t>(field) << 3) | 2;
  const std::size_t total = varint_size(kv_tag) + varint_size(kv_size) + kv_size;
  const std::size_t at = w.out.size();
  w.out.resize(at + total);
  char* p = put_varint(w.out.data() + at, kv_tag);
  p = put_varint(p, kv_size);
  if (!key.empty()) {
    *p++ = static_cast<char>((1 << 3) | 2);
    p = put_varint(p, key.size());
    std::memcpy(p, key.data(), key.size());
    p += key.size();
  }
  *p++ = static_cast<char>((2 << 3) | 2);
  p = put_varint(p, value_size);
  if (value_field == 1) {
    *p++ = static_cast<char>((1 << 3) | 2);
    p = put_varint(p, text.size());
    std::memcpy(p, text.data(), text.size());
  } else if (value_field == 4) {
    *p++ = static_cast<char>((4 << 3) | 1);
    for (int i = 0; i < 8; ++i) *p++ = static_cast<char>((scalar >> (8 * i)) & 0xff);
  } else {
    *p++ = static_cast<char>(value_field << 3);
    put_varint(p, scalar);
  }
  return true;
}

}  // namespace

void detail::write_key_values(pb_writer& w, int field, const attribute_list& list) {
  for (const auto& a : list) {
    if (write_scalar_key_value(w, field, a)) continue;
    auto kv = w.begin(field);
    w.string_field(1, a.key);
    auto value = w.begin(2);
    any_value(w, a.value);
    w.end(value);
    w.end(kv);
  }
}

namespace {

void key_values(pb_writer& w, int field, const attribute_list& list) { detail::write_key_values(w, field, list); }

// W3C flags in bits 0-7, plus HAS_IS_REMOTE (0x100) and IS_REMOTE (0x200).
std::uint32_t otlp_flags(const span_context& ctx, bool remote) {
  return static_cast<std::uint32_t>(ctx.flags()) | 0x100u | (remote ? 0x200u : 0u);
}

void encode_span(pb_writer& w, const span_data& s) {
  auto m = w.begin(2);  // ScopeSpans.spans
  w.bytes_field(1, s.context.trace_id().bytes.data(), 16);
  w.bytes_field(2, s.context.span_id().bytes.data(), 8);
  if (!s.context.trace_state().empty()) w.string_field(3, s.context.trace_state().to_header());
  if (s.parent.is_valid()) w.bytes_field(4, s.parent.span_id().bytes.data(), 8);
  w.string_field(5, s.name);
  w.uint_field(6, static_cast<std::uint64_t>(s.kind));
  w.fixed64_field(7, static_cast<std::uint64_t>(s.start_unix_nano));
  w.fixed64_field(8, static_cast<std::uint64_t>(s.end_unix_nano));
  key_values(w, 9, s.attributes);
  w.uint_field(10, s.dropped_attributes);
  for (const auto& e : s.events) {
    auto ev = w.begin(11);
    w.fixed64_field(1, static_cast<std::uint64_t>(e.time_unix_nano));
    w.string_field(2, e.name);
    key_values(w, 3, e.attributes);
    w.uint_field(4, e.dropped_attributes);
    w.end(ev);
  }
  w.uint_field(12, s.dropped_events);
  for (const auto& l : s.links) {
    auto link = w.begin(13);
    w.bytes_field(1, l.context.trace_id().bytes.data(), 16);
    w.bytes_field(2, l.context.span_id().bytes.data(), 8);
    if (!l.context.trace_state().empty()) w.string_field(3, l.context.trace_state().to_header());
    key_values(w, 4, l.attributes);
    w.uint_field(5, l.dropped_attributes);
    w.fixed32_field(6, otlp_flags(l.context, l.context.is_remote()));
    w.end(link);
  }
  w.uint_field(14, s.dropped_links);
  if (s.status != status_code::unset) {
    auto st = w.begin(15);
    w.string_field(2, s.status_message);
    w.uint_field(3, static_cast<std::uint64_t>(s.status));
    w.end(st);
  }
  w.fixed32_field(16, s.parent.is_valid() ? otlp_flags(s.context, s.parent.is_remote())
                                          : static_cast<std::uint32_t>(s.context.flags()) | 0x100u);
  w.end(m);
}

}  // namespace


std::string encode_otlp_protobuf(const std::vector<std::unique_ptr<span_data>>& spans) {
  pb_writer w;
  // About what a span with a dozen attributes takes: the body is seldom copied as it grows.
  w.out.reserve(spans.size() * 640 + 512);
  detail::for_each_group(spans, [&](const resource* r, const auto& scopes) {
    auto rs = w.begin(1);
    if (r) {
      auto res = w.begin(1);
      key_values(w, 1, r->attributes);
      w.end(res);
    }
    for (const auto& [scope, list] : scopes) {
      auto ss = w.begin(2);
      if (scope) {
        auto sc = w.begin(1);
        w.string_field(1, scope->name);
        w.string_field(2, scope->version);
        w.end(sc);
      }
      for (const span_data* s : list) encode_span(w, *s);
      w.end(ss);
    }
    w.end(rs);
  });
  return std::move(w.out);
}

}  // namespace lumen::trace
