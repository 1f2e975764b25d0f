// The Streamable HTTP client with http_options::auth against a scripted MCP server that is its own
// authorization server, on real sockets: the 401 starts the flow and every later request (POSTs and
// the GET stream) carries the token, also when the Bearer challenge is the second WWW-Authenticate
// field; a server that keeps answering 403 insufficient_scope is given
// up on after max_authorization_attempts; bad metadata and a failing authorization handler end
// connect() with authorization_failed.
#include "scripted_http_server.hpp"

#include <lumen/client/client.hpp>
#include <lumen/client/http_transport.hpp>
#include <lumen/client/oauth.hpp>

#include <boost/url/parse.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace lumen {
namespace {

using namespace std::chrono_literals;
using client::client_error;
using client::error_kind;
using test::http_connection;
using test::http_request;

constexpr const char* token = "Bearer the-token";

struct mcp_with_auth {
  // What /mcp answers to a request that carries the token (default: a working MCP server).
  std::function<void(const http_request&, http_connection&)> authorized;
  std::string prm_body;  // empty: a valid document
  // The metadata at a custom path, named in a second WWW-Authenticate field after a Basic one.
  bool custom_metadata_path = false;

  void operator()(const http_request& req, http_connection& conn) const {
    std::string base = "http://" + req.header("host");
    const std::string metadata_path =
        custom_metadata_path ? "/custom/prm.json" : "/.well-known/oauth-protected-resource/mcp";
    if (req.method == "GET" && req.target == metadata_path) {
      return conn.respond_json(json::parse(prm_body.empty()
                                               ? R"({"resource":")" + base + R"(/mcp","authorization_servers":[")" +
                                                     base + R"("]})"
                                               : prm_body));
    }
    if (req.method == "GET" && req.target == "/.well-known/oauth-authorization-server") {
      return conn.respond_json({{"issuer", base},
                                {"authorization_endpoint", base + "/authorize"},
                                {"token_endpoint", base + "/token"},
                                {"registration_endpoint", base + "/register"},
                                {"code_challenge_methods_supported", json::array{"S256"}},
                                {"token_endpoint_auth_methods_supported", json::array{"none"}}});
    }
    if (req.method == "POST" && req.target == "/register") {
      return conn.respond(201, "application/json", R"({"client_id":"registered"})");
    }
    if (req.method == "GET" && req.target.starts_with("/authorize?")) {
      auto url = boost::urls::parse_uri(base + req.target);
      auto params = url->params();
      auto value = [&](const char* key) { return std::string((*params.find(key)).value); };
      return conn.respond(302, "text/plain", "",
                          "Location: " + value("redirect_uri") + "?code=the-code&state=" + value("state") + "\r\n");
    }
    if (req.method == "POST" && req.target == "/token") {
      return conn.respond_json({{"access_token", "the-token"}, {"token_type", "Bearer"}});
    }
    if (req.target != "/mcp") return conn.respond(404, "text/plain", "not found");
    if (req.header("authorization") != token) {
      std::string challenges = "WWW-Authenticate: Bearer resource_metadata=\"" + base + metadata_path + "\"\r\n";
      if (custom_metadata_path) challenges = "WWW-Authenticate: Basic realm=\"mcp\"\r\n" + challenges;
      return conn.respond(401, "application/json", R"({"error":"invalid_token"})", challenges);
    }
    if (req.method == "GET") return conn.respond(405, "text/plain", "no GET stream");
    if (req.method == "DELETE") return conn.respond(200, "text/plain", "");
    if (req.rpc_method() == "initialize") {
      return conn.respond_json(test::initialize_response(req.rpc_id()), "Mcp-Session-Id: s1\r\n");
    }
    if (req.rpc_id().is_null()) return conn.accepted();
    if (authorized) return authorized(req, conn);
    conn.respond_json(test::result_response(req.rpc_id(), {{"tools", json::array{}}}));
  }
};

client::http_options auth_options(const std::string& url) {
  client::oauth::auth_options auth;
  auth.authorize = client::oauth::headless_authorization_handler(5s);
  auth.http_timeout = 5s;
  return {.url = url, .auth = auth};
}

std::unique_ptr<client::client> make_client(client::http_options options) {
  return std::make_unique<client::client>(std::make_unique<client::http_transport>(std::move(options)),
                                          client::client_options{.request_timeout = 10s,
                                                                 .on_error = [](const client_error&) {}});
}

std::size_t count(const std::vector<http_request>& requests, const std::string& method, const std::string& prefix) {
  return static_cast<std::size_t>(std::count_if(requests.begin(), requests.end(), [&](const http_request& r) {
    return r.method == method && r.target.starts_with(prefix);
  }));
}

