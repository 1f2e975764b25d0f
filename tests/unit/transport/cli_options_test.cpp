// The example servers' command line.
#include <lumen/transport/cli_options.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace lumen::transport;

namespace {

serve_options parse(std::vector<std::string> args, serve_options defaults = {}) {
  args.insert(args.begin(), "prog");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_serve_options(static_cast<int>(argv.size()), argv.data(), defaults);
}

}  // namespace

TEST(CliOptions, ParsesHttpOptions) {
  auto o = parse({"--host", "0.0.0.0", "--port", "0", "--path", "/x", "--stateless", "--threads=4"});
  EXPECT_FALSE(o.stdio);
  EXPECT_EQ(o.host, "0.0.0.0");
  EXPECT_EQ(o.port, 0);
  EXPECT_EQ(o.path, "/x");
  EXPECT_TRUE(o.stateless);
  EXPECT_EQ(o.threads, 4u);
  EXPECT_EQ(parse({"--port=8080"}).port, 8080);
}

TEST(CliOptions, StdioWinsAndDefaultsDecideWhenNothingIsGiven) {
  EXPECT_TRUE(parse({"--stdio"}).stdio);
  EXPECT_TRUE(parse({"--port", "1", "--stdio"}).stdio);
  EXPECT_TRUE(parse({}, {.stdio = true}).stdio);
  EXPECT_FALSE(parse({"--port", "1"}, {.stdio = true}).stdio);
}

TEST(CliOptions, RejectsBadArguments) {
  EXPECT_THROW(parse({"--port", "65536"}), std::invalid_argument);
  EXPECT_THROW(parse({"--port", "-1"}), std::invalid_argument);
  EXPECT_THROW(parse({"--port", "12x"}), std::invalid_argument);
  EXPECT_THROW(parse({"--port"}), std::invalid_argument);
  EXPECT_THROW(parse({"--path", "mcp"}), std::invalid_argument);
  EXPECT_THROW(parse({"--bogus"}), std::invalid_argument);
  EXPECT_THROW(parse({"--stdio=yes"}), std::invalid_argument);
}
