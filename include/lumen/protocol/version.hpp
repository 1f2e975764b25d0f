// MCP protocol revisions Lumen speaks, and version negotiation.
#pragma once

#include <array>
#include <string_view>

namespace lumen::protocol {

inline constexpr std::string_view version_2025_03_26 = "2025-03-26";
inline constexpr std::string_view version_2025_06_18 = "2025-06-18";
inline constexpr std::string_view version_2025_11_25 = "2025-11-25";
inline constexpr std::string_view latest_version = version_2025_11_25;

/// Every revision Lumen negotiates, oldest first.
inline constexpr std::array<std::string_view, 3> supported_versions{
    version_2025_03_26, version_2025_06_18, version_2025_11_25};

inline constexpr bool is_supported_version(std::string_view v) noexcept {
  for (auto s : supported_versions) {
    if (s == v) return true;
  }
  return false;
}

/// The revision the server answers an initialize request with: the client's when supported,
/// else the latest (the client then decides whether to continue).
inline constexpr std::string_view negotiate_version(std::string_view requested) noexcept {
  for (auto s : supported_versions) {
    if (s == requested) return s;
  }
  return latest_version;
}

/// JSON-RPC batches existed only in 2025-03-26.
inline constexpr bool allows_batches(std::string_view version) noexcept {
  return version == version_2025_03_26;
}

}  // namespace lumen::protocol
