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

void detail::write_key_values(pb_writer& w, int field, const attribute_list& list) {
  for (const auto& a : list) {
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
