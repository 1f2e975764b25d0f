// Base64 (RFC 4648): the standard alphabet with padding (MCP blobs, HTTP Basic credentials, list
// cursors) and the URL-safe alphabet without padding (PKCE, OAuth state).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lumen::core {

/// Standard base64 (RFC 4648 §4: '+' and '/', padded with '=').
std::string base64_encode(std::string_view bytes);
/// base64url (RFC 4648 §5: '-' and '_') without padding.
std::string base64url_encode(std::string_view bytes);
/// Decodes standard padded base64; nullopt when the text is not exactly that.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace lumen::core
