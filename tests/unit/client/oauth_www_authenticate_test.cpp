// WWW-Authenticate parsing: Bearer challenges as MCP servers send them, several challenges in one
// header, token68, quoting and escapes, and malformed values (rejected, never a crash).
#include <lumen/client/oauth/www_authenticate.hpp>

#include <gtest/gtest.h>

namespace lumen::client::oauth {
namespace {

TEST(WwwAuthenticate, BearerWithResourceMetadataAndScope) {
  auto bearer = find_bearer_challenge(
      R"(Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", scope="files:read files:write")");
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->resource_metadata, "https://mcp.example.com/.well-known/oauth-protected-resource");
  EXPECT_EQ(bearer->scope, "files:read files:write");
  EXPECT_EQ(bearer->error, "");
}

TEST(WwwAuthenticate, InsufficientScopeWithDescription) {
  auto bearer = find_bearer_challenge(
      R"(Bearer error="insufficient_scope", scope="a b", resource_metadata="http://h/x", error_description="Need \"b\"")");
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->error, "insufficient_scope");
  EXPECT_EQ(bearer->scope, "a b");
  EXPECT_EQ(bearer->error_description, "Need \"b\"");
}

TEST(WwwAuthenticate, SchemeAndParameterNamesAreCaseInsensitive) {
  auto bearer = find_bearer_challenge(R"(bEaReR Scope="x",RESOURCE_METADATA=http://h/m)");
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->scope, "x");
  EXPECT_EQ(bearer->resource_metadata, "http://h/m");  // unquoted (not a token, but seen in the wild)
}

TEST(WwwAuthenticate, SeveralChallengesInOneHeader) {
  auto challenges = parse_www_authenticate(R"(Basic realm="r", Bearer scope="s", error="invalid_token", Negotiate)");
  ASSERT_TRUE(challenges);
  ASSERT_EQ(challenges->size(), 3u);
  EXPECT_EQ((*challenges)[0].scheme, "Basic");
  EXPECT_EQ((*challenges)[0].param("realm"), "r");
  EXPECT_EQ((*challenges)[1].scheme, "Bearer");
  EXPECT_EQ((*challenges)[1].param("scope"), "s");
  EXPECT_EQ((*challenges)[1].param("error"), "invalid_token");
  EXPECT_EQ((*challenges)[2].scheme, "Negotiate");
  EXPECT_TRUE((*challenges)[2].params.empty());
  auto bearer = find_bearer_challenge(R"(Basic realm="r", Bearer scope="s")");
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->scope, "s");
}

TEST(WwwAuthenticate, Token68) {
  auto challenges = parse_www_authenticate("Negotiate dG9rZW4=, Bearer");
  ASSERT_TRUE(challenges);
  ASSERT_EQ(challenges->size(), 2u);
  EXPECT_EQ((*challenges)[0].token68, "dG9rZW4=");
  EXPECT_EQ((*challenges)[1].scheme, "Bearer");
}

TEST(WwwAuthenticate, BareBearerHasNoParameters) {
  auto bearer = find_bearer_challenge("Bearer");
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->resource_metadata, "");
  EXPECT_EQ(bearer->scope, "");
}

TEST(WwwAuthenticate, NoBearerChallenge) {
  EXPECT_FALSE(find_bearer_challenge(R"(Basic realm="x")"));
  EXPECT_FALSE(find_bearer_challenge(""));
}

TEST(WwwAuthenticate, MalformedValuesAreRejected) {
  for (const char* bad : {R"(Bearer scope="unterminated)", R"(Bearer scope="a" resource_metadata="b")",
                          R"(Bearer ="x")", R"(Bearer scope=a b=c)", R"(Bearer"x")", "Bearer scope=\"a\\",
                          R"(= Bearer)", R"(Bearer scope="a", ,=)", R"(Bearer scope=a"b")"}) {
    EXPECT_FALSE(parse_www_authenticate(bad)) << bad;
    EXPECT_FALSE(find_bearer_challenge(bad)) << bad;
  }
}

}  // namespace
}  // namespace lumen::client::oauth
