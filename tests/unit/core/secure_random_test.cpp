// Secure random bytes: the requested count exactly, every byte value reachable, no two draws alike.
#include <lumen/core/secure_random.hpp>

#include <gtest/gtest.h>

#include <bitset>
#include <vector>

using namespace lumen::core;

TEST(SecureRandom, FillsExactlyTheSpanAndNothingAround) {
  std::vector<std::uint8_t> buffer(34, 0xa5);
  secure_random_fill(std::span(buffer).subspan(1, 32));
  EXPECT_EQ(buffer.front(), 0xa5);
  EXPECT_EQ(buffer.back(), 0xa5);
}

TEST(SecureRandom, EmptyRequestIsFine) {
  EXPECT_EQ(secure_random_bytes(0), "");
  secure_random_fill({});
}

TEST(SecureRandom, EveryByteValueAppearsInALargeDraw) {
  // 1 MiB: several getrandom calls' worth on some kernels; each of the 256 values is missing
  // with probability about 256 * e^-4096, so a gap means the bytes are not random.
  const std::string bytes = secure_random_bytes(1 << 20);
  ASSERT_EQ(bytes.size(), std::size_t{1} << 20);
  std::bitset<256> seen;
  for (char c : bytes) seen.set(static_cast<unsigned char>(c));
  EXPECT_TRUE(seen.all());
}

TEST(SecureRandom, DrawsDiffer) {
  const auto a = secure_random_array<16>();
  const auto b = secure_random_array<16>();
  EXPECT_NE(a, b);
  EXPECT_NE(secure_random_bytes(16), secure_random_bytes(16));
}
