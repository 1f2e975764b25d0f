// Client registration: the token endpoint authentication method, and Dynamic Client Registration
// (RFC 7591) requests and responses.
#pragma once

#include <lumen/client/oauth/types.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace lumen::client::oauth {

/// The method to authenticate at the token endpoint, from what the authorization server supports
/// (RFC 8414's default when it says nothing: client_secret_basic). A client with a secret prefers
/// client_secret_basic, then client_secret_post; a public client uses "none". Throws
/// client_error(authorization_failed) when no supported method fits.
std::string choose_token_endpoint_auth_method(const std::vector<std::string>& supported, bool has_secret);

/// The JSON body of a registration request.
std::string registration_request_body(const auth_options& options, std::string_view token_endpoint_auth_method);

/// The registered client from a registration response (HTTP `status`, JSON `body`); throws
/// client_error(authorization_failed) for an error status or a response without client_id.
client_credentials parse_registration_response(int status, std::string_view body,
                                               std::string_view requested_auth_method);

}  // namespace lumen::client::oauth
