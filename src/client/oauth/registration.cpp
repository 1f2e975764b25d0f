// Token endpoint authentication method selection and Dynamic Client Registration (RFC 7591 §3).
#include <lumen/client/errors.hpp>
#include <lumen/client/oauth/registration.hpp>
#include <lumen/json.hpp>

#include "error_response.hpp"

#include <algorithm>

namespace lumen::client::oauth {

namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::string choose_token_endpoint_auth_method(const std::vector<std::string>& supported, bool has_secret) {
  // RFC 8414 §2: an absent list means client_secret_basic only.
  const std::vector<std::string> rfc_default{"client_secret_basic"};
  const auto& methods = supported.empty() ? rfc_default : supported;
  if (has_secret) {
    for (const char* m : {"client_secret_basic", "client_secret_post"}) {
      if (contains(methods, m)) return m;
    }
  }
  if (contains(methods, "none")) return "none";
  std::string list;
  for (const auto& m : methods) list += (list.empty() ? "" : ", ") + m;
  throw client_error(error_kind::authorization_failed,
                     std::string("the authorization server's token endpoint accepts none of the methods this ") +
                         (has_secret ? "confidential" : "public") + " client can use (it offers " + list + ")");
}

std::string registration_request_body(const auth_options& options, std::string_view token_endpoint_auth_method) {
  json::object body{{"client_name", options.client_name},
                    {"redirect_uris", json::array{json::value(options.redirect_uri)}},
                    {"grant_types", json::array{"authorization_code", "refresh_token"}},
                    {"response_types", json::array{"code"}},
                    {"token_endpoint_auth_method", token_endpoint_auth_method}};
  return json::serialize(body);
}

client_credentials parse_registration_response(int status, std::string_view body,
                                               std::string_view requested_auth_method) {
  const json::object document =
      detail::parse_oauth_response("dynamic client registration", "registration response", status, body);
  client_credentials client;
  client.client_id = detail::required_oauth_string(document, "client_id", "registration response");
  client.client_secret = std::string(get_string(document, "client_secret").value_or(""));
  // The server may register a different method than asked for (RFC 7591 §3.2.1); its word counts.
  client.token_endpoint_auth_method =
      std::string(get_string(document, "token_endpoint_auth_method").value_or(requested_auth_method));
  return client;
}

}  // namespace lumen::client::oauth
