// PKCE (RFC 7636) with the S256 method, and the random values of an authorization request.
#pragma once

#include <string>
#include <string_view>

namespace lumen::client::oauth {

struct pkce_pair {
  std::string verifier;
  std::string challenge;  // base64url(SHA-256(verifier))
};

/// The S256 code challenge of a verifier.
std::string pkce_s256_challenge(std::string_view verifier);

/// A fresh verifier (43 characters from 32 random bytes) and its challenge.
pkce_pair make_pkce_pair();

/// `bytes` random bytes as base64url (for `state`).
std::string random_token(std::size_t bytes);

}  // namespace lumen::client::oauth
