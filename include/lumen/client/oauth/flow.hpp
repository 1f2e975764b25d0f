// The authorization flow behind http_options::auth: the transport asks for the Authorization
// header of each request and hands over every 401/403; the authorizer discovers, registers,
// authorizes and exchanges codes as needed (see lumen/client/oauth.hpp).
#pragma once

#include <lumen/client/oauth/http_fetch.hpp>
#include <lumen/client/oauth/types.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace lumen::client::oauth {

/// A handler for servers that approve without a user (tests, CI): GETs the authorization URL
/// without following redirects and returns the Location header it answers with.
authorization_handler headless_authorization_handler(http_fetcher fetch);
authorization_handler headless_authorization_handler(std::chrono::milliseconds timeout = std::chrono::seconds(10));

class authorizer {
 public:
  /// `fetch` performs the OAuth HTTP requests (default: make_http_fetcher with the options' limits).
  authorizer(auth_options options, std::string server_url, http_fetcher fetch = {});
  ~authorizer();
  authorizer(const authorizer&) = delete;
  authorizer& operator=(const authorizer&) = delete;

  /// "Bearer <token>", or empty before the first authorization.
  std::string authorization_header() const;
  /// Increases with every new token; lets a refused request tell whether it used the current one.
  std::uint64_t token_generation() const;

  /// The MCP server answered `status` (401 or 403) with header `www_authenticate` to a request
  /// sent with token generation `sent_with`. Returns true when the request should be retried with
  /// the (new) current token, false when this is not a challenge to act on (a 403 other than
  /// insufficient_scope). Throws client_error(authorization_failed) when authorization fails.
  bool handle_refusal(int status, std::string_view www_authenticate, std::uint64_t sent_with);

  const auth_options& options() const noexcept;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace lumen::client::oauth
