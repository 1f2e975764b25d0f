// base64url without padding (RFC 4648 §5; for PKCE and random state values). Padded base64 is
// protocol::base64_encode.
#pragma once

#include <string>
#include <string_view>

namespace lumen::client::oauth {

std::string base64url_encode(std::string_view bytes);

}  // namespace lumen::client::oauth
