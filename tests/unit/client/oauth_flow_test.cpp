// The authorizer against a scripted authorization server and MCP server (a fake fetcher): the whole
// flow and what each request carries, well-known fallbacks, registration choices, step-up, refresh,
// and every failure as a clear authorization_failed error. Also the blocking fetcher's time limit.
#include <lumen/client/errors.hpp>
#include <lumen/client/oauth.hpp>
#include <lumen/client/oauth/pkce.hpp>
#include <lumen/json.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/url/parse.hpp>

#include <gtest/gtest.h>

#include <map>

namespace lumen::client::oauth {
namespace {

constexpr const char* server = "http://mcp.test/mcp";
constexpr const char* issuer = "http://as.test";

// Form or query fields as a map ('+' is a space in form encoding).
std::map<std::string, std::string> fields_of(std::string_view encoded) {
  std::string text;
  for (char c : encoded) text += c == '+' ? std::string("%20") : std::string(1, c);
  std::map<std::string, std::string> out;
  auto parsed = boost::urls::parse_uri("http://query.test/?" + text);
  if (!parsed) return out;
  for (auto param : parsed->params()) out[param.key] = param.value;
  return out;
}

struct fake_world {
  std::map<std::string, http_exchange_response> routes;  // "GET url" -> response
  std::vector<http_exchange_request> requests;
  int token_requests = 0;

  http_exchange_response respond(const http_exchange_request& request) {
    requests.push_back(request);
    if (request.method == "POST" && request.url == std::string(issuer) + "/token") {
      ++token_requests;
      return {.status = 200,
              .body = R"({"access_token":"token-)" + std::to_string(token_requests) +
                      R"(","token_type":"Bearer","expires_in":60,"refresh_token":"refresh-)" +
                      std::to_string(token_requests) + R"("})"};
    }
    if (request.method == "POST" && request.url == std::string(issuer) + "/register") {
      return {.status = 201, .body = R"({"client_id":"dcr-client","client_secret":"dcr-secret"})"};
    }
    auto it = routes.find(request.method + " " + request.url);
    if (it != routes.end()) return it->second;
    return {.status = 404, .body = "not found"};
  }

  http_fetcher fetcher() {
    return [this](const http_exchange_request& r) { return respond(r); };
  }

  std::vector<std::string> urls() const {
    std::vector<std::string> out;
    for (const auto& r : requests) out.push_back(r.method + " " + r.url);
    return out;
  }

  const http_exchange_request* last(std::string_view method, std::string_view url) const {
    for (auto it = requests.rbegin(); it != requests.rend(); ++it) {
      if (it->method == method && it->url == url) return &*it;
    }
    return nullptr;
  }

  void serve_prm(const std::string& at, const std::string& body) { routes["GET " + at] = {.status = 200, .body = body}; }

  void serve_as(json::object extra = {}) {
    json::object doc{{"issuer", issuer},
                     {"authorization_endpoint", std::string(issuer) + "/authorize"},
                     {"token_endpoint", std::string(issuer) + "/token"},
                     {"registration_endpoint", std::string(issuer) + "/register"},
                     {"code_challenge_methods_supported", json::array{"S256"}},
                     {"token_endpoint_auth_methods_supported", json::array{"client_secret_basic", "none"}}};
    for (auto& [k, v] : extra) doc[k] = v;
    routes["GET " + std::string(issuer) + "/.well-known/oauth-authorization-server"] = {.status = 200,
                                                                                       .body = json::serialize(doc)};
  }

  void serve_default_prm(std::string scopes_supported = "") {
    std::string body = R"({"resource":"http://mcp.test/mcp","authorization_servers":["http://as.test"])";
    if (!scopes_supported.empty()) body += R"(,"scopes_supported":)" + scopes_supported;
    body += "}";
    serve_prm("http://mcp.test/.well-known/oauth-protected-resource/mcp", body);
  }
};

// An authorization handler that approves: it answers with the redirect carrying code and state.
struct approving_user {
  std::vector<authorization_request> seen;
  std::string state_override;

  authorization_handler handler() {
    return [this](const authorization_request& r) {
      seen.push_back(r);
      return r.redirect_uri + "?code=the-code&state=" + (state_override.empty() ? r.state : state_override);
    };
  }
  std::map<std::string, std::string> query(std::size_t i = 0) const {
    auto u = boost::urls::parse_uri(seen.at(i).url);
    return fields_of(u->encoded_query());
  }
};

