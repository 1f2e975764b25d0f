// Base64 (RFC 4648 §4, padded; for HTTP Basic credentials) and base64url without padding
// (RFC 4648 §5; for PKCE and random state values).
#pragma once

#include <string>
#include <string_view>

namespace lumen::client::oauth {

std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);

}  // namespace lumen::client::oauth
