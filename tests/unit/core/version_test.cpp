// The generated version header: the string and the numbers agree, and come from the project's VERSION.
#include <lumen/version.hpp>

#include <gtest/gtest.h>

#include <string>

TEST(Version, StringIsMajorDotMinorDotPatch) {
  const std::string expected = std::to_string(LUMEN_VERSION_MAJOR) + "." + std::to_string(LUMEN_VERSION_MINOR) +
                               "." + std::to_string(LUMEN_VERSION_PATCH);
  EXPECT_EQ(lumen::version, expected);
  EXPECT_EQ(lumen::version, LUMEN_VERSION_STRING);
}

TEST(Version, IsUsableAtCompileTime) {
  static_assert(!lumen::version.empty());
  static_assert(lumen::version.find('.') != std::string_view::npos);
}
