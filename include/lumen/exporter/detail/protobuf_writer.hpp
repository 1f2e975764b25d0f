// Internal: a minimal protobuf writer for the OTLP encoders (traces here, metrics in telemetry).
#pragma once

#include <lumen/trace/attributes.hpp>
#include <lumen/exporter/detail/byte_buffer.hpp>
#include <lumen/sdk/span_data.hpp>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lumen::exporter::detail {

/// Reads one varint from the front of `in` (consumed); false when truncated or too long. For the
/// few protobuf answers Lumen decodes (an OTLP partial success).
inline bool read_varint(std::string_view& in, std::uint64_t& out) noexcept {
  out = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto b = static_cast<std::uint8_t>(in.front());
    in.remove_prefix(1);
    out |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

// A protobuf writer. Nested messages get a 4-byte padded varint length, patched when the message
// closes, so that nothing is encoded twice (overlong varints are valid protobuf).
class pb_writer {
 public:
  std::string out;

  // Each field is built in a local buffer and appended at once (one capacity check, not one a byte).
  void varint(std::uint64_t v) {
    char buf[10];
    std::size_t n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out.append(buf, n);
  }
  void tag(int field, int wire) { varint((static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint64_t>(wire)); }
  void bytes_field(int field, const void* data, std::size_t n) {
    tag(field, 2);
    varint(n);
    out.append(static_cast<const char*>(data), n);
  }
  void string_field(int field, std::string_view s) {
    if (!s.empty()) bytes_field(field, s.data(), s.size());
  }
  void uint_field(int field, std::uint64_t v) {
    if (v == 0) return;
    tag(field, 0);
    varint(v);
  }
  void int64_field(int field, std::int64_t v) {
    tag(field, 0);
    varint(static_cast<std::uint64_t>(v));
  }
  void bool_field(int field, bool v) {
    tag(field, 0);
    varint(v ? 1 : 0);
  }
  void fixed64_field(int field, std::uint64_t v) {
    tag(field, 1);
    char buf[8];
    for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    out.append(buf, 8);
  }
  void fixed32_field(int field, std::uint32_t v) {
    tag(field, 5);
    char buf[4];
    for (int i = 0; i < 4; ++i) buf[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    out.append(buf, 4);
  }
  void double_field(int field, double d) {
    std::uint64_t v;
    std::memcpy(&v, &d, sizeof v);
    fixed64_field(field, v);
  }
  std::size_t begin(int field) {
    tag(field, 2);
    std::size_t at = out.size();
    out.append(4, '\0');
    return at;
  }
  void end(std::size_t at) {
    const std::size_t n = out.size() - at - 4;
    char* length = out.data() + at;
    length[0] = static_cast<char>((n & 0x7f) | 0x80);
    length[1] = static_cast<char>(((n >> 7) & 0x7f) | 0x80);
    length[2] = static_cast<char>(((n >> 14) & 0x7f) | 0x80);
    length[3] = static_cast<char>((n >> 21) & 0x7f);
  }
};

/// Writes `list` as repeated KeyValue in field `field`.
void write_key_values(pb_writer& w, int field, const trace::attribute_list& list);

/// encode_otlp_protobuf() into `out`, replacing its content; a caller that keeps `out` from one
/// export to the next reuses its storage.
void encode_otlp_protobuf(const std::vector<std::unique_ptr<sdk::span_data>>& spans, byte_buffer& out);

}  // namespace lumen::exporter::detail
