// The token endpoint: form-encoded requests with the client's authentication, and responses.
#pragma once

#include <lumen/client/oauth/types.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lumen::client::oauth {

using form_fields = std::vector<std::pair<std::string, std::string>>;

/// application/x-www-form-urlencoded (spaces as '+').
std::string form_encode(const form_fields& fields);
std::string form_encode_component(std::string_view s);

struct token_request {
  std::string body;  // form-encoded
  /// Authorization: Basic for client_secret_basic.
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Adds the client's authentication (client_secret_basic / client_secret_post / none) to `fields`.
token_request make_token_request(form_fields fields, const client_credentials& client);

/// The tokens from a token response; throws client_error(authorization_failed) for an error
/// response (data() holds {error, error_description}) or a malformed one.
token_set parse_token_response(int status, std::string_view body);

}  // namespace lumen::client::oauth
