// CallToolResult: the builders' JSON form, and parsing what a server sent (both directions agree).
#include <lumen/protocol/call_tool_result.hpp>
#include <lumen/protocol/content.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace lumen::protocol {
namespace {

TEST(CallToolResult, TextIsOneTextBlock) {
  EXPECT_EQ(json::value(call_tool_result::text("hi").to_json()), json::parse(R"({"content":[{"type":"text","text":"hi"}]})"));
}

TEST(CallToolResult, ErrorSetsIsError) {
  EXPECT_EQ(json::value(call_tool_result::error("no").to_json()),
            json::parse(R"({"content":[{"type":"text","text":"no"}],"isError":true})"));
}

TEST(CallToolResult, EveryFieldInTheJsonFormCopiedOrMoved) {
  call_tool_result r = call_tool_result::text("a");
  r.add(image_content("AA==", "image/png"));
  r.structured_content = json::object{{"n", 1}};
  r.is_error = true;
  r.meta = json::object{{"k", "v"}};
  const auto expected = json::parse(
      R"({"content":[{"type":"text","text":"a"},{"type":"image","data":"AA==","mimeType":"image/png"}],)"
      R"("structuredContent":{"n":1},"isError":true,"_meta":{"k":"v"}})");
  EXPECT_EQ(json::value(r.to_json()), expected);
  EXPECT_EQ(json::value(std::move(r).to_json()), expected);
}

TEST(CallToolResult, RoundTripsThroughJson) {
  call_tool_result r = call_tool_result::text("first");
  r.add(text_content("second"));
  r.structured_content = json::array{1, 2};
  r.meta = json::object{{"trace", "x"}};
  auto parsed = call_tool_result::from_json(r.to_json());
  EXPECT_EQ(parsed.content, r.content);
  EXPECT_EQ(parsed.structured_content, r.structured_content);
  EXPECT_FALSE(parsed.is_error);
  EXPECT_EQ(parsed.meta, r.meta);
  EXPECT_EQ(parsed.text(), "first\nsecond");
}

TEST(CallToolResult, TextJoinsOnlyTextBlocks) {
  auto r = call_tool_result::from_json(json::parse(
      R"({"content":[{"type":"text","text":"a"},{"type":"image","data":"","mimeType":"x"},7,{"type":"text","text":"b"}],"isError":true})"));
  EXPECT_EQ(r.text(), "a\nb");
  EXPECT_TRUE(r.is_error);
}

TEST(CallToolResult, ParsingRejectsANonObjectAndNonArrayContent) {
  EXPECT_THROW(call_tool_result::from_json(json::value(3)), std::invalid_argument);
  EXPECT_THROW(call_tool_result::from_json(json::parse(R"({"content":"x"})")), std::invalid_argument);
}

TEST(CallToolResult, ParsingIgnoresMistypedOptionalMembers) {
  auto r = call_tool_result::from_json(json::parse(R"({"isError":"yes","_meta":[1]})"));
  EXPECT_TRUE(r.content.empty());
  EXPECT_FALSE(r.is_error);
  EXPECT_FALSE(r.meta);
}

}  // namespace
}  // namespace lumen::protocol
