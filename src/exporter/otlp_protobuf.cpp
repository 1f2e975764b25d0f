// OTLP ExportTraceServiceRequest, protobuf wire format (opentelemetry-proto field numbers).
//
// The span encoder runs once per exported span on the export thread, so it writes through a raw
// pointer: each span header, attribute, event and link first makes room for an upper bound of what
// it writes (one capacity check), then writes without checks. Tags are constants (every field
// number here is below 16, except Span.flags), and lengths are minimal varints except those of
// nested messages, which get a 4-byte padded varint patched when the message closes, so that
// nothing is sized or encoded twice (overlong varints are valid protobuf).
#include <lumen/exporter/otlp.hpp>

#include "otlp_grouping.hpp"

#include <lumen/exporter/detail/protobuf_writer.hpp>

#include <algorithm>
#include <bit>
#include <cstring>

namespace lumen::exporter {

namespace {

// Bytes of the varint encoding of v (1 to 10), without a loop.
constexpr std::size_t varint_size(std::uint64_t v) noexcept {
  return (static_cast<std::size_t>(std::bit_width(v | 1)) * 9 + 64) / 64;
}

inline char* put_varint(char* p, std::uint64_t v) noexcept {
  if (v < 0x80) {  // most lengths, enums and counts
    *p = static_cast<char>(v);
    return p + 1;
  }
  do {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  } while (v >= 0x80);
  *p++ = static_cast<char>(v);
  return p;
}

// Copies n bytes to p. Keys and values are mostly short: up to 32 bytes are copied inline with
// two overlapping moves (exactly [0, n) is read and written), which is cheaper than calling memcpy.
inline char* put_bytes(char* p, const void* data, std::size_t n) noexcept {
  const char* s = static_cast<const char*>(data);
  auto move2 = [&](auto word) {
    decltype(word) a, b;
    std::memcpy(&a, s, sizeof a);
    std::memcpy(&b, s + n - sizeof b, sizeof b);
    std::memcpy(p, &a, sizeof a);
    std::memcpy(p + n - sizeof b, &b, sizeof b);
  };
  struct bytes16 {
    std::uint64_t lo, hi;
  };
  if (n > 32) {
    std::memcpy(p, s, n);
  } else if (n >= 16) {
    move2(bytes16{});
  } else if (n >= 8) {
    move2(std::uint64_t{});
  } else if (n >= 4) {
    move2(std::uint32_t{});
  } else if (n > 0) {
    p[0] = s[0];
    p[n / 2] = s[n / 2];
    p[n - 1] = s[n - 1];
  }
  return p + n;
}

// A length-delimited field with a one-byte tag.
inline char* put_string(char* p, char tag, std::string_view s) noexcept {
  *p++ = tag;
  p = put_varint(p, s.size());
  return put_bytes(p, s.data(), s.size());
}

inline char* put_fixed64(char* p, std::uint64_t v) noexcept {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return p + 8;
}

inline char* put_fixed32(char* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return p + 4;
}

constexpr char tag(int field, int wire) noexcept { return static_cast<char>((field << 3) | wire); }

// A std::string as a raw_writer's storage: resizing it zero-fills what it grows by.
class string_storage {
 public:
  explicit string_storage(std::string& s) noexcept : s_(s) {}
  char* data() noexcept { return s_.data(); }
  std::size_t size() const noexcept { return s_.size(); }
  void resize(std::size_t n) { s_.resize(n); }

 private:
  std::string& s_;
};

// Writes into `Storage` (a detail::byte_buffer or a string_storage) through a raw pointer. The
// storage is grown ahead of the writes and cut to the written length by finish().
template <class Storage>
class raw_writer {
 public:
  // Writes from offset `at` of `out` (overwriting what follows), with room for `room` bytes to
  // begin with.
  raw_writer(Storage& out, std::size_t at, std::size_t room) : out_(out) {
    if (out_.size() < at + room) out_.resize(at + room);
    base_ = out_.data();
    p_ = base_ + at;
    end_ = base_ + out_.size();
  }

  // The write position, with at least n bytes of room after it.
  char* room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) grow(n);
    return p_;
  }
  // Records that the bytes up to p are written.
  void commit(char* p) noexcept { p_ = p; }

