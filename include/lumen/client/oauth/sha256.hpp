// SHA-256 (FIPS 180-4), for PKCE's S256 code challenge.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace lumen::client::oauth {

using sha256_digest = std::array<std::uint8_t, 32>;

/// Incremental SHA-256: update() any number of times, then finish() once.
class sha256 {
 public:
  sha256() noexcept;
  void update(std::string_view data) noexcept;
  sha256_digest finish() noexcept;

 private:
  void compress(const std::uint8_t* block) noexcept;

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> block_{};
  std::size_t block_used_ = 0;
  std::uint64_t total_bytes_ = 0;
};

sha256_digest sha256_of(std::string_view data) noexcept;

}  // namespace lumen::client::oauth
