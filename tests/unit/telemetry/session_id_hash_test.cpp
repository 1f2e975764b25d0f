// SipHash-2-4 against the reference vectors, and the session id hasher's properties.
#include <lumen/telemetry/session_id_hash.hpp>

#include <gtest/gtest.h>

namespace lumen::telemetry {
namespace {

std::array<std::uint8_t, 16> reference_key() {
  std::array<std::uint8_t, 16> k{};
  for (std::uint8_t i = 0; i < 16; ++i) k[i] = i;
  return k;
}

std::string reference_message(std::size_t n) {
  std::string m;
  for (std::size_t i = 0; i < n; ++i) m.push_back(static_cast<char>(i));
  return m;
}

TEST(SipHash24, MatchesReferenceVectors) {
  // From the SipHash paper's reference implementation (vectors.h): key 00..0f, message 00..n-1.
  EXPECT_EQ(siphash24(reference_key(), reference_message(0)), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(siphash24(reference_key(), reference_message(1)), 0x74f839c593dc67fdULL);
  EXPECT_EQ(siphash24(reference_key(), reference_message(8)), 0x93f5f5799a932462ULL);
  EXPECT_EQ(siphash24(reference_key(), reference_message(15)), 0xa129ca6149be45e5ULL);
}

TEST(SessionIdHasher, StableUnderOneKeyDifferentUnderAnother) {
  session_id_hasher a(reference_key());
  EXPECT_EQ(a("session-1"), a("session-1"));
  EXPECT_NE(a("session-1"), a("session-2"));
  EXPECT_EQ(a("session-1").size(), 16u);
  session_id_hasher random_key;
  EXPECT_NE(random_key("session-1"), a("session-1"));
  EXPECT_EQ(a("session-1").find("session"), std::string::npos);
}

}  // namespace
}  // namespace lumen::telemetry
