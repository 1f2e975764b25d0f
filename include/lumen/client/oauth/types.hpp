// The OAuth client's options and value types (see lumen/client/oauth.hpp for the overview).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace lumen::client::oauth {

/// A client registered with the authorization server (beforehand, or by Dynamic Client Registration).
struct client_credentials {
  std::string client_id;
  /// Empty for a public client.
  std::string client_secret;
  /// "client_secret_basic", "client_secret_post" or "none"; empty: chosen from the authorization
  /// server's token_endpoint_auth_methods_supported.
  std::string token_endpoint_auth_method;
};

/// What the application's authorization handler is asked to do: send the user to `url`.
struct authorization_request {
  std::string url;
  /// Where the authorization server will redirect the user agent (auth_options::redirect_uri).
  std::string redirect_uri;
  /// The `state` the redirect must carry back (the transport checks it).
  std::string state;
};

/// Returns the URL the authorization server redirected to (carrying `code` and `state`), or the
/// bare authorization code. Throw to abort. Runs on the transport's I/O thread: the transport does
/// nothing else meanwhile (its requests are waiting for this authorization anyway).
using authorization_handler = std::function<std::string(const authorization_request&)>;

/// Tokens from the token endpoint.
struct token_set {
  std::string access_token;
  std::string token_type;  // "Bearer"
  std::string refresh_token;
  /// The scope the authorization server granted (space-separated), when it said.
  std::string scope;
  std::optional<std::chrono::steady_clock::time_point> expires_at;
};

struct auth_options {
  /// The user-interaction step. Required unless every authorization is a token refresh.
  authorization_handler authorize;
  /// The redirect URI registered for this client (a localhost listener or an app scheme).
  std::string redirect_uri = "http://localhost:8765/callback";
  /// client_name for Dynamic Client Registration.
  std::string client_name = "lumen-client";
  /// Pre-registered credentials; when set they are used instead of any registration.
  std::optional<client_credentials> client;
  /// The HTTPS URL of this client's Client ID Metadata Document; used as client_id when the
  /// authorization server advertises client_id_metadata_document_supported.
  std::string client_metadata_url;
  /// Authorizations tried for one request (the first 401 plus step-ups) before it fails, so a
  /// server that keeps answering 403 cannot loop the client.
  int max_authorization_attempts = 3;
  /// Time limit for each metadata, registration and token request.
  std::chrono::milliseconds http_timeout = std::chrono::seconds(10);
  /// Largest metadata / token response accepted.
  std::size_t max_response_bytes = 1024 * 1024;
  /// Called with every new token set (e.g. to persist the refresh token).
  std::function<void(const token_set&)> on_tokens;
};

}  // namespace lumen::client::oauth
