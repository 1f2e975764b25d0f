// Hex helpers: every byte value encodes to its two lower-case digits, and every character has the
// right digit value in both decoders.
#include <lumen/core/hex.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

using namespace lumen::core;

TEST(Hex, EncodesEveryByteValueAsTwoLowerCaseDigits) {
  for (int b = 0; b < 256; ++b) {
    char expected[3];
    std::snprintf(expected, sizeof expected, "%02x", b);
    const std::uint8_t byte = static_cast<std::uint8_t>(b);
    EXPECT_EQ(hex_encode(std::span(&byte, 1)), expected) << b;
    std::string appended = "x";
    hex_append(appended, byte);
    EXPECT_EQ(appended, std::string("x") + expected) << b;
  }
}

TEST(Hex, EncodesInOrderAndEmptyAsEmpty) {
  EXPECT_EQ(hex_encode(std::string_view()), "");
  EXPECT_EQ(hex_encode(std::string_view("\x00\x01\xfe\xff", 4)), "0001feff");
  const std::vector<std::uint8_t> bytes{0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(hex_encode(bytes), "deadbeef");
  char out[9] = {};
  hex_encode_into(bytes, out);
  EXPECT_STREQ(out, "deadbeef");
}

TEST(Hex, DigitValuesForEveryCharacter) {
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    int expected_any = -1;
    int expected_lower = -1;
    if (c >= '0' && c <= '9') expected_any = expected_lower = c - '0';
    if (c >= 'a' && c <= 'f') expected_any = expected_lower = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') expected_any = c - 'A' + 10;
    EXPECT_EQ(hex_digit_value(ch), expected_any) << c;
    const std::uint8_t lower = lower_hex_values[static_cast<std::size_t>(c)];
    EXPECT_EQ(lower == 0xff ? -1 : lower, expected_lower) << c;
    EXPECT_EQ(is_lower_hex(std::string_view(&ch, 1)), expected_lower >= 0) << c;
  }
}

TEST(Hex, IsLowerHexRejectsEmptyAndUpperCase) {
  EXPECT_FALSE(is_lower_hex(""));
  EXPECT_TRUE(is_lower_hex("0123456789abcdef"));
  EXPECT_FALSE(is_lower_hex("0123456789ABCDEF"));
  EXPECT_FALSE(is_lower_hex("abc g"));
}

TEST(Hex, PercentEscapesEveryByteValueInUpperCase) {
  for (int b = 0; b < 256; ++b) {
    char expected[4];
    std::snprintf(expected, sizeof expected, "%%%02X", b);
    std::string out;
    percent_escape_append(out, static_cast<std::uint8_t>(b));
    EXPECT_EQ(out, expected) << b;
  }
}