  // Opens a nested message with tag `t` (room for its length left); returns what close() takes.
  std::size_t open(std::uint64_t t) {
    char* p = put_varint(room(14), t);
    p_ = p + 4;
    return static_cast<std::size_t>(p - base_);
  }
  // As open(), writing at p, which has room for the tag and the length.
  std::size_t open_at(char*& p, char t) noexcept {
    *p = t;
    const std::size_t at = static_cast<std::size_t>(p + 1 - base_);
    p += 5;
    return at;
  }
  void close(std::size_t at) noexcept {
    const std::size_t n = static_cast<std::size_t>(p_ - base_) - at - 4;
    char* length = base_ + at;
    length[0] = static_cast<char>((n & 0x7f) | 0x80);
    length[1] = static_cast<char>(((n >> 7) & 0x7f) | 0x80);
    length[2] = static_cast<char>(((n >> 14) & 0x7f) | 0x80);
    length[3] = static_cast<char>((n >> 21) & 0x7f);
  }

  void finish() { out_.resize(static_cast<std::size_t>(p_ - base_)); }

 private:
  [[gnu::noinline]] void grow(std::size_t n) {
    const auto used = static_cast<std::size_t>(p_ - base_);
    out_.resize(std::max(out_.size() * 2, used + n));
    base_ = out_.data();
    p_ = base_ + used;
    end_ = base_ + out_.size();
  }

  Storage& out_;
  char* base_;  // out_.data(), which changes only in grow()
  char* p_;
  char* end_;
};

// A scalar AnyValue: its oneof field (1 string, 2 bool, 3 int, 4 double) and its text or bits.
struct scalar_value {
  int field = 0;
  std::string_view text;
  std::uint64_t bits = 0;
};

inline scalar_value scalar_of(std::string_view s) noexcept { return {1, s, 0}; }
inline scalar_value scalar_of(bool b) noexcept { return {2, {}, b ? 1u : 0u}; }
inline scalar_value scalar_of(std::int64_t i) noexcept { return {3, {}, static_cast<std::uint64_t>(i)}; }
inline scalar_value scalar_of(double d) noexcept {
  scalar_value v{4, {}, 0};
  std::memcpy(&v.bits, &d, sizeof d);
  return v;
}

// The value as a scalar; false for arrays.
inline bool as_scalar(const trace::attribute_value& value, scalar_value& out) noexcept {
  switch (value.index()) {
    case 0: out = scalar_of(std::string_view(*std::get_if<0>(&value))); return true;
    case 1: out = scalar_of(*std::get_if<1>(&value)); return true;
    case 2: out = scalar_of(*std::get_if<2>(&value)); return true;
    case 3: out = scalar_of(*std::get_if<3>(&value)); return true;
    default: return false;
  }
}

// The bytes of a scalar AnyValue's content, beyond its text: one oneof field's tag, length and
// at most 10 bytes of value.
constexpr std::size_t any_value_overhead = 1 + 10 + 10;
// A KeyValue beyond its key's and value's text: its tag (field < 2^29), its length, the key's tag
// and length, and the value's tag, length and content.
constexpr std::size_t scalar_key_value_overhead = 5 + 10 + 1 + 10 + 1 + 10 + any_value_overhead;

inline std::size_t any_value_size(const scalar_value& v) noexcept {
  switch (v.field) {
    case 1: return 1 + varint_size(v.text.size()) + v.text.size();
    case 2: return 2;
    case 3: return 1 + varint_size(v.bits);
    default: return 9;
  }
}

inline char* put_any_value(char* p, const scalar_value& v) noexcept {
  if (v.field == 1) return put_string(p, tag(1, 2), v.text);
  if (v.field == 4) {
    *p++ = tag(4, 1);
    return put_fixed64(p, v.bits);
  }
  *p++ = tag(v.field, 0);
  return put_varint(p, v.bits);
}

// One KeyValue with a scalar value, all lengths minimal. An empty key is omitted (proto3 default).
inline char* put_scalar_key_value(char* p, std::uint64_t kv_tag, std::string_view key, const scalar_value& v) noexcept {
  const std::size_t value_size = any_value_size(v);
  const std::size_t key_size = key.empty() ? 0 : 1 + varint_size(key.size()) + key.size();
  p = put_varint(p, kv_tag);
  p = put_varint(p, key_size + 1 + varint_size(value_size) + value_size);
  if (!key.empty()) p = put_string(p, tag(1, 2), key);
  *p++ = tag(2, 2);
  p = put_varint(p, value_size);
  return put_any_value(p, v);
}

