// MCP content blocks and resource contents: the exact JSON shape of each builder.
#include <lumen/protocol/content.hpp>

#include <lumen/core/base64.hpp>

#include <gtest/gtest.h>

#include <string>

namespace lumen::protocol {
namespace {

json::value shape(std::string_view text) { return json::parse(text); }

TEST(ContentBlock, TextHasTypeAndText) {
  EXPECT_EQ(json::value(text_content("héllo \"q\"")), shape(R"({"type":"text","text":"héllo \"q\""})"));
}

TEST(ContentBlock, ImageCarriesBase64DataAndMimeType) {
  auto block = image_content("iVBORw0KGgo=", "image/png");
  EXPECT_EQ(json::value(block), shape(R"({"type":"image","data":"iVBORw0KGgo=","mimeType":"image/png"})"));
  EXPECT_EQ(block.size(), 3u);
}

TEST(ContentBlock, AudioCarriesBase64DataAndMimeType) {
  EXPECT_EQ(json::value(audio_content("UklGRg==", "audio/wav")),
            shape(R"({"type":"audio","data":"UklGRg==","mimeType":"audio/wav"})"));
}

TEST(ContentBlock, ResourceLinkWithOnlyUriAndName) {
  EXPECT_EQ(json::value(resource_link("file:///a.txt", "a")),
            shape(R"({"type":"resource_link","uri":"file:///a.txt","name":"a"})"));
}

TEST(ContentBlock, ResourceLinkWithMimeTypeAndDescription) {
  EXPECT_EQ(json::value(resource_link("file:///a.txt", "a", "text/plain", "the a file")),
            shape(R"({"type":"resource_link","uri":"file:///a.txt","name":"a",
                      "mimeType":"text/plain","description":"the a file"})"));
  auto only_description = resource_link("mem://x", "x", std::nullopt, "d");
  EXPECT_FALSE(only_description.contains("mimeType"));
  EXPECT_EQ(only_description.at("description").as_string(), "d");
}

TEST(ContentBlock, EmbeddedTextResource) {
  EXPECT_EQ(json::value(embedded_resource(text_resource("mem://n", "note", "text/markdown"))),
            shape(R"({"type":"resource","resource":{"uri":"mem://n","mimeType":"text/markdown","text":"note"}})"));
}

TEST(ContentBlock, EmbeddedBlobResource) {
  EXPECT_EQ(json::value(embedded_resource(blob_resource("mem://b", std::string("\x00\x01\x02", 3)))),
            shape(R"({"type":"resource","resource":{"uri":"mem://b","blob":"AAEC"}})"));
}

TEST(ResourceContents, TextWithoutMimeTypeOmitsIt) {
  EXPECT_EQ(json::value(text_resource("mem://t", "")), shape(R"({"uri":"mem://t","text":""})"));
}

TEST(ResourceContents, BlobIsBase64OfTheRawBytes) {
  std::string bytes("\xff\xd8\xff\x00\x10", 5);
  auto blob = blob_resource("mem://img", bytes, "image/jpeg");
  EXPECT_EQ(json::value(blob), shape(R"({"uri":"mem://img","mimeType":"image/jpeg","blob":"/9j/ABA="})"));
  auto decoded = core::base64_decode(blob.at("blob").as_string());
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, bytes);
}

}  // namespace
}  // namespace lumen::protocol
