// `key=value,key=value` lists: splitting, trimming, percent-decoding and malformed members.
#include <lumen/core/key_value_list.hpp>

#include <gtest/gtest.h>

#include <cstdio>

using namespace lumen::core;

namespace {
std::vector<key_value> entries(std::string_view text) { return parse_key_value_list(text).entries; }
}  // namespace

TEST(KeyValueList, SplitsMembersInOrder) {
  EXPECT_EQ(entries("a=1,b=2,a=3"), (std::vector<key_value>{{"a", "1"}, {"b", "2"}, {"a", "3"}}));
  EXPECT_TRUE(entries("").empty());
}

TEST(KeyValueList, TrimsSpacesAndTabsAroundKeysAndValues) {
  EXPECT_EQ(entries(" team = a ,\tenv\t=\tdev "), (std::vector<key_value>{{"team", "a"}, {"env", "dev"}}));
}

TEST(KeyValueList, KeepsEqualsSignsAfterTheFirstInTheValueAndAllowsEmptyValues) {
  EXPECT_EQ(entries("k=a=b,empty="), (std::vector<key_value>{{"k", "a=b"}, {"empty", ""}}));
}

TEST(KeyValueList, PercentDecodesValuesButNotKeys) {
  EXPECT_EQ(entries("authorization=Bearer%20x,k%41=%2c%2C"),
            (std::vector<key_value>{{"authorization", "Bearer x"}, {"k%41", ",,"}}));
}

TEST(KeyValueList, DecodesEveryByteValueInEitherCase) {
  for (int b = 0; b < 256; ++b) {
    char lower[8], upper[8];
    std::snprintf(lower, sizeof lower, "k=%%%02x", b);
    std::snprintf(upper, sizeof upper, "k=%%%02X", b);
    const std::string expected(1, static_cast<char>(b));
    EXPECT_EQ(entries(lower), (std::vector<key_value>{{"k", expected}})) << b;
    EXPECT_EQ(entries(upper), (std::vector<key_value>{{"k", expected}})) << b;
  }
}

TEST(KeyValueList, KeepsMalformedEscapesAsWritten) {
  EXPECT_EQ(entries("a=100%,b=%2,c=%zz,d=%%41"),
            (std::vector<key_value>{{"a", "100%"}, {"b", "%2"}, {"c", "%zz"}, {"d", "%A"}}));
}

TEST(KeyValueList, SkipsAndCountsMembersWithoutEqualsOrKey) {
  auto list = parse_key_value_list("a=1,novalue, =2,=3,b=2");
  EXPECT_EQ(list.entries, (std::vector<key_value>{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(list.malformed, 3u);
}

TEST(KeyValueList, IgnoresEmptyMembers) {
  auto list = parse_key_value_list(",a=1,, ,b=2,");
  EXPECT_EQ(list.entries, (std::vector<key_value>{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(list.malformed, 0u);
}
