// Every example server shares one command line: `--port 0` serves Streamable HTTP on a free port
// and prints `listening on http://HOST:PORT/PATH` as its first line; `--stdio` speaks MCP on
// stdin/stdout and prints nothing else there; a bad argument exits with 2. Tools rely on this.
#include "../../support/child_process.hpp"
#include "../http/http_test_client.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <string>

namespace lumen {
namespace {

using namespace std::chrono_literals;

const char* const example_servers[] = {"hello_stdio", "hello_http", "feature_tour", "conformance_server", "mounted_in_host"};

std::string program(const std::string& name) { return std::string(LUMEN_BINARY_DIR) + "/examples/" + name; }

const std::string initialize =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"it","version":"1"}}})";

class ExampleServer : public ::testing::TestWithParam<const char*> {};

TEST_P(ExampleServer, PortZeroPrintsTheListeningLineFirstAndServesMcp) {
  test::child_process p({program(GetParam()), "--host", "127.0.0.1", "--port", "0"});
  auto line = p.read_line(10s);
  ASSERT_TRUE(line.has_value());
  const std::string prefix = "listening on http://127.0.0.1:";
  ASSERT_TRUE(line->starts_with(prefix)) << *line;
  auto rest = line->substr(prefix.size());
  ASSERT_EQ(rest.substr(rest.find('/')), "/mcp");
  auto port = static_cast<std::uint16_t>(std::stoi(rest.substr(0, rest.find('/'))));
  EXPECT_NE(port, 0);

  test::http_test_client c(port);
  auto r = c.request("POST", "/mcp", {{"Accept", "application/json, text/event-stream"}, {"Content-Type", "application/json"}},
                     initialize);
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("result").at("protocolVersion"), "2025-11-25");
  EXPECT_TRUE(r.header("Mcp-Session-Id").has_value());
  c.close();

  ::kill(p.pid(), SIGTERM);
  EXPECT_EQ(p.wait(10s), 0) << "SIGTERM stops the server cleanly";
}

TEST_P(ExampleServer, StdioCarriesOnlyMcpOnStdout) {
  test::child_process p({program(GetParam()), "--stdio"});
  ASSERT_TRUE(p.write(initialize + "\n"));
  auto line = p.read_line(10s);
  ASSERT_TRUE(line.has_value());
  auto v = boost::json::parse(*line);
  EXPECT_EQ(v.at("id"), 1);
  EXPECT_EQ(v.at("result").at("protocolVersion"), "2025-11-25");
  ASSERT_TRUE(p.write(R"({"jsonrpc":"2.0","id":2,"method":"ping"})" "\n"));
  auto pong = p.read_line(10s);
  ASSERT_TRUE(pong.has_value());
  EXPECT_EQ(boost::json::parse(*pong).at("id"), 2);
  p.close_stdin();
  EXPECT_FALSE(p.read_line(10s).has_value()) << "nothing but MCP on stdout, then EOF";
  EXPECT_EQ(p.wait(10s), 0) << "end of input ends the server cleanly";
}

TEST_P(ExampleServer, BadArgumentExitsWithTwo) {
  test::child_process p({program(GetParam()), "--port", "not-a-number"});
  EXPECT_FALSE(p.read_line(10s).has_value()) << "no listening line";
  EXPECT_EQ(p.wait(10s), 2);
}

INSTANTIATE_TEST_SUITE_P(All, ExampleServer, ::testing::ValuesIn(example_servers),
                         [](const auto& test_info) { return std::string(test_info.param); });

}  // namespace
}  // namespace lumen
