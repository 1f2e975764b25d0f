// Base64: RFC 4648 §10 vectors, both alphabets, every byte value, and malformed input rejected.
#include <lumen/core/base64.hpp>

#include <gtest/gtest.h>

#include <utility>

namespace lumen::core {
namespace {

// RFC 4648 section 10 test vectors.
TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, UsesTheStandardAlphabetNotUrlSafe) { EXPECT_EQ(base64_encode("\xfb\xff\xbf"), "+/+/"); }

TEST(Base64, DecodesRfc4648Vectors) {
  for (auto [encoded, plain] : {std::pair{"", ""}, {"Zg==", "f"}, {"Zm8=", "fo"}, {"Zm9v", "foo"},
                                {"Zm9vYg==", "foob"}, {"Zm9vYmE=", "fooba"}, {"Zm9vYmFy", "foobar"}}) {
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(*decoded, plain) << encoded;
  }
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t len = 0; len <= all.size(); len += 37) {
    auto part = all.substr(0, len);
    EXPECT_EQ(base64_decode(base64_encode(part)), part) << len;
  }
}

TEST(Base64, RejectsMalformedText) {
  for (auto bad : {"Zg", "Zg=", "Zm9", "Z===", "Zg==Zg==", "Zm=v", "Zm9v!A==", "Zm9v\nYmFy", "Zm9-", "Zm9_", "===="}) {
    EXPECT_FALSE(base64_decode(bad)) << bad;
  }
}

TEST(Base64Url, UnpaddedWithUrlAlphabet) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  // 0xfb 0xff: '+' and '/' in base64, '-' and '_' in base64url.
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(Base64Url, EncodesEveryByteValueLikeStandardBase64WithTheUrlAlphabetAndNoPadding) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t len = 0; len <= all.size(); ++len) {
    const auto part = all.substr(256 - len);
    std::string expected = base64_encode(part);
    while (!expected.empty() && expected.back() == '=') expected.pop_back();
    for (auto& c : expected) {
      if (c == '+') c = '-';
      if (c == '/') c = '_';
    }
    EXPECT_EQ(base64url_encode(part), expected) << len;
  }
}

}  // namespace
}  // namespace lumen::core
