// PKCE S256 (RFC 7636 §4.1-4.2) and random tokens from the system's random device.
#include <lumen/client/oauth/pkce.hpp>
#include <lumen/client/oauth/sha256.hpp>
#include <lumen/core/base64.hpp>

#include <lumen/core/secure_random.hpp>

namespace lumen::client::oauth {

std::string pkce_s256_challenge(std::string_view verifier) {
  auto digest = sha256_of(verifier);
  return core::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string random_token(std::size_t bytes) {
  return core::base64url_encode(core::secure_random_bytes(bytes));
}

pkce_pair make_pkce_pair() {
  // 32 bytes give the 43-character verifier RFC 7636 §4.1 recommends.
  pkce_pair pair;
  pair.verifier = random_token(32);
  pair.challenge = pkce_s256_challenge(pair.verifier);
  return pair;
}

}  // namespace lumen::client::oauth
