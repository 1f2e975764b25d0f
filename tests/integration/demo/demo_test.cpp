// `lumen demo` as a user runs it: a port that is taken gets a clear message and exit code 1;
// with --no-client it serves MCP and the trace viewer (on in the demo) until SIGINT.
#include "../../support/child_process.hpp"
#include "../http/http_test_client.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <string>

namespace lumen {
namespace {

using namespace std::chrono_literals;

const std::string lumen_app = std::string(LUMEN_BINARY_DIR) + "/apps/lumen";

TEST(Demo, PortInUseGetsAClearMessageAndExitCodeOne) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor taken(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = std::to_string(taken.local_endpoint().port());
  test::child_process p({"/bin/sh", "-c", "exec \"$0\" demo --port \"$1\" --no-client 2>&1", lumen_app, port});
  std::string output;
  while (auto line = p.read_line(20s)) output += *line + "\n";
  EXPECT_NE(output.find("the port is in use; pick another with --port"), std::string::npos) << output;
  EXPECT_NE(output.find(port), std::string::npos) << output;
  EXPECT_EQ(p.wait(10s), 1);
}

TEST(Demo, ServesMcpAndTheViewerUntilSigint) {
  test::child_process p({lumen_app, "demo", "--port", "0", "--no-client"}, {"LUMEN_TRACE_VIEWER=off"});
  auto line = p.read_line(20s);
  ASSERT_TRUE(line && line->starts_with("listening on http://127.0.0.1:")) << line.value_or("(none)");
  auto rest = line->substr(std::string("listening on http://127.0.0.1:").size());
  auto port = static_cast<std::uint16_t>(std::stoi(rest.substr(0, rest.find('/'))));
  std::string viewer_line;
  while (auto l = p.read_line(20s)) {
    if (l->starts_with("trace viewer: ")) viewer_line = *l;
    if (l->starts_with("demo ready")) break;
  }
  EXPECT_EQ(viewer_line, "trace viewer: http://127.0.0.1:" + std::to_string(port) + "/_lumen/traces/");
  test::http_test_client c(port);
  auto page = c.request("GET", "/_lumen/traces/", {});
  EXPECT_EQ(page.status, 200u) << "the demo turns the viewer on even where it would be off";
  EXPECT_NE(page.body.find("<html"), std::string::npos);
  c.close();
  ::kill(p.pid(), SIGINT);
  EXPECT_EQ(p.wait(10s), 0);
}

}  // namespace
}  // namespace lumen
