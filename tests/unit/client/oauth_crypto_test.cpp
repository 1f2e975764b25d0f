// SHA-256 (FIPS 180-2 appendix vectors and block-boundary lengths) and PKCE S256 (RFC 7636
// appendix B).
#include <lumen/client/oauth/pkce.hpp>
#include <lumen/client/oauth/sha256.hpp>
#include <lumen/core/hex.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace lumen::client::oauth {
namespace {

std::string hex_of(std::string_view data) { return core::hex_encode(sha256_of(data)); }

TEST(Sha256, EmptyString) {
  EXPECT_EQ(hex_of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, Abc) { EXPECT_EQ(hex_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); }

TEST(Sha256, TwoBlockMessage) {
  EXPECT_EQ(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, OneMillionA) {
  EXPECT_EQ(hex_of(std::string(1'000'000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// 55 bytes is the longest message whose padding fits its block; 56 and 64 need a second one.
TEST(Sha256, PaddingBoundaries) {
  EXPECT_EQ(hex_of(std::string(55, 'x')), "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
  EXPECT_EQ(hex_of(std::string(56, 'x')), "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
  EXPECT_EQ(hex_of(std::string(63, 'x')), "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2");
  EXPECT_EQ(hex_of(std::string(64, 'x')), "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
  EXPECT_EQ(hex_of(std::string(65, 'x')), "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9");
}

TEST(Sha256, IncrementalUpdatesEqualOneShot) {
  std::string message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  for (std::size_t split = 0; split <= message.size(); ++split) {
    sha256 hash;
    hash.update(std::string_view(message).substr(0, split));
    hash.update(std::string_view(message).substr(split));
    EXPECT_EQ(core::hex_encode(hash.finish()), hex_of(message)) << "split at " << split;
  }
}

TEST(Pkce, Rfc7636AppendixB) {
  EXPECT_EQ(pkce_s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(Pkce, FreshPairsAreValidAndDistinct) {
  std::set<std::string> verifiers;
  for (int i = 0; i < 20; ++i) {
    auto pair = make_pkce_pair();
    EXPECT_EQ(pair.verifier.size(), 43u);  // RFC 7636 §4.1: 43..128 unreserved characters
    EXPECT_EQ(pair.verifier.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"),
              std::string::npos);
    EXPECT_EQ(pair.challenge, pkce_s256_challenge(pair.verifier));
    verifiers.insert(pair.verifier);
  }
  EXPECT_EQ(verifiers.size(), 20u);
}

}  // namespace
}  // namespace lumen::client::oauth
