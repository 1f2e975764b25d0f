// Token endpoint requests (client authentication methods, form encoding), token responses,
// method selection and Dynamic Client Registration messages.
#include <lumen/client/errors.hpp>
#include <lumen/client/oauth/registration.hpp>
#include <lumen/client/oauth/token.hpp>
#include <lumen/core/base64.hpp>
#include <lumen/json.hpp>

#include <gtest/gtest.h>

namespace lumen::client::oauth {
namespace {

TEST(FormEncoding, ReservedCharactersAndSpaces) {
  EXPECT_EQ(form_encode({{"scope", "a b"}, {"redirect_uri", "http://h/cb?x=1&y"}}),
            "scope=a+b&redirect_uri=http%3A%2F%2Fh%2Fcb%3Fx%3D1%26y");
  EXPECT_EQ(form_encode_component("A-z_0.~"), "A-z_0.~");
  EXPECT_EQ(form_encode_component("\xc3\xa9"), "%C3%A9");
}

TEST(TokenRequest, ClientSecretBasic) {
  auto request = make_token_request({{"grant_type", "authorization_code"}},
                                    {.client_id = "id:1", .client_secret = "s p", .token_endpoint_auth_method = "client_secret_basic"});
  EXPECT_EQ(request.body, "grant_type=authorization_code");
  ASSERT_EQ(request.headers.size(), 1u);
  EXPECT_EQ(request.headers[0].first, "Authorization");
  // RFC 6749 §2.3.1: each part form-encoded, then "id:secret" in base64.
  EXPECT_EQ(request.headers[0].second, "Basic " + core::base64_encode("id%3A1:s+p"));
}

TEST(TokenRequest, ClientSecretPost) {
  auto request = make_token_request({{"grant_type", "refresh_token"}},
                                    {.client_id = "c", .client_secret = "s", .token_endpoint_auth_method = "client_secret_post"});
  EXPECT_EQ(request.body, "grant_type=refresh_token&client_id=c&client_secret=s");
  EXPECT_TRUE(request.headers.empty());
}

TEST(TokenRequest, PublicClient) {
  auto request = make_token_request({{"code", "x"}}, {.client_id = "c", .client_secret = "ignored", .token_endpoint_auth_method = "none"});
  EXPECT_EQ(request.body, "code=x&client_id=c");
  EXPECT_TRUE(request.headers.empty());
}

TEST(TokenResponse, Parses) {
  auto tokens = parse_token_response(
      200, R"({"access_token":"at","token_type":"bearer","expires_in":3600,"refresh_token":"rt","scope":"a b"})");
  EXPECT_EQ(tokens.access_token, "at");
  EXPECT_EQ(tokens.token_type, "Bearer");
  EXPECT_EQ(tokens.refresh_token, "rt");
  EXPECT_EQ(tokens.scope, "a b");
  ASSERT_TRUE(tokens.expires_at);
  EXPECT_GT(*tokens.expires_at, std::chrono::steady_clock::now() + std::chrono::seconds(3500));
}

TEST(TokenResponse, ErrorResponseCarriesTheOAuthError) {
  try {
    parse_token_response(400, R"({"error":"invalid_grant","error_description":"code expired"})");
    FAIL() << "accepted an error response";
  } catch (const client_error& e) {
    EXPECT_EQ(e.kind(), error_kind::authorization_failed);
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_NE(std::string(e.what()).find("invalid_grant"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("code expired"), std::string::npos);
    ASSERT_TRUE(e.data());
    EXPECT_EQ(e.data()->as_object().at("error").as_string(), "invalid_grant");
  }
}

TEST(TokenResponse, MalformedResponsesAreClearErrors) {
  for (const char* bad : {"", "<html>", "[]", R"({"token_type":"Bearer"})", R"({"access_token":""})",
                          R"({"access_token":"x","token_type":"mac"})"}) {
    EXPECT_THROW(parse_token_response(200, bad), client_error) << bad;
  }
  EXPECT_THROW(parse_token_response(500, "<html>oops</html>"), client_error);
}

TEST(AuthMethod, ChosenFromTheServersList) {
  EXPECT_EQ(choose_token_endpoint_auth_method({"client_secret_post", "client_secret_basic"}, true), "client_secret_basic");
  EXPECT_EQ(choose_token_endpoint_auth_method({"client_secret_post", "none"}, true), "client_secret_post");
  EXPECT_EQ(choose_token_endpoint_auth_method({"none"}, true), "none");
  EXPECT_EQ(choose_token_endpoint_auth_method({"client_secret_basic", "none"}, false), "none");
  // RFC 8414: no list means client_secret_basic.
  EXPECT_EQ(choose_token_endpoint_auth_method({}, true), "client_secret_basic");
  EXPECT_THROW(choose_token_endpoint_auth_method({}, false), client_error);
  EXPECT_THROW(choose_token_endpoint_auth_method({"private_key_jwt"}, true), client_error);
}

TEST(Registration, RequestBody) {
  auth_options options;
  options.client_name = "my client";
  options.redirect_uri = "http://localhost:1/cb";
  auto body = json::parse(registration_request_body(options, "client_secret_post")).as_object();
  EXPECT_EQ(body.at("client_name").as_string(), "my client");
  EXPECT_EQ(body.at("redirect_uris").as_array().at(0).as_string(), "http://localhost:1/cb");
  EXPECT_EQ(body.at("token_endpoint_auth_method").as_string(), "client_secret_post");
  EXPECT_EQ(body.at("grant_types").as_array().at(0).as_string(), "authorization_code");
}

TEST(Registration, ResponseWithAndWithoutMethod) {
  auto registered = parse_registration_response(201, R"({"client_id":"c1","client_secret":"s1"})", "client_secret_basic");
  EXPECT_EQ(registered.client_id, "c1");
  EXPECT_EQ(registered.client_secret, "s1");
  EXPECT_EQ(registered.token_endpoint_auth_method, "client_secret_basic");
  auto changed = parse_registration_response(201, R"({"client_id":"c2","token_endpoint_auth_method":"none"})",
                                             "client_secret_basic");
  EXPECT_EQ(changed.token_endpoint_auth_method, "none");
}

TEST(Registration, ErrorsAreClear) {
  EXPECT_THROW(parse_registration_response(201, R"({"client_secret":"s"})", "none"), client_error);
  EXPECT_THROW(parse_registration_response(201, "nope", "none"), client_error);
  try {
    parse_registration_response(400, R"({"error":"invalid_redirect_uri"})", "none");
    FAIL();
  } catch (const client_error& e) {
    EXPECT_NE(std::string(e.what()).find("invalid_redirect_uri"), std::string::npos);
    EXPECT_EQ(e.http_status(), 400);
  }
}

}  // namespace
}  // namespace lumen::client::oauth
