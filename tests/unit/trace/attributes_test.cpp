// Attribute keys: static keys are views (no copy), other keys own their text; both compare and
// encode alike.
#include <lumen/trace/attributes.hpp>

#include <gtest/gtest.h>

#include <string>

namespace lumen::trace {
namespace {

constexpr std::string_view long_constant = "gen_ai.operation.name";  // longer than the SSO buffer

TEST(AttributeKey, StaticKeysAreViewsOfTheirTextAndOthersOwnACopy) {
  attribute_key fixed = static_key(long_constant);
  EXPECT_EQ(fixed.view().data(), long_constant.data()) << "a static key is not copied";
  attribute_key copy = fixed;
  EXPECT_EQ(copy.view().data(), long_constant.data()) << "nor is a copy of it";

  std::string text(long_constant);
  attribute_key owned(text);
  EXPECT_NE(owned.view().data(), text.data()) << "any other key owns its text";
  text.assign(text.size(), 'x');  // the caller's string may change or go away
  EXPECT_EQ(owned, long_constant);

  EXPECT_EQ(fixed, owned);
  EXPECT_EQ(attribute(static_key("k"), std::string("v")), attribute("k", std::string("v")));
  EXPECT_FALSE(static_key("k") == attribute_key("j"));
}

TEST(AttributeKey, ShortAndLongCopiesSurviveCopiesMovesAndAssignment) {
  const std::string short_text = "k.short";                  // kept inline
  const std::string long_text(200, 'L');                      // allocated
  for (const std::string& text : {short_text, long_text}) {
    attribute_key original(text);
    attribute_key copy = original;
    EXPECT_EQ(copy.view(), text);
    EXPECT_NE(copy.view().data(), original.view().data()) << "a copy of an owned key owns its text";
    attribute_key moved = std::move(copy);
    EXPECT_EQ(moved.view(), text);
    attribute_key assigned = static_key(long_constant);
    assigned = moved;
    EXPECT_EQ(assigned.view(), text);
    assigned = std::move(moved);
    EXPECT_EQ(assigned.view(), text);
    assigned = attribute_key("other");  // releases the text it had
    EXPECT_EQ(assigned.view(), "other");
    EXPECT_EQ(original.view(), text) << "the original is untouched by what its copies did";
  }
  // A list of keys of every kind reallocates (moves every element) and keeps each text.
  attribute_list list;
  for (int i = 0; i < 100; ++i) {
    const std::string text = (i % 3 == 0) ? "k" + std::to_string(i) : std::string(40, static_cast<char>('a' + i % 26));
    if (i % 3 == 2) {
      list.emplace_back(static_key(long_constant), std::int64_t{i});
    } else {
      list.emplace_back(text, std::int64_t{i});
    }
  }
  for (int i = 0; i < 100; ++i) {
    const std::string expected = (i % 3 == 0)   ? "k" + std::to_string(i)
                                 : (i % 3 == 2) ? std::string(long_constant)
                                                : std::string(40, static_cast<char>('a' + i % 26));
    EXPECT_EQ(list[static_cast<std::size_t>(i)].key.view(), expected);
  }
  EXPECT_TRUE(attribute_key().empty());
  EXPECT_EQ(attribute_key(std::string_view("")).view(), "");
}

TEST(AttributeKey, FindAttributeMatchesEitherKind) {
  attribute_list list;
  list.emplace_back(static_key(long_constant), std::string("execute_tool"));
  list.emplace_back(std::string("owned.key"), std::int64_t{7});
  ASSERT_NE(find_attribute(list, "gen_ai.operation.name"), nullptr);
  EXPECT_EQ(std::get<std::string>(*find_attribute(list, "gen_ai.operation.name")), "execute_tool");
  ASSERT_NE(find_attribute(list, "owned.key"), nullptr);
  EXPECT_EQ(find_attribute(list, "absent"), nullptr);
}

}  // namespace
}  // namespace lumen::trace
