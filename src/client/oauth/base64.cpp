// base64url (RFC 4648 §5): base64 with '-' and '_' for '+' and '/', without padding.
#include <lumen/client/oauth/base64.hpp>

#include <lumen/protocol/content.hpp>

namespace lumen::client::oauth {

std::string base64url_encode(std::string_view bytes) {
  std::string out = protocol::base64_encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (auto& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

}  // namespace lumen::client::oauth
