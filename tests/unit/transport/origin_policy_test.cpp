// DNS-rebinding protection: Host and Origin allow-lists.
#include <lumen/transport/origin_policy.hpp>

#include <gtest/gtest.h>

using namespace lumen::transport;

TEST(OriginPolicy, LoopbackAcceptsLocalHostsWithAndWithoutPort) {
  auto p = origin_policy::loopback(8080);
  for (const char* host : {"localhost", "localhost:8080", "127.0.0.1:8080", "[::1]:8080", "LOCALHOST:8080"}) {
    EXPECT_FALSE(p.check(host, std::nullopt)) << host;
  }
  EXPECT_FALSE(p.check("127.0.0.1:8080", "http://localhost:8080"));
  EXPECT_FALSE(p.check("127.0.0.1:8080", "https://127.0.0.1"));
}

TEST(OriginPolicy, LoopbackRejectsForeignHostOrOrigin) {
  auto p = origin_policy::loopback(8080);
  auto denied = p.check("evil.example:8080", std::nullopt);
  ASSERT_TRUE(denied);
  EXPECT_NE(denied->find("evil.example"), std::string::npos);
  EXPECT_TRUE(p.check("127.0.0.1:8080", "http://evil.example"));
  EXPECT_TRUE(p.check("localhost:9999", std::nullopt));
  EXPECT_TRUE(p.check(std::nullopt, std::nullopt));  // HTTP/1.1 requires Host
}

TEST(OriginPolicy, DisabledOrEmptyListsAcceptEverything) {
  origin_policy open;
  EXPECT_FALSE(open.check("anything", "http://anywhere"));
  auto off = origin_policy::loopback(1);
  off.enabled = false;
  EXPECT_FALSE(off.check("evil.example", "http://evil.example"));
}

TEST(OriginPolicy, LoopbackHostNames) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.1.2.3"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("[::1]"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
}
