// A keyed hash of MCP session ids for the `mcp.session.id` attribute: the session id is a
// bearer-equivalent secret, so spans carry SipHash-2-4 of it under a per-process random key
// (enough to group one session's spans, useless to replay).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace lumen::telemetry {

/// SipHash-2-4 of `data` under a 128-bit key.
std::uint64_t siphash24(const std::array<std::uint8_t, 16>& key, std::string_view data) noexcept;

/// Hashes session ids under a key drawn at construction from the system's random source.
class session_id_hasher {
 public:
  session_id_hasher();
  explicit session_id_hasher(const std::array<std::uint8_t, 16>& key) : key_(key) {}
  /// 16 lower-case hex digits.
  std::string operator()(std::string_view session_id) const;

 private:
  std::array<std::uint8_t, 16> key_{};
};

}  // namespace lumen::telemetry
