// The WWW-Authenticate response header (RFC 9110 §11.6.1): one or more challenges, each a scheme
// with a token68 or comma-separated auth-params (token or quoted-string values); and the Bearer
// challenge's parameters MCP uses (RFC 6750 §3, RFC 9728 §5.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lumen::client::oauth {

struct auth_challenge {
  std::string scheme;  // as sent; compare case-insensitively
  std::string token68;
  /// Parameter names lowercased, values unquoted.
  std::vector<std::pair<std::string, std::string>> params;

  /// The value of parameter `name` (lowercase), if present.
  std::optional<std::string> param(std::string_view name) const;
};

/// All challenges of a header value; std::nullopt when the value is malformed (an unterminated
/// quoted string, a parameter without a name, stray characters).
std::optional<std::vector<auth_challenge>> parse_www_authenticate(std::string_view header);

struct bearer_challenge {
  std::string resource_metadata;  // the Protected Resource Metadata URL
  std::string scope;              // space-separated
  std::string error;              // e.g. "invalid_token", "insufficient_scope"
  std::string error_description;
};

/// The Bearer challenge of a header value; std::nullopt when there is none or the value is malformed.
std::optional<bearer_challenge> find_bearer_challenge(std::string_view header);

}  // namespace lumen::client::oauth
