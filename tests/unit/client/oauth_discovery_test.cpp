// Discovery URL construction (the orders the MCP specification lists), metadata validation,
// resource matching, and scope selection.
#include <lumen/client/errors.hpp>
#include <lumen/client/oauth/discovery.hpp>
#include <lumen/client/oauth/scope.hpp>

#include <gtest/gtest.h>

namespace lumen::client::oauth {
namespace {

using strings = std::vector<std::string>;

TEST(DiscoveryUrls, ProtectedResourceMetadataPathThenRoot) {
  EXPECT_EQ(protected_resource_metadata_urls("https://example.com/public/mcp"),
            (strings{"https://example.com/.well-known/oauth-protected-resource/public/mcp",
                     "https://example.com/.well-known/oauth-protected-resource"}));
  EXPECT_EQ(protected_resource_metadata_urls("http://localhost:8080/mcp/"),
            (strings{"http://localhost:8080/.well-known/oauth-protected-resource/mcp",
                     "http://localhost:8080/.well-known/oauth-protected-resource"}));
}

TEST(DiscoveryUrls, ProtectedResourceMetadataAtTheRootOnly) {
  EXPECT_EQ(protected_resource_metadata_urls("https://example.com"),
            (strings{"https://example.com/.well-known/oauth-protected-resource"}));
  EXPECT_EQ(protected_resource_metadata_urls("https://example.com/"),
            (strings{"https://example.com/.well-known/oauth-protected-resource"}));
}

TEST(DiscoveryUrls, AuthorizationServerWithPath) {
  EXPECT_EQ(authorization_server_metadata_urls("https://auth.example.com/tenant1"),
            (strings{"https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
                     "https://auth.example.com/.well-known/openid-configuration/tenant1",
                     "https://auth.example.com/tenant1/.well-known/openid-configuration"}));
}

TEST(DiscoveryUrls, AuthorizationServerWithoutPath) {
  EXPECT_EQ(authorization_server_metadata_urls("https://auth.example.com"),
            (strings{"https://auth.example.com/.well-known/oauth-authorization-server",
                     "https://auth.example.com/.well-known/openid-configuration"}));
  EXPECT_EQ(authorization_server_metadata_urls("http://127.0.0.1:9000/"),
            (strings{"http://127.0.0.1:9000/.well-known/oauth-authorization-server",
                     "http://127.0.0.1:9000/.well-known/openid-configuration"}));
}

TEST(DiscoveryUrls, RelativeUrlIsAnError) {
  EXPECT_THROW(protected_resource_metadata_urls("/mcp"), client_error);
  EXPECT_THROW(authorization_server_metadata_urls("not a url"), client_error);
}

TEST(ProtectedResourceMetadata, Parses) {
  auto m = parse_protected_resource_metadata(
      R"({"resource":"https://mcp.example.com/mcp","authorization_servers":["https://as.example.com"],"scopes_supported":["a","b"]})");
  EXPECT_EQ(m.resource, "https://mcp.example.com/mcp");
  EXPECT_EQ(m.authorization_servers, (strings{"https://as.example.com"}));
  ASSERT_TRUE(m.scopes_supported);
  EXPECT_EQ(*m.scopes_supported, (strings{"a", "b"}));
  auto without_scopes = parse_protected_resource_metadata(R"({"resource":"r","authorization_servers":["x"]})");
  EXPECT_FALSE(without_scopes.scopes_supported);
}

TEST(ProtectedResourceMetadata, MalformedDocumentsAreClearErrors) {
  for (const char* bad : {"", "not json", "[]", R"({"authorization_servers":["x"]})", R"({"resource":"r"})",
                          R"({"resource":"r","authorization_servers":[]})",
                          R"({"resource":"r","authorization_servers":"x"})",
                          R"({"resource":"r","authorization_servers":[1]})",
                          R"({"resource":7,"authorization_servers":["x"]})",
                          R"({"resource":"r","authorization_servers":["x"],"scopes_supported":"a b"})"}) {
    try {
      parse_protected_resource_metadata(bad);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const client_error& e) {
      EXPECT_EQ(e.kind(), error_kind::authorization_failed) << bad;
      EXPECT_NE(std::string(e.what()).find("protected resource metadata"), std::string::npos) << e.what();
    }
  }
}

TEST(AuthorizationServerMetadata, Parses) {
  auto m = parse_authorization_server_metadata(R"({"issuer":"https://as","authorization_endpoint":"https://as/a",
      "token_endpoint":"https://as/t","registration_endpoint":"https://as/r","code_challenge_methods_supported":["S256"],
      "token_endpoint_auth_methods_supported":["none"],"client_id_metadata_document_supported":true})");
  EXPECT_EQ(m.issuer, "https://as");
  EXPECT_EQ(m.authorization_endpoint, "https://as/a");
  EXPECT_EQ(m.token_endpoint, "https://as/t");
  EXPECT_EQ(m.registration_endpoint, "https://as/r");
  EXPECT_EQ(m.code_challenge_methods_supported, (strings{"S256"}));
  EXPECT_EQ(m.token_endpoint_auth_methods_supported, (strings{"none"}));
  EXPECT_TRUE(m.client_id_metadata_document_supported);
  auto minimal = parse_authorization_server_metadata(
      R"({"issuer":"i","authorization_endpoint":"a","token_endpoint":"t"})");
  EXPECT_EQ(minimal.registration_endpoint, "");
  EXPECT_FALSE(minimal.client_id_metadata_document_supported);
}

TEST(AuthorizationServerMetadata, MalformedDocumentsAreClearErrors) {
  for (const char* bad : {"{", R"({"authorization_endpoint":"a","token_endpoint":"t"})",
                          R"({"issuer":"i","token_endpoint":"t"})", R"({"issuer":"i","authorization_endpoint":"a"})",
                          R"({"issuer":"i","authorization_endpoint":"a","token_endpoint":"t","registration_endpoint":1})",
                          R"({"issuer":"i","authorization_endpoint":"a","token_endpoint":"t","client_id_metadata_document_supported":"yes"})"}) {
    EXPECT_THROW(parse_authorization_server_metadata(bad), client_error) << bad;
  }
}

TEST(ResourceMatching, SameOriginAndParentPath) {
  EXPECT_TRUE(resource_matches("http://localhost:3000/mcp", "http://localhost:3000/mcp"));
  EXPECT_TRUE(resource_matches("http://localhost:3000", "http://localhost:3000/mcp"));
  EXPECT_TRUE(resource_matches("HTTP://LOCALHOST:3000/mcp", "http://localhost:3000/mcp"));
  EXPECT_TRUE(resource_matches("https://h/api", "https://h/api/mcp"));
  EXPECT_FALSE(resource_matches("https://h/api/mcp", "https://h/api"));
  EXPECT_FALSE(resource_matches("https://h/mc", "https://h/mcp"));
  EXPECT_FALSE(resource_matches("https://other/mcp", "https://h/mcp"));
  EXPECT_FALSE(resource_matches("http://h:1/mcp", "http://h:2/mcp"));
  EXPECT_FALSE(resource_matches("not a url", "https://h/mcp"));
}

TEST(ResourceUri, CanonicalFormDropsFragmentAndLowercasesHost) {
  EXPECT_EQ(canonical_resource_uri("HTTPS://MCP.Example.com/Mcp#frag"), "https://mcp.example.com/Mcp");
  EXPECT_EQ(canonical_resource_uri("http://localhost:3000/mcp"), "http://localhost:3000/mcp");
}

TEST(ScopeSelection, ChallengeScopeWins) {
  EXPECT_EQ(select_scope("files:read", strings{"a", "b"}), "files:read");
  EXPECT_EQ(select_scope("  x  y ", std::nullopt), "x y");
}

TEST(ScopeSelection, ElseAllOfScopesSupported) {
  EXPECT_EQ(select_scope("", strings{"mcp:basic", "mcp:read", "mcp:write"}), "mcp:basic mcp:read mcp:write");
}

TEST(ScopeSelection, ElseOmitted) {
  EXPECT_EQ(select_scope("", std::nullopt), std::nullopt);
  EXPECT_EQ(select_scope(" ", strings{}), std::nullopt);
}

TEST(ScopeSelection, MergeKeepsOrderWithoutDuplicates) {
  EXPECT_EQ(merge_scopes("mcp:basic", "mcp:basic mcp:write"), "mcp:basic mcp:write");
  EXPECT_EQ(merge_scopes("", "b a"), "b a");
  EXPECT_EQ(merge_scopes("a", ""), "a");
}

}  // namespace
}  // namespace lumen::client::oauth