TEST(HttpOAuth, A401IsAuthorizedOnceAndEveryRequestCarriesTheToken) {
  test::scripted_http_server server(mcp_with_auth{});
  auto c = make_client(auth_options(server.url()));
  c->connect();
  c->list_tools();
  c->ping();
  std::this_thread::sleep_for(200ms);  // let the GET stream's request arrive
  c->close();
  auto requests = server.requests();
  EXPECT_EQ(count(requests, "GET", "/authorize"), 1u);
  EXPECT_EQ(count(requests, "POST", "/token"), 1u);
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.front().target, "/mcp");  // the first, unauthenticated, initialize
  EXPECT_EQ(requests.front().header("authorization"), "");
  bool seen_token = false;
  std::size_t get_streams = 0;
  for (const auto& r : requests) {
    if (r.target != "/mcp") continue;
    if (r.header("authorization") == token) seen_token = true;
    // After the token was issued, no request to the MCP endpoint goes without it.
    if (seen_token) {
      EXPECT_EQ(r.header("authorization"), token) << r.method << " " << r.rpc_method();
    }
    if (r.method == "GET") ++get_streams;
  }
  EXPECT_TRUE(seen_token);
  EXPECT_GE(get_streams, 1u);
}

TEST(HttpOAuth, TheBearerChallengeMayComeInASecondHeaderField) {
  test::scripted_http_server server(mcp_with_auth{.custom_metadata_path = true});
  auto c = make_client(auth_options(server.url()));
  c->connect();
  c->close();
  auto requests = server.requests();
  EXPECT_EQ(count(requests, "GET", "/custom/prm.json"), 1u);
  EXPECT_EQ(count(requests, "GET", "/.well-known/oauth-protected-resource"), 0u);
  EXPECT_EQ(count(requests, "POST", "/token"), 1u);
}

TEST(HttpOAuth, RepeatedInsufficientScopeIsGivenUpOn) {
  test::scripted_http_server server(mcp_with_auth{.authorized = [](const http_request&, http_connection& conn) {
    conn.respond(403, "application/json", R"({"error":"insufficient_scope"})",
                 "WWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"admin\"\r\n");
  }});
  auto c = make_client(auth_options(server.url()));
  c->connect();
  try {
    c->list_tools();
    FAIL() << "list_tools succeeded";
  } catch (const client_error& e) {
    EXPECT_EQ(e.kind(), error_kind::authorization_failed) << e.what();
    EXPECT_EQ(e.http_status(), 403);
  }
  // One authorization for initialize's 401, then max_authorization_attempts (3) for tools/list.
  EXPECT_EQ(count(server.requests(), "GET", "/authorize"), 4u);
  auto scopes = std::string();
  for (const auto& r : server.requests()) {
    if (r.method == "GET" && r.target.starts_with("/authorize")) scopes = r.target;
  }
  EXPECT_NE(scopes.find("scope=admin"), std::string::npos) << scopes;
}

TEST(HttpOAuth, MalformedMetadataFailsConnectClearly) {
  test::scripted_http_server server(mcp_with_auth{.prm_body = R"({"resource":"x"})"});
  auto c = make_client(auth_options(server.url()));
  auto started = std::chrono::steady_clock::now();
  try {
    c->connect();
    FAIL() << "connected";
  } catch (const client_error& e) {
    EXPECT_EQ(e.kind(), error_kind::authorization_failed) << e.what();
    EXPECT_NE(std::string(e.what()).find("authorization_servers"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(HttpOAuth, AFailingAuthorizationHandlerFailsConnect) {
  test::scripted_http_server server(mcp_with_auth{});
  auto options = auth_options(server.url());
  options.auth->authorize = [](const client::oauth::authorization_request&) -> std::string {
    throw std::runtime_error("the user closed the browser");
  };
  auto c = make_client(options);
  try {
    c->connect();
    FAIL() << "connected";
  } catch (const client_error& e) {
    EXPECT_EQ(e.kind(), error_kind::authorization_failed);
    EXPECT_NE(std::string(e.what()).find("the user closed the browser"), std::string::npos) << e.what();
  }
}

TEST(HttpOAuth, WithoutAuthOptionsA401IsAnHttpError) {
  test::scripted_http_server server(mcp_with_auth{});
  auto c = make_client({.url = server.url()});
  try {
    c->connect();
    FAIL() << "connected";
  } catch (const client_error& e) {
    EXPECT_EQ(e.kind(), error_kind::http_error);
    EXPECT_EQ(e.http_status(), 401);
  }
}

}  // namespace
}  // namespace lumen
