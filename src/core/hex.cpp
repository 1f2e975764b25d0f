// Lower-case hex encoding.
#include <lumen/core/hex.hpp>

namespace lumen::core {

std::string hex_encode(std::span<const std::uint8_t> bytes) {
  std::string out(2 * bytes.size(), '\0');
  hex_encode_into(bytes, out.data());
  return out;
}

std::string hex_encode(std::string_view bytes) {
  return hex_encode(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

}  // namespace lumen::core
