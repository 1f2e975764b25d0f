// Token endpoint requests (OAuth 2.1 §3.2, client authentication §2.4) and responses (§3.2.3-4).
#include <lumen/client/errors.hpp>
#include <lumen/client/oauth/token.hpp>
#include <lumen/core/base64.hpp>
#include <lumen/json.hpp>

#include "error_response.hpp"

#include <cctype>

namespace lumen::client::oauth {

std::string form_encode_component(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '*') {
      out += ch;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

std::string form_encode(const form_fields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += form_encode_component(name);
    out += '=';
    out += form_encode_component(value);
  }
  return out;
}

token_request make_token_request(form_fields fields, const client_credentials& client) {
  token_request request;
  const auto& method = client.token_endpoint_auth_method;
  if (method == "client_secret_basic") {
    // RFC 6749 §2.3.1: both parts form-encoded before they are joined and base64-encoded.
    auto credentials = form_encode_component(client.client_id) + ":" + form_encode_component(client.client_secret);
    request.headers.emplace_back("Authorization", "Basic " + core::base64_encode(credentials));
  } else {
    fields.emplace_back("client_id", client.client_id);
    if (method == "client_secret_post") fields.emplace_back("client_secret", client.client_secret);
  }
  request.body = form_encode(fields);
  return request;
}

token_set parse_token_response(int status, std::string_view body) {
  const json::object document = detail::parse_oauth_response("the token request", "token response", status, body);
  token_set tokens;
  tokens.access_token = detail::required_oauth_string(document, "access_token", "token response");
  tokens.token_type = std::string(get_string(document, "token_type").value_or("Bearer"));
  std::string type_lower = tokens.token_type;
  for (auto& c : type_lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (type_lower != "bearer") {
    throw client_error(error_kind::authorization_failed,
                       "the token response has token_type \"" + tokens.token_type + "\" (only Bearer is supported)");
  }
  tokens.token_type = "Bearer";
  tokens.refresh_token = std::string(get_string(document, "refresh_token").value_or(""));
  tokens.scope = std::string(get_string(document, "scope").value_or(""));
  if (auto const* expires = document.if_contains("expires_in"); expires && expires->is_number()) {
    auto seconds = expires->to_number<double>();
    if (seconds > 0) {
      tokens.expires_at = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(seconds));
    }
  }
  return tokens;
}

}  // namespace lumen::client::oauth