// As put_scalar_key_value() for a string, with a one-byte tag and key.size() + text.size() <
// 100 (most attributes): every length then takes one byte, known without computing varint sizes.
// The KeyValue's tag and one-byte length, then its key (left out when empty), for a value part
// (AnyValue field and its contents) of `value_part` bytes.
inline char* put_short_key(char* p, char kv_tag, std::string_view key, std::size_t value_part) noexcept {
  p[0] = kv_tag;
  p[1] = static_cast<char>((key.empty() ? 0 : 2 + key.size()) + value_part);
  p += 2;
  if (!key.empty()) {
    p[0] = tag(1, 2);
    p[1] = static_cast<char>(key.size());
    p = put_bytes(p + 2, key.data(), key.size());
  }
  return p;
}

inline char* put_short_string_key_value(char* p, char kv_tag, std::string_view key, std::string_view text) noexcept {
  p = put_short_key(p, kv_tag, key, 4 + text.size());
  p[0] = tag(2, 2);
  p[1] = static_cast<char>(2 + text.size());
  p[2] = tag(1, 2);
  p[3] = static_cast<char>(text.size());
  return put_bytes(p + 4, text.data(), text.size());
}

// The same for a bool, int or double with a one-byte tag and a key shorter than 100 bytes.
inline char* put_short_number_key_value(char* p, char kv_tag, std::string_view key, const scalar_value& v) noexcept {
  const std::size_t value_size = v.field == 2 ? 2 : v.field == 3 ? 1 + varint_size(v.bits) : 9;
  p = put_short_key(p, kv_tag, key, 2 + value_size);
  p[0] = tag(2, 2);
  p[1] = static_cast<char>(value_size);
  return put_any_value(p + 2, v);
}

// An upper bound of what key_values() writes for `list` (for writers that size up front).
std::size_t key_values_bound(const trace::attribute_list& list) noexcept {
  std::size_t n = 0;
  for (const auto& a : list) {
    n += a.key.size() + scalar_key_value_overhead + 15;  // 15: the array's nested message lengths
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::string>) {
            n += x.size();
          } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            for (const auto& s : x) n += s.size() + 10 + any_value_overhead;
          } else if constexpr (!std::is_same_v<T, bool> && !std::is_same_v<T, std::int64_t> && !std::is_same_v<T, double>) {
            n += x.size() * (1 + 10 + any_value_overhead);
          }
        },
        a.value);
  }
  return n;
}

// An array AnyValue (a rare attribute type): the KeyValue, AnyValue and ArrayValue get padded
// lengths; the elements minimal ones.
template <class W>
void write_array_key_value(W& w, std::uint64_t kv_tag, std::string_view key, const trace::attribute_value& value) {
  const std::size_t kv = w.open(kv_tag);
  if (!key.empty()) w.commit(put_string(w.room(11 + key.size()), tag(1, 2), key));
  const std::size_t any = w.open(tag(2, 2));
  const std::size_t array = w.open(tag(5, 2));  // AnyValue.array_value
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (!std::is_same_v<T, std::string> && !std::is_same_v<T, bool> && !std::is_same_v<T, std::int64_t> &&
                      !std::is_same_v<T, double>) {
          using element = typename T::value_type;
          for (const auto& e : x) {
            scalar_value v;
            if constexpr (std::is_same_v<element, std::string>) {
              v = scalar_of(std::string_view(e));
            } else {
              v = scalar_of(static_cast<element>(e));
            }
            char* p = w.room(1 + 10 + any_value_overhead + v.text.size());
            *p++ = tag(1, 2);  // ArrayValue.values
            p = put_varint(p, any_value_size(v));
            w.commit(put_any_value(p, v));
          }
        }
      },
      value);
  w.close(array);
  w.close(any);
  w.close(kv);
}

