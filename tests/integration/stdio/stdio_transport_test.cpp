// The stdio transport with a real process and real pipes: bad input never stops the server,
// stdout carries only MCP, end of input lets running handlers finish.
#include <lumen/json.hpp>

#include "../../support/child_process.hpp"

#include <gtest/gtest.h>

namespace lumen {
namespace {

using test::child_process;
using namespace std::chrono_literals;

const std::string feature_tour = std::string(LUMEN_BINARY_DIR) + "/examples/feature_tour";

std::string line(const json::value& v) { return json::serialize(v) + "\n"; }

json::value read_message(child_process& p) {
  auto l = p.read_line();
  if (!l) throw std::runtime_error("no message from the server");
  return json::parse(*l);  // throws when stdout carries anything but JSON
}

void initialize(child_process& p) {
  p.write(line({{"jsonrpc", "2.0"}, {"id", 0}, {"method", "initialize"},
                {"params", {{"protocolVersion", "2025-11-25"}, {"capabilities", json::object{}},
                            {"clientInfo", {{"name", "t"}, {"version", "1"}}}}}}));
  ASSERT_EQ(read_message(p).at("id").as_int64(), 0);
  p.write(line({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}));
}

TEST(StdioTransport, GarbageLinesGetErrorsAndTheServerKeepsServing) {
  child_process p({feature_tour});
  initialize(p);
  p.write("this is not json\n");
  EXPECT_EQ(read_message(p).at("error").at("code").as_int64(), -32700);
  p.write("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pi\n");  // truncated
  EXPECT_EQ(read_message(p).at("error").at("code").as_int64(), -32700);
  p.write("\xff\xfe{}\n");  // invalid UTF-8
  EXPECT_EQ(read_message(p).at("error").at("code").as_int64(), -32700);
  p.write("\n   \n");  // blank lines are ignored
  p.write(line({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "ping"}}));
  auto pong = read_message(p);
  EXPECT_EQ(pong.at("id").as_int64(), 2);
  EXPECT_TRUE(pong.at("result").as_object().empty());
}

TEST(StdioTransport, CrLfLineEndingsAreAccepted) {
  child_process p({feature_tour});
  initialize(p);
  p.write(json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", 3}, {"method", "ping"}}) + "\r\n");
  EXPECT_EQ(read_message(p).at("id").as_int64(), 3);
}

TEST(StdioTransport, OverLongLineIsRejectedAndTheNextLineServed) {
  child_process p({feature_tour});
  initialize(p);
  std::string huge = R"({"jsonrpc":"2.0","id":4,"method":"ping","params":{"pad":")" +
                     std::string(17 * 1024 * 1024, 'x') + "\"}}\n";
  ASSERT_TRUE(p.write(huge));
  auto e = read_message(p);
  EXPECT_EQ(e.at("error").at("code").as_int64(), -32600);
  EXPECT_NE(std::string(e.at("error").at("message").as_string()).find("exceeds"), std::string::npos);
  p.write(line({{"jsonrpc", "2.0"}, {"id", 5}, {"method", "ping"}}));
  EXPECT_EQ(read_message(p).at("id").as_int64(), 5);
}

TEST(StdioTransport, EndOfInputLetsRunningHandlersFinish) {
  child_process p({feature_tour});
  initialize(p);
  p.write(line({{"jsonrpc", "2.0"}, {"id", 6}, {"method", "tools/call"},
                {"params", {{"name", "slow"}, {"arguments", {{"steps", 3}, {"step_ms", 50}}}}}}));
  p.close_stdin();
  auto r = read_message(p);
  EXPECT_EQ(r.at("id").as_int64(), 6);
  EXPECT_EQ(r.at("result").at("content").at(0).at("text").as_string(), "finished 3 steps");
  EXPECT_EQ(p.wait(), 0);
}

TEST(StdioTransport, ClosedStdoutEndsTheServerCleanly) {
  child_process p({feature_tour});
  initialize(p);
  // The reader goes away while stdin stays open; the server's next write fails with EPIPE and it
  // must exit on its own, not crash (SIGPIPE) and not wait for more input.
  p.close_stdout();
  p.write(line({{"jsonrpc", "2.0"}, {"id", 7}, {"method", "ping"}}));
  EXPECT_EQ(p.wait(5s), 0);
}

TEST(StdioTransport, EndOfInputWithoutInitializeExitsCleanly) {
  child_process p({feature_tour});
  p.close_stdin();
  EXPECT_EQ(p.wait(), 0);
}

TEST(StdioTransport, RequestsBeforeInitializeGetAnError) {
  child_process p({feature_tour});
  p.write(line({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}}));
  auto e = read_message(p);
  EXPECT_EQ(e.at("error").at("code").as_int64(), -32600);
  EXPECT_EQ(e.at("id").as_int64(), 1);
}

}  // namespace
}  // namespace lumen
