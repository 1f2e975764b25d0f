// Accept and Content-Type matching, case-insensitive header lookup.
#include <lumen/transport/http_message.hpp>

#include <gtest/gtest.h>

using namespace lumen::transport;

TEST(AcceptHeader, MatchesListedTypesAndWildcards) {
  EXPECT_TRUE(accepts_media_type("application/json, text/event-stream", "text/event-stream"));
  EXPECT_TRUE(accepts_media_type("application/json, text/event-stream", "application/json"));
  EXPECT_TRUE(accepts_media_type("*/*", "application/json"));
  EXPECT_TRUE(accepts_media_type("text/*;q=0.5", "text/event-stream"));
  EXPECT_TRUE(accepts_media_type("Application/JSON;charset=utf-8", "application/json"));
  EXPECT_FALSE(accepts_media_type("application/json", "text/event-stream"));
  EXPECT_FALSE(accepts_media_type("", "application/json"));
  EXPECT_FALSE(accepts_media_type("application/jsonx", "application/json"));
  EXPECT_FALSE(accepts_media_type("text/*", "application/json"));
}

TEST(AcceptHeader, QZeroExcludes) {
  EXPECT_FALSE(accepts_media_type("application/json;q=0, text/event-stream", "application/json"));
  EXPECT_FALSE(accepts_media_type("*/*; q=0.0", "application/json"));
  EXPECT_TRUE(accepts_media_type("application/json;q=0.1", "application/json"));
}

TEST(ContentType, IgnoresParametersAndCase) {
  EXPECT_TRUE(is_media_type("application/json", "application/json"));
  EXPECT_TRUE(is_media_type("application/json; charset=utf-8", "application/json"));
  EXPECT_TRUE(is_media_type(" APPLICATION/JSON ", "application/json"));
  EXPECT_FALSE(is_media_type("text/plain", "application/json"));
  EXPECT_FALSE(is_media_type("application/json-seq", "application/json"));
  EXPECT_FALSE(is_media_type("", "application/json"));
}

TEST(HttpRequest, HeaderLookupIsCaseInsensitive) {
  http_request r;
  r.headers = {{"mcp-session-id", "abc"}, {"Content-Type", "application/json"}};
  r.target = "/mcp?x=1";
  EXPECT_EQ(r.header("Mcp-Session-Id"), "abc");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_FALSE(r.header("Accept"));
  EXPECT_EQ(r.path(), "/mcp");
}