template <class W>
void key_values(W& w, int field, const trace::attribute_list& list) {
  const auto kv_tag = (static_cast<std::uint64_t>(field) << 3) | 2;
  const bool short_tag = kv_tag < 0x80;
  for (const auto& a : list) {
    const std::string_view key = a.key.view();
    scalar_value v;
    if (const auto* text = std::get_if<std::string>(&a.value)) {
      char* p = w.room(key.size() + text->size() + scalar_key_value_overhead);
      w.commit(short_tag && key.size() + text->size() < 100
                   ? put_short_string_key_value(p, static_cast<char>(kv_tag), key, *text)
                   : put_scalar_key_value(p, kv_tag, key, scalar_of(std::string_view(*text))));
    } else if (as_scalar(a.value, v)) {
      char* p = w.room(key.size() + scalar_key_value_overhead);
      w.commit(short_tag && key.size() < 100 ? put_short_number_key_value(p, static_cast<char>(kv_tag), key, v)
                                             : put_scalar_key_value(p, kv_tag, key, v));
    } else {
      write_array_key_value(w, kv_tag, key, a.value);
    }
  }
}

// span_context::is_valid(), reading the ids as words rather than byte by byte.
inline bool valid(const trace::span_context& c) noexcept {
  std::uint64_t t[2], id;
  std::memcpy(t, c.trace_id().bytes.data(), sizeof t);
  std::memcpy(&id, c.span_id().bytes.data(), sizeof id);
  return (t[0] | t[1]) != 0 && id != 0;
}

// W3C flags in bits 0-7, plus HAS_IS_REMOTE (0x100) and IS_REMOTE (0x200).
std::uint32_t otlp_flags(const trace::span_context& ctx, bool remote) {
  return static_cast<std::uint32_t>(ctx.flags()) | 0x100u | (remote ? 0x200u : 0u);
}

// Room for a span's fields other than its name, trace state, attributes, events, links and
// status message: ids, kind, times, counts, status code and flags with their tags and lengths.
constexpr std::size_t span_fixed_bound = 5 + 18 + 10 + 11 + 10 + 11 + 11 + 9 + 9 + 11 + 11 + 11 + 5 + 11 + 11 + 6;

template <class W>
void encode_span(W& w, const sdk::span_data& s) {
  const bool has_trace_state = !s.context.trace_state().empty();
  const bool parent_valid = valid(s.parent);
  const std::string trace_state = has_trace_state ? s.context.trace_state().to_header() : std::string();
  char* p = w.room(span_fixed_bound + s.name.size() + trace_state.size());
  const std::size_t m = w.open_at(p, tag(2, 2));  // ScopeSpans.spans
  *p++ = tag(1, 2);
  *p++ = 16;
  p = put_bytes(p, s.context.trace_id().bytes.data(), 16);
  *p++ = tag(2, 2);
  *p++ = 8;
  p = put_bytes(p, s.context.span_id().bytes.data(), 8);
  if (has_trace_state) p = put_string(p, tag(3, 2), trace_state);
  if (parent_valid) {
    *p++ = tag(4, 2);
    *p++ = 8;
    p = put_bytes(p, s.parent.span_id().bytes.data(), 8);
  }
  if (!s.name.empty()) p = put_string(p, tag(5, 2), s.name);
  if (s.kind != trace::span_kind{}) {
    *p++ = tag(6, 0);
    p = put_varint(p, static_cast<std::uint64_t>(s.kind));
  }
  *p++ = tag(7, 1);
  p = put_fixed64(p, static_cast<std::uint64_t>(s.start_unix_nano));
  *p++ = tag(8, 1);
  p = put_fixed64(p, static_cast<std::uint64_t>(s.end_unix_nano));
  w.commit(p);
  key_values(w, 9, s.attributes);
  if (s.dropped_attributes) {
    p = w.room(11);
    *p++ = tag(10, 0);
    w.commit(put_varint(p, s.dropped_attributes));
  }
  for (const auto& e : s.events) {
    p = w.room(5 + 9 + 11 + e.name.size());
    const std::size_t ev = w.open_at(p, tag(11, 2));
    *p++ = tag(1, 1);
    p = put_fixed64(p, static_cast<std::uint64_t>(e.time_unix_nano));
    if (!e.name.empty()) p = put_string(p, tag(2, 2), e.name);
    w.commit(p);
    key_values(w, 3, e.attributes);
    if (e.dropped_attributes) {
      p = w.room(11);
      *p++ = tag(4, 0);
      w.commit(put_varint(p, e.dropped_attributes));
    }
    w.close(ev);
  }
  if (s.dropped_events) {
    p = w.room(11);
    *p++ = tag(12, 0);
    w.commit(put_varint(p, s.dropped_events));
  }
  for (const auto& l : s.links) {
    const bool link_has_state = !l.context.trace_state().empty();
    const std::string link_state = link_has_state ? l.context.trace_state().to_header() : std::string();
    p = w.room(5 + 18 + 10 + 11 + link_state.size());
    const std::size_t link = w.open_at(p, tag(13, 2));
    *p++ = tag(1, 2);
    *p++ = 16;
    p = put_bytes(p, l.context.trace_id().bytes.data(), 16);
    *p++ = tag(2, 2);
    *p++ = 8;
    p = put_bytes(p, l.context.span_id().bytes.data(), 8);
    if (link_has_state) p = put_string(p, tag(3, 2), link_state);
    w.commit(p);
    key_values(w, 4, l.attributes);
    p = w.room(11 + 5);
    if (l.dropped_attributes) {
      *p++ = tag(5, 0);
      p = put_varint(p, l.dropped_attributes);
    }
    *p++ = tag(6, 5);
    w.commit(put_fixed32(p, otlp_flags(l.context, l.context.is_remote())));
    w.close(link);
  }
  p = w.room(span_fixed_bound + s.status_message.size());
  if (s.dropped_links) {
    *p++ = tag(14, 0);
    p = put_varint(p, s.dropped_links);
  }
  if (s.status != trace::status_code::unset) {
    const std::size_t st = w.open_at(p, tag(15, 2));
    if (!s.status_message.empty()) p = put_string(p, tag(2, 2), s.status_message);
    *p++ = tag(3, 0);
    p = put_varint(p, static_cast<std::uint64_t>(s.status));
    w.commit(p);
    w.close(st);
  }
  *p++ = static_cast<char>(0x85);  // field 16, fixed32: a two-byte tag
  *p++ = 0x01;
  p = put_fixed32(p, parent_valid ? otlp_flags(s.context, s.parent.is_remote())
                                         : static_cast<std::uint32_t>(s.context.flags()) | 0x100u);
  w.commit(p);
  w.close(m);
}

