// JSON forms of MCP data types: icons, implementations, tools with annotations, icons and
// outputSchema, resources, templates, prompts, and log levels.
#include <lumen/protocol/types.hpp>

#include <gtest/gtest.h>

namespace lumen::protocol {
namespace {

json::value shape(std::string_view text) { return json::parse(text); }

TEST(Icon, OnlySrcWhenNothingElseIsSet) {
  EXPECT_EQ(json::value(icon{.src = "https://x/i.png"}.to_json()), shape(R"({"src":"https://x/i.png"})"));
}

TEST(Icon, AllFields) {
  icon i{.src = "data:image/png;base64,AA==", .mime_type = "image/png", .sizes = {"16x16", "any"}, .theme = "light"};
  EXPECT_EQ(json::value(i.to_json()),
            shape(R"({"src":"data:image/png;base64,AA==","mimeType":"image/png","sizes":["16x16","any"],"theme":"light"})"));
}

TEST(Implementation, MinimalIsNameAndVersion) {
  EXPECT_EQ(json::value(implementation{.name = "srv", .version = "1.2"}.to_json()),
            shape(R"({"name":"srv","version":"1.2"})"));
}

TEST(Implementation, FullFormUsesSpecKeys) {
  implementation info{.name = "srv",
                      .version = "1.2",
                      .title = "Server",
                      .description = "does things",
                      .website_url = "https://example.com",
                      .icons = {{.src = "https://example.com/i.svg", .mime_type = "image/svg+xml"}}};
  EXPECT_EQ(json::value(info.to_json()),
            shape(R"({"name":"srv","version":"1.2","title":"Server","description":"does things",
                      "websiteUrl":"https://example.com",
                      "icons":[{"src":"https://example.com/i.svg","mimeType":"image/svg+xml"}]})"));
}

TEST(Implementation, RoundTripsThroughJsonIncludingIcons) {
  implementation info{.name = "srv",
                      .version = "1.2",
                      .title = "Server",
                      .description = "d",
                      .website_url = "https://example.com",
                      .icons = {{.src = "https://example.com/a.png", .mime_type = "image/png", .sizes = {"48x48"}},
                                {.src = "https://example.com/b.png", .theme = "dark"}}};
  auto back = implementation::from_json(info.to_json());
  EXPECT_EQ(json::value(back.to_json()), json::value(info.to_json()));
  ASSERT_EQ(back.icons.size(), 2u);
  EXPECT_EQ(back.icons[0].sizes, (std::vector<std::string>{"48x48"}));
  EXPECT_EQ(back.icons[1].theme, "dark");
}

TEST(Implementation, FromJsonIgnoresMalformedMembers) {
  auto info = implementation::from_json(json::parse(R"({"name":5,"version":"1","title":null,
      "icons":[7,{"mimeType":"image/png"},{"src":"ok","sizes":["1x1",2]}]})").as_object());
  EXPECT_EQ(info.name, "");
  EXPECT_EQ(info.version, "1");
  EXPECT_FALSE(info.title);
  ASSERT_EQ(info.icons.size(), 1u);
  EXPECT_EQ(info.icons[0].src, "ok");
  EXPECT_EQ(info.icons[0].sizes, (std::vector<std::string>{"1x1"}));
}

TEST(ToolAnnotations, EmptyUntilAHintIsSet) {
  tool_annotations a;
  EXPECT_TRUE(a.empty());
  EXPECT_TRUE(a.to_json().empty());
  a.destructive_hint = false;  // an explicit false is still a hint
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(json::value(a.to_json()), shape(R"({"destructiveHint":false})"));
}

TEST(ToolAnnotations, AllHintsUseSpecKeys) {
  tool_annotations a{.title = "T", .read_only_hint = true, .destructive_hint = false, .idempotent_hint = true,
                     .open_world_hint = false};
  EXPECT_EQ(json::value(a.to_json()),
            shape(R"({"title":"T","readOnlyHint":true,"destructiveHint":false,"idempotentHint":true,"openWorldHint":false})"));
}

TEST(ToolDefinition, MinimalHasNameAndAnObjectInputSchema) {
  EXPECT_EQ(json::value(tool_definition{.name = "t"}.to_json()), shape(R"({"name":"t","inputSchema":{"type":"object"}})"));
}

TEST(ToolDefinition, FullFormWithAnnotationsIconsOutputSchemaAndMeta) {
  tool_definition t{.name = "weather",
                    .title = "Weather",
                    .description = "Current weather",
                    .input_schema = {{"type", "object"},
                                     {"properties", {{"city", {{"type", "string"}}}}},
                                     {"required", json::array{"city"}}},
                    .output_schema = json::object{{"type", "object"}, {"properties", {{"temp", {{"type", "number"}}}}}},
                    .annotations = {.read_only_hint = true, .open_world_hint = true},
                    .icons = {{.src = "https://x/sun.png", .sizes = {"32x32"}}},
                    .meta = json::object{{"example.com/v", 1}}};
  EXPECT_EQ(json::value(t.to_json()), shape(R"({
      "name":"weather","title":"Weather","description":"Current weather",
      "inputSchema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},
      "outputSchema":{"type":"object","properties":{"temp":{"type":"number"}}},
      "annotations":{"readOnlyHint":true,"openWorldHint":true},
      "icons":[{"src":"https://x/sun.png","sizes":["32x32"]}],
      "_meta":{"example.com/v":1}})"));
}

TEST(ToolDefinition, OmitsEmptyAnnotationsAndIcons) {
  auto o = tool_definition{.name = "t", .description = "d"}.to_json();
  EXPECT_FALSE(o.contains("annotations"));
  EXPECT_FALSE(o.contains("icons"));
  EXPECT_FALSE(o.contains("outputSchema"));
  EXPECT_FALSE(o.contains("_meta"));
  EXPECT_FALSE(o.contains("title"));
}

TEST(ResourceDefinition, MinimalAndFull) {
  EXPECT_EQ(json::value(resource_definition{.uri = "mem://a", .name = "a"}.to_json()),
            shape(R"({"uri":"mem://a","name":"a"})"));
  resource_definition r{.uri = "file:///r.bin",
                        .name = "r",
                        .title = "R",
                        .description = "bytes",
                        .mime_type = "application/octet-stream",
                        .size = 1024,
                        .annotations = json::object{{"audience", json::array{"user"}}, {"priority", 0.5}},
                        .icons = {{.src = "https://x/r.png"}}};
  EXPECT_EQ(json::value(r.to_json()), shape(R"({"uri":"file:///r.bin","name":"r","title":"R","description":"bytes",
      "mimeType":"application/octet-stream","size":1024,"annotations":{"audience":["user"],"priority":0.5},
      "icons":[{"src":"https://x/r.png"}]})"));
}

TEST(ResourceTemplateDefinition, UsesUriTemplateKey) {
  resource_template_definition t{.uri_template = "file:///{path}", .name = "files", .mime_type = "text/plain",
                                 .icons = {{.src = "https://x/f.png"}}};
  EXPECT_EQ(json::value(t.to_json()), shape(R"({"uriTemplate":"file:///{path}","name":"files","mimeType":"text/plain",
      "icons":[{"src":"https://x/f.png"}]})"));
  EXPECT_FALSE(t.to_json().contains("uri"));
}

TEST(PromptArgument, RequiredOnlyWhenTrue) {
  EXPECT_EQ(json::value(prompt_argument{.name = "a"}.to_json()), shape(R"({"name":"a"})"));
  EXPECT_EQ(json::value(prompt_argument{.name = "a", .title = "A", .description = "d", .required = true}.to_json()),
            shape(R"({"name":"a","title":"A","description":"d","required":true})"));
}

TEST(PromptDefinition, ArgumentsAndIconsOnlyWhenPresent) {
  EXPECT_EQ(json::value(prompt_definition{.name = "p"}.to_json()), shape(R"({"name":"p"})"));
  prompt_definition p{.name = "review",
                      .title = "Review",
                      .description = "Review code",
                      .arguments = {{.name = "code", .required = true}, {.name = "style"}},
                      .icons = {{.src = "https://x/p.png", .theme = "dark"}}};
  EXPECT_EQ(json::value(p.to_json()), shape(R"({"name":"review","title":"Review","description":"Review code",
      "arguments":[{"name":"code","required":true},{"name":"style"}],
      "icons":[{"src":"https://x/p.png","theme":"dark"}]})"));
}

TEST(LogLevel, NamesFollowSyslogOrder) {
  const char* names[] = {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
  for (int i = 0; i < 8; ++i) {
    auto level = static_cast<log_level>(i);
    EXPECT_EQ(to_string(level), names[i]);
    EXPECT_EQ(parse_log_level(names[i]), level);
  }
  EXPECT_LT(log_level::debug, log_level::emergency);
}

TEST(LogLevel, UnknownOrMiscasedNamesAreRejected) {
  for (auto bad : {"", "DEBUG", "Info", "warn", "fatal", "trace", "error "}) EXPECT_FALSE(parse_log_level(bad)) << bad;
}

}  // namespace
}  // namespace lumen::protocol
