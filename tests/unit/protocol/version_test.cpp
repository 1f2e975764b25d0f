// MCP protocol revisions: which are supported, how initialize negotiates, where batches exist.
#include <lumen/protocol/version.hpp>

#include <gtest/gtest.h>

namespace lumen::protocol {
namespace {

TEST(ProtocolVersion, SupportsThreeRevisionsOldestFirstLatestLast) {
  EXPECT_EQ(supported_versions.front(), "2025-03-26");
  EXPECT_EQ(supported_versions.back(), latest_version);
  EXPECT_EQ(latest_version, "2025-11-25");
  for (auto v : supported_versions) EXPECT_TRUE(is_supported_version(v)) << v;
  EXPECT_FALSE(is_supported_version("2024-11-05"));
  EXPECT_FALSE(is_supported_version(""));
}

TEST(ProtocolVersion, NegotiationKeepsASupportedRequestAndOtherwiseAnswersLatest) {
  EXPECT_EQ(negotiate_version("2025-03-26"), "2025-03-26");
  EXPECT_EQ(negotiate_version("2025-06-18"), "2025-06-18");
  EXPECT_EQ(negotiate_version("2025-11-25"), "2025-11-25");
  EXPECT_EQ(negotiate_version("2024-11-05"), latest_version);
  EXPECT_EQ(negotiate_version("garbage"), latest_version);
  static_assert(negotiate_version("2025-06-18") == version_2025_06_18);
}

TEST(ProtocolVersion, OnlyRevision20250326AllowsBatches) {
  EXPECT_TRUE(allows_batches("2025-03-26"));
  EXPECT_FALSE(allows_batches("2025-06-18"));
  EXPECT_FALSE(allows_batches("2025-11-25"));
  EXPECT_FALSE(allows_batches(""));
}

}  // namespace
}  // namespace lumen::protocol