// Encodes the request into `out` from its start.
template <class Storage>
void encode_request(const std::vector<std::unique_ptr<sdk::span_data>>& spans, Storage& out) {
  // Overwrite `out` from the start, growing it as little as it takes: a string zero-fills what it
  // grows by. The first size is about what a span with a dozen attributes takes.
  raw_writer<Storage> w(out, 0, std::max(out.size(), spans.size() * 400 + 512));
  detail::for_each_group(spans, [&](const sdk::resource* r, const auto& scopes) {
    const std::size_t rs = w.open(tag(1, 2));  // ExportTraceServiceRequest.resource_spans
    if (r) {
      const std::size_t res = w.open(tag(1, 2));
      key_values(w, 1, r->attributes);
      w.close(res);
    }
    for (const auto& [scope, list] : scopes) {
      const std::size_t ss = w.open(tag(2, 2));
      if (scope) {
        char* p = w.room(5 + 22 + scope->name.size() + scope->version.size());
        const std::size_t sc = w.open_at(p, tag(1, 2));
        if (!scope->name.empty()) p = put_string(p, tag(1, 2), scope->name);
        if (!scope->version.empty()) p = put_string(p, tag(2, 2), scope->version);
        w.commit(p);
        w.close(sc);
      }
      for (const sdk::span_data* s : list) encode_span(w, *s);
      w.close(ss);
    }
    w.close(rs);
  });
  w.finish();
}

}  // namespace

void detail::write_key_values(pb_writer& w, int field, const trace::attribute_list& list) {
  string_storage out(w.out);
  raw_writer r(out, w.out.size(), key_values_bound(list));
  key_values(r, field, list);
  r.finish();
}

void detail::encode_otlp_protobuf(const std::vector<std::unique_ptr<sdk::span_data>>& spans, byte_buffer& out) {
  encode_request(spans, out);
}

std::string encode_otlp_protobuf(const std::vector<std::unique_ptr<sdk::span_data>>& spans) {
  std::string body;
  string_storage out(body);
  encode_request(spans, out);
  return body;
}

}  // namespace lumen::exporter