auth_options options_with(approving_user& user) {
  auth_options options;
  options.authorize = user.handler();
  options.redirect_uri = "http://localhost:9/cb";
  return options;
}

client_error refusal_error(authorizer& a, int status, std::string_view header) {
  try {
    a.handle_refusal(status, header, a.token_generation());
  } catch (const client_error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return client_error(error_kind::protocol_error, "none");
}

TEST(OAuthFlow, FullFlowWithDynamicRegistration) {
  fake_world world;
  world.serve_default_prm(R"(["a","b"])");
  world.serve_as();
  approving_user user;
  authorizer a(options_with(user), server, world.fetcher());
  EXPECT_EQ(a.authorization_header(), "");

  auto before = a.token_generation();
  ASSERT_TRUE(a.handle_refusal(
      401, R"(Bearer resource_metadata="http://mcp.test/.well-known/oauth-protected-resource/mcp", scope="files:read")",
      before));
  EXPECT_EQ(a.authorization_header(), "Bearer token-1");
  EXPECT_GT(a.token_generation(), before);

  ASSERT_EQ(user.seen.size(), 1u);
  auto q = user.query();
  EXPECT_TRUE(user.seen[0].url.starts_with("http://as.test/authorize?"));
  EXPECT_EQ(q["response_type"], "code");
  EXPECT_EQ(q["client_id"], "dcr-client");
  EXPECT_EQ(q["redirect_uri"], "http://localhost:9/cb");
  EXPECT_EQ(q["code_challenge_method"], "S256");
  EXPECT_EQ(q["resource"], "http://mcp.test/mcp");
  EXPECT_EQ(q["scope"], "files:read");  // the challenge's scope, not scopes_supported
  EXPECT_EQ(q["state"], user.seen[0].state);

  auto const* token = world.last("POST", "http://as.test/token");
  ASSERT_TRUE(token);
  auto form = fields_of(token->body);
  EXPECT_EQ(form["grant_type"], "authorization_code");
  EXPECT_EQ(form["code"], "the-code");
  EXPECT_EQ(form["redirect_uri"], "http://localhost:9/cb");
  EXPECT_EQ(form["resource"], "http://mcp.test/mcp");
  EXPECT_EQ(pkce_s256_challenge(form["code_verifier"]), q["code_challenge"]);
  // DCR gave a secret and the server takes client_secret_basic: credentials in the header.
  EXPECT_EQ(form.count("client_secret"), 0u);
  bool basic = false;
  for (const auto& [k, v] : token->headers) basic |= k == "Authorization" && v.starts_with("Basic ");
  EXPECT_TRUE(basic);

  auto const* registration = world.last("POST", "http://as.test/register");
  ASSERT_TRUE(registration);
  auto body = json::parse(registration->body).as_object();
  EXPECT_EQ(body.at("redirect_uris").as_array().at(0).as_string(), "http://localhost:9/cb");
}

TEST(OAuthFlow, WellKnownFallbackOrderWithoutHeaderUrl) {
  fake_world world;
  world.serve_prm("http://mcp.test/.well-known/oauth-protected-resource",
                  R"({"resource":"http://mcp.test","authorization_servers":["http://as.test"],"scopes_supported":["x","y"]})");
  world.serve_as();
  approving_user user;
  authorizer a(options_with(user), server, world.fetcher());
  ASSERT_TRUE(a.handle_refusal(401, "Bearer", 0));
  auto urls = world.urls();
  ASSERT_GE(urls.size(), 3u);
  EXPECT_EQ(urls[0], "GET http://mcp.test/.well-known/oauth-protected-resource/mcp");
  EXPECT_EQ(urls[1], "GET http://mcp.test/.well-known/oauth-protected-resource");
  EXPECT_EQ(urls[2], "GET http://as.test/.well-known/oauth-authorization-server");
  EXPECT_EQ(user.query()["scope"], "x y");  // no challenge scope: all of scopes_supported
  EXPECT_EQ(user.query()["resource"], "http://mcp.test");
}

TEST(OAuthFlow, OpenIdConfigurationWithPathAppending) {
  fake_world world;
  world.serve_prm("http://mcp.test/.well-known/oauth-protected-resource/mcp",
                  R"({"resource":"http://mcp.test/mcp","authorization_servers":["http://as.test/tenant1"]})");
  world.routes["GET http://as.test/tenant1/.well-known/openid-configuration"] = {
      .status = 200,
      .body = R"({"issuer":"http://as.test/tenant1","authorization_endpoint":"http://as.test/tenant1/authorize",
                 "token_endpoint":"http://as.test/token","code_challenge_methods_supported":["S256"],
                 "token_endpoint_auth_methods_supported":["none"],"registration_endpoint":"http://as.test/register"})"};
  approving_user user;
  authorizer a(options_with(user), server, world.fetcher());
  ASSERT_TRUE(a.handle_refusal(401, "Bearer", 0));
  auto urls = world.urls();
  EXPECT_EQ(urls[1], "GET http://as.test/.well-known/oauth-authorization-server/tenant1");
  EXPECT_EQ(urls[2], "GET http://as.test/.well-known/openid-configuration/tenant1");
  EXPECT_EQ(urls[3], "GET http://as.test/tenant1/.well-known/openid-configuration");
  for (const auto& u : urls) EXPECT_NE(u, "GET http://as.test/.well-known/oauth-authorization-server");
  EXPECT_EQ(user.query().count("scope"), 0u);  // neither challenge scope nor scopes_supported
}

TEST(OAuthFlow, StepUpMergesScopesAndOnlyForInsufficientScope) {
  fake_world world;
  world.serve_default_prm();
  world.serve_as();
  approving_user user;
  authorizer a(options_with(user), server, world.fetcher());
  ASSERT_TRUE(a.handle_refusal(401, R"(Bearer scope="mcp:basic")", 0));
  EXPECT_FALSE(a.handle_refusal(403, R"(Bearer error="invalid_token")", a.token_generation()));
  EXPECT_FALSE(a.handle_refusal(403, "", a.token_generation()));
  ASSERT_TRUE(a.handle_refusal(403, R"(Bearer error="insufficient_scope", scope="mcp:write")", a.token_generation()));
  ASSERT_EQ(user.seen.size(), 2u);
  EXPECT_EQ(user.query(1)["scope"], "mcp:basic mcp:write");
  EXPECT_EQ(a.authorization_header(), "Bearer token-2");
}

TEST(OAuthFlow, StaleRefusalRetriesWithoutAuthorizing) {
  fake_world world;
  world.serve_default_prm();
  world.serve_as();
  approving_user user;
  authorizer a(options_with(user), server, world.fetcher());
  auto old_generation = a.token_generation();
  ASSERT_TRUE(a.handle_refusal(401, "Bearer", old_generation));
  auto requests = world.requests.size();
  EXPECT_TRUE(a.handle_refusal(401, "Bearer", old_generation));  // sent before the new token existed
  EXPECT_EQ(world.requests.size(), requests);
  EXPECT_EQ(user.seen.size(), 1u);
}

TEST(OAuthFlow, A401WithARefreshTokenRefreshesFirst) {
  fake_world world;
  world.serve_default_prm();
  world.serve_as();
  approving_user user;
  std::vector<std::string> persisted;
  auto options = options_with(user);
  options.on_tokens = [&](const token_set& t) { persisted.push_back(t.access_token); };
  authorizer a(options, server, world.fetcher());
  ASSERT_TRUE(a.handle_refusal(401, "Bearer", 0));
  ASSERT_TRUE(a.handle_refusal(401, R"(Bearer error="invalid_token")", a.token_generation()));
  EXPECT_EQ(user.seen.size(), 1u);  // no second user interaction
  auto form = fields_of(world.last("POST", "http://as.test/token")->body);
  EXPECT_EQ(form["grant_type"], "refresh_token");
  EXPECT_EQ(form["refresh_token"], "refresh-1");
  EXPECT_EQ(form["resource"], "http://mcp.test/mcp");
  EXPECT_EQ(a.authorization_header(), "Bearer token-2");
  EXPECT_EQ(persisted, (std::vector<std::string>{"token-1", "token-2"}));
}

TEST(OAuthFlow, PreRegisteredCredentialsSkipRegistration) {
  fake_world world;
  world.serve_default_prm();
  world.serve_as(json::object{{"token_endpoint_auth_methods_supported", json::array{"client_secret_post"}}});
  approving_user user;
  auto options = options_with(user);
  options.client = client_credentials{.client_id = "pre", .client_secret = "secret"};
  authorizer a(options, server, world.fetcher());
  ASSERT_TRUE(a.handle_refusal(401, "Bearer", 0));
  EXPECT_FALSE(world.last("POST", "http://as.test/register"));
  EXPECT_EQ(user.query()["client_id"], "pre");
  auto form = fields_of(world.last("POST", "http://as.test/token")->body);
  EXPECT_EQ(form["client_id"], "pre");
  EXPECT_EQ(form["client_secret"], "secret");
}

TEST(OAuthFlow, ClientIdMetadataDocumentWhenTheServerSupportsIt) {
  fake_world world;
  world.serve_default_prm();
  world.serve_as(json::object{{"client_id_metadata_document_supported", true}});
  approving_user user;
  auto options = options_with(user);
  options.client_metadata_url = "https://app.example.com/client.json";
  authorizer a(options, server, world.fetcher());
  ASSERT_TRUE(a.handle_refusal(401, "Bearer", 0));
  EXPECT_FALSE(world.last("POST", "http://as.test/register"));
  EXPECT_EQ(user.query()["client_id"], "https://app.example.com/client.json");
  EXPECT_EQ(fields_of(world.last("POST", "http://as.test/token")->body)["client_id"],
            "https://app.example.com/client.json");
}

TEST(OAuthFlow, Legacy2025_03_26ServerWithoutMetadataUsesDefaultEndpoints) {
  fake_world world;  // nothing at any well-known URL
  world.routes.clear();
  approving_user user;
  authorizer a(options_with(user), server, world.fetcher());
  // The default endpoints are at the MCP server's origin.
  world.routes["POST http://mcp.test/register"] = {.status = 201, .body = R"({"client_id":"legacy"})"};
  world.routes["POST http://mcp.test/token"] = {.status = 200, .body = R"({"access_token":"legacy-token"})"};
  ASSERT_TRUE(a.handle_refusal(401, "Bearer", 0));
  EXPECT_TRUE(user.seen.at(0).url.starts_with("http://mcp.test/authorize?"));
  EXPECT_EQ(user.query()["resource"], "http://mcp.test/mcp");
  EXPECT_EQ(a.authorization_header(), "Bearer legacy-token");
}

TEST(OAuthFlowErrors, StateMismatch) {
  fake_world world;
  world.serve_default_prm();
  world.serve_as();
  approving_user user;
  user.state_override = "forged";
  authorizer a(options_with(user), server, world.fetcher());
  auto e = refusal_error(a, 401, "Bearer");
  EXPECT_EQ(e.kind(), error_kind::authorization_failed);
  EXPECT_NE(std::string(e.what()).find("state"), std::string::npos) << e.what();
  EXPECT_EQ(world.token_requests, 0);
  EXPECT_EQ(a.authorization_header(), "");
}

TEST(OAuthFlowErrors, DeniedAuthorization) {
  fake_world world;
  world.serve_default_prm();
  world.serve_as();
  auth_options options;
  options.authorize = [](const authorization_request& r) {
    return r.redirect_uri + "?error=access_denied&error_description=no&state=" + r.state;
  };
  authorizer a(options, server, world.fetcher());
  auto e = refusal_error(a, 401, "Bearer");
  EXPECT_NE(std::string(e.what()).find("access_denied"), std::string::npos) << e.what();
}

TEST(OAuthFlowErrors, TokenEndpointError) {
  fake_world world;
  world.serve_default_prm();
  world.serve_as();
  world.routes["POST http://as.test/register"] = {.status = 201, .body = R"({"client_id":"c"})"};
  approving_user user;
  // A token endpoint that refuses the code.
  auto fetch = [&](const http_exchange_request& r) -> http_exchange_response {
    if (r.method == "POST" && r.url == "http://as.test/token") {
      return {.status = 400, .body = R"({"error":"invalid_grant"})"};
    }
    return world.respond(r);
  };
  authorizer a(options_with(user), server, fetch);
  auto e = refusal_error(a, 401, "Bearer");
  EXPECT_EQ(e.kind(), error_kind::authorization_failed);
  EXPECT_NE(std::string(e.what()).find("invalid_grant"), std::string::npos) << e.what();
  ASSERT_TRUE(e.data());
}

TEST(OAuthFlowErrors, ResourceMismatch) {
  fake_world world;
  world.serve_prm("http://mcp.test/.well-known/oauth-protected-resource/mcp",
                  R"({"resource":"http://evil.test/mcp","authorization_servers":["http://as.test"]})");
  world.serve_as();
  approving_user user;
  authorizer a(options_with(user), server, world.fetcher());
  auto e = refusal_error(a, 401, "Bearer");
  EXPECT_NE(std::string(e.what()).find("evil.test"), std::string::npos) << e.what();
  EXPECT_TRUE(user.seen.empty());
}

TEST(OAuthFlowErrors, MalformedMetadata) {
  fake_world world;
  world.serve_prm("http://mcp.test/.well-known/oauth-protected-resource/mcp", R"({"resource":"http://mcp.test/mcp")");
  approving_user user;
  authorizer a(options_with(user), server, world.fetcher());
  auto e = refusal_error(a, 401, "Bearer");
  EXPECT_NE(std::string(e.what()).find("not JSON"), std::string::npos) << e.what();
}

TEST(OAuthFlowErrors, NoPkceSupport) {
  fake_world world;
  world.serve_default_prm();
  world.serve_as(json::object{{"code_challenge_methods_supported", json::array{"plain"}}});
  approving_user user;
  authorizer a(options_with(user), server, world.fetcher());
  auto e = refusal_error(a, 401, "Bearer");
  EXPECT_NE(std::string(e.what()).find("S256"), std::string::npos) << e.what();
  EXPECT_TRUE(user.seen.empty());
}

TEST(OAuthFlowErrors, NoAuthorizationServerMetadata) {
  fake_world world;
  world.serve_default_prm();
  approving_user user;
  authorizer a(options_with(user), server, world.fetcher());
  auto e = refusal_error(a, 401, "Bearer");
  EXPECT_NE(std::string(e.what()).find("openid-configuration"), std::string::npos) << e.what();
}

TEST(OAuthFlowErrors, NoWayToRegister) {
  fake_world world;
  world.serve_default_prm();
  world.serve_as(json::object{{"registration_endpoint", nullptr}});
  approving_user user;
  authorizer a(options_with(user), server, world.fetcher());
  auto e = refusal_error(a, 401, "Bearer");
  EXPECT_NE(std::string(e.what()).find("pre-registered"), std::string::npos) << e.what();
}

TEST(OAuthFlowErrors, UnreachableServerIsAnAuthorizationError) {
  approving_user user;
  authorizer a(options_with(user), server, [](const http_exchange_request&) -> http_exchange_response {
    throw client_error(error_kind::timeout, "GET x did not finish within 10 ms");
  });
  auto e = refusal_error(a, 401, "Bearer");
  EXPECT_EQ(e.kind(), error_kind::authorization_failed);
  EXPECT_NE(std::string(e.what()).find("did not finish"), std::string::npos) << e.what();
}

TEST(HeadlessHandler, ReturnsTheRedirectLocation) {
  auto handler = headless_authorization_handler([](const http_exchange_request& r) {
    EXPECT_EQ(r.url, "http://as.test/authorize?x=1");
    return http_exchange_response{.status = 302, .headers = {{"location", "http://localhost/cb?code=c&state=s"}}};
  });
  EXPECT_EQ(handler({.url = "http://as.test/authorize?x=1"}), "http://localhost/cb?code=c&state=s");
  auto no_redirect = headless_authorization_handler(
      [](const http_exchange_request&) { return http_exchange_response{.status = 200, .body = "login page"}; });
  EXPECT_THROW(no_redirect({.url = "http://as.test/authorize"}), client_error);
}

TEST(HttpFetcher, ASilentServerTimesOut) {
  // Listening but never answering: the connection succeeds (the kernel's backlog), the read cannot.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto url = "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/";
  auto fetch = make_http_fetcher(std::chrono::milliseconds(200), 1024);
  auto started = std::chrono::steady_clock::now();
  try {
    fetch({.url = url});
    FAIL() << "a silent server answered";
  } catch (const client_error& e) {
    EXPECT_EQ(e.kind(), error_kind::timeout) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST(HttpFetcher, RejectsUnsupportedUrls) {
  auto fetch = make_http_fetcher(std::chrono::milliseconds(200), 1024);
  EXPECT_THROW(fetch({.url = "https://example.com/"}), client_error);
  EXPECT_THROW(fetch({.url = "not a url"}), client_error);
}

}  // namespace
}  // namespace lumen::client::oauth
