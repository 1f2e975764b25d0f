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
