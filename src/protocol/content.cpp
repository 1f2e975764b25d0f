// MCP content block builders and base64.
#include <lumen/protocol/content.hpp>

#include <array>
#include <cstdint>

namespace lumen::protocol {

json::object text_content(std::string_view text) { return {{"type", "text"}, {"text", text}}; }

json::object image_content(std::string_view base64_data, std::string_view mime_type) {
  return {{"type", "image"}, {"data", base64_data}, {"mimeType", mime_type}};
}

json::object audio_content(std::string_view base64_data, std::string_view mime_type) {
  return {{"type", "audio"}, {"data", base64_data}, {"mimeType", mime_type}};
}

json::object resource_link(std::string_view uri, std::string_view name,
                           std::optional<std::string_view> mime_type,
                           std::optional<std::string_view> description) {
  json::object o{{"type", "resource_link"}, {"uri", uri}, {"name", name}};
  if (mime_type) o.emplace("mimeType", *mime_type);
  if (description) o.emplace("description", *description);
  return o;
}

json::object embedded_resource(json::object resource_contents) {
  return {{"type", "resource"}, {"resource", std::move(resource_contents)}};
}

json::object text_resource(std::string_view uri, std::string_view text,
                           std::optional<std::string_view> mime_type) {
  json::object o{{"uri", uri}};
  if (mime_type) o.emplace("mimeType", *mime_type);
  o.emplace("text", text);
  return o;
}

json::object blob_resource(std::string_view uri, std::string_view bytes,
                           std::optional<std::string_view> mime_type) {
  json::object o{{"uri", uri}};
  if (mime_type) o.emplace("mimeType", *mime_type);
  o.emplace("blob", base64_encode(bytes));
  return o;
}

namespace {
constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr auto decode_table = make_decode_table();
}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 2 < bytes.size(); i += 3) {
    std::uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (std::size_t rest = bytes.size() - i; rest > 0) {
    std::uint32_t n = byte(i) << 16;
    if (rest == 2) n |= byte(i + 1) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += rest == 2 ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t n = 0;
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        ++pad;
        n <<= 6;
        continue;
      }
      if (pad > 0) return std::nullopt;
      auto d = decode_table[static_cast<unsigned char>(c)];
      if (d < 0) return std::nullopt;
      n = (n << 6) | static_cast<std::uint32_t>(d);
    }
    out += static_cast<char>((n >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

}  // namespace lumen::protocol
