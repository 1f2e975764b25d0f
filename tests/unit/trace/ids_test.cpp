// Trace and span ids: hex decoding of every byte value, and the round trip through to_hex.
#include <lumen/trace/ids.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace lumen::trace;

bool is_lower_hex(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

TEST(Ids, FromHexAcceptsExactlyTheLowerCaseDigitsAtEveryPosition) {
  const std::string base = "00f067aa0ba902b7";
  for (std::size_t at = 0; at < base.size(); ++at) {
    for (int c = 0; c < 256; ++c) {
      std::string text = base;
      text[at] = static_cast<char>(c);
      const auto id = span_id::from_hex(text);
      ASSERT_EQ(id.has_value(), is_lower_hex(static_cast<unsigned char>(c))) << "byte " << c << " at " << at;
      if (id) {
        EXPECT_EQ(id->to_hex(), text);
      }
    }
  }
}

TEST(Ids, FromHexDecodesEachDigitsValue) {
  const auto t = trace_id::from_hex("0123456789abcdeffedcba9876543210");
  ASSERT_TRUE(t);
  const std::uint8_t expected[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                     0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
  for (std::size_t i = 0; i < 16; ++i) EXPECT_EQ(t->bytes[i], expected[i]) << i;
}

TEST(Ids, FromHexRejectsWrongLengths) {
  EXPECT_FALSE(span_id::from_hex(""));
  EXPECT_FALSE(span_id::from_hex("00f067aa0ba902b"));
  EXPECT_FALSE(span_id::from_hex("00f067aa0ba902b71"));
  EXPECT_FALSE(trace_id::from_hex("00f067aa0ba902b7"));
}

TEST(Ids, RandomIdsAreValidAndRoundTrip) {
  for (int i = 0; i < 100; ++i) {
    const auto t = random_trace_id();
    const auto s = random_span_id();
    ASSERT_TRUE(t.is_valid());
    ASSERT_TRUE(s.is_valid());
    EXPECT_EQ(trace_id::from_hex(t.to_hex()), t);
    EXPECT_EQ(span_id::from_hex(s.to_hex()), s);
  }
}

}  // namespace
