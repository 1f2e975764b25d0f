// lumen-cli end to end, over --stdio and --url (a real feature_tour process on a real socket):
// JSON on stdout, non-zero exit and one line on stderr on failure.
#include "../../support/child_process.hpp"
#include "scripted_http_server.hpp"

#include <lumen/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

namespace lumen {
namespace {

using namespace std::chrono_literals;

const std::string cli = std::string(LUMEN_BINARY_DIR) + "/examples/lumen-cli";
const std::string feature_tour = std::string(LUMEN_BINARY_DIR) + "/examples/feature_tour";
const std::string stderr_file = "/tmp/lumen-cli-test-stderr-" + std::to_string(::getpid());

struct run_result {
  int status;
  std::string out;
};

run_result run(const std::string& args) {
  std::string command = cli + " " + args + " 2>" + stderr_file;
  FILE* p = ::popen(command.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (auto n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string last_stderr() {
  FILE* f = std::fopen(stderr_file.c_str(), "r");
  std::string text;
  std::array<char, 4096> buf;
  while (auto n = std::fread(buf.data(), 1, buf.size(), f)) text.append(buf.data(), n);
  std::fclose(f);
  return text;
}

class LumenCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(cli) && std::filesystem::exists(feature_tour))
        << "build lumen-cli and feature_tour first";
  }
  std::string stdio() const { return "--stdio '" + feature_tour + "'"; }
};

TEST_F(LumenCli, ToolsAndCallPrintJson) {
  auto tools = run(stdio() + " tools");
  ASSERT_EQ(tools.status, 0);
  EXPECT_GE(json::parse(tools.out).as_array().size(), 10u);
  auto call = run(stdio() + " call echo '{\"message\":\"hey\"}'");
  ASSERT_EQ(call.status, 0);
  EXPECT_EQ(json::parse(call.out).at("content").at(0).at("text").as_string(), "hey");
}

TEST_F(LumenCli, ResourcesReadPromptsGet) {
  EXPECT_EQ(run(stdio() + " resources").status, 0);
  auto read = run(stdio() + " read lumen://notes/beta");
  ASSERT_EQ(read.status, 0);
  EXPECT_EQ(json::parse(read.out).at("contents").at(0).at("text").as_string(), "Second note.");
  EXPECT_EQ(run(stdio() + " prompts").status, 0);
  auto get = run(stdio() + " get code_review '{\"code\":\"x = 1\",\"language\":\"python\"}'");
  ASSERT_EQ(get.status, 0);
  EXPECT_NE(get.out.find("python"), std::string::npos);
}

TEST_F(LumenCli, FailuresExitNonZeroWithOneLine) {
  auto missing = run(stdio() + " read lumen://notes/none");
  EXPECT_EQ(missing.status, 1);
  auto err = last_stderr();
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_NE(err.find("-32002"), std::string::npos) << err;

  EXPECT_EQ(run(stdio() + " call fail").status, 1);
  EXPECT_EQ(run("--url http://127.0.0.1:1/mcp tools").status, 1);
  EXPECT_EQ(run(stdio() + " bogus").status, 2);
}

bool has_member(const json::value& items, std::string_view key, std::string_view value) {
  for (const auto& item : items.as_array()) {
    if (item.as_object().at(key).as_string() == value) return true;
  }
  return false;
}

// feature_tour over Streamable HTTP, started afresh for each test.
class LumenCliOverHttp : public LumenCli {
 protected:
  void SetUp() override {
    LumenCli::SetUp();
    server_ = std::make_unique<test::child_process>(std::vector<std::string>{feature_tour, "--port", "0"});
    auto line = server_->read_line(20s);
    ASSERT_TRUE(line && line->starts_with("listening on ")) << line.value_or("(no line)");
    url_ = line->substr(std::string("listening on ").size());
  }
  void TearDown() override {
    if (server_) {
      ::kill(server_->pid(), SIGTERM);
      EXPECT_EQ(server_->wait(20s), 0);
    }
  }
  std::string http() const { return "--url " + url_; }

  std::unique_ptr<test::child_process> server_;
  std::string url_;
};

TEST_F(LumenCliOverHttp, ToolsAndCallPrintJson) {
  auto tools = run(http() + " tools");
  ASSERT_EQ(tools.status, 0) << last_stderr();
  auto list = json::parse(tools.out);
  EXPECT_TRUE(has_member(list, "name", "echo")) << tools.out;
  EXPECT_TRUE(has_member(list, "name", "add")) << tools.out;

  auto call = run(http() + " call add '{\"a\":2,\"b\":3.5}'");
  ASSERT_EQ(call.status, 0) << last_stderr();
  auto result = json::parse(call.out);
  EXPECT_EQ(result.at("structuredContent").at("sum").to_number<double>(), 5.5) << call.out;
  EXPECT_FALSE(result.as_object().contains("isError") && result.at("isError").as_bool()) << call.out;
}

TEST_F(LumenCliOverHttp, ResourcesReadPromptsGet) {
  auto resources = run(http() + " resources");
  ASSERT_EQ(resources.status, 0) << last_stderr();
  EXPECT_TRUE(has_member(json::parse(resources.out), "uri", "lumen://readme")) << resources.out;

  auto read = run(http() + " read lumen://notes/gamma");
  ASSERT_EQ(read.status, 0) << last_stderr();
  auto contents = json::parse(read.out).at("contents");
  EXPECT_EQ(contents.at(0).at("uri").as_string(), "lumen://notes/gamma");
  EXPECT_EQ(contents.at(0).at("text").as_string(), "Third note.");

  auto prompts = run(http() + " prompts");
  ASSERT_EQ(prompts.status, 0) << last_stderr();
  EXPECT_TRUE(has_member(json::parse(prompts.out), "name", "code_review")) << prompts.out;

  auto get = run(http() + " get code_review '{\"code\":\"fn main() {}\",\"language\":\"rust\"}'");
  ASSERT_EQ(get.status, 0) << last_stderr();
  std::string text(json::parse(get.out).at("messages").at(0).at("content").at("text").as_string());
  EXPECT_EQ(text, "Please review this rust code:\nfn main() {}");
}

TEST_F(LumenCliOverHttp, UnknownToolExitsNonZeroWithOneLine) {
  auto unknown = run(http() + " call no_such_tool '{}'");
  EXPECT_EQ(unknown.status, 1);
  EXPECT_TRUE(unknown.out.empty()) << unknown.out;
  auto err = last_stderr();
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_TRUE(err.starts_with("lumen-cli: ")) << err;
  EXPECT_NE(err.find("no_such_tool"), std::string::npos) << err;

  // A tool that reports isError prints its result and still exits non-zero.
  auto failed = run(http() + " call fail");
  EXPECT_EQ(failed.status, 1);
  EXPECT_TRUE(json::parse(failed.out).at("isError").as_bool()) << failed.out;
}

TEST(LumenCliHeaders, HeaderOptionsReachEveryHttpRequest) {
  test::scripted_http_server server([](const test::http_request& req, test::http_connection& conn) {
    if (req.method != "POST") return conn.respond(405, "text/plain", "");
    if (req.rpc_method() == "initialize") {
      return conn.respond_json(test::initialize_response(req.rpc_id()), "Mcp-Session-Id: s1\r\n");
    }
    if (req.rpc_id().is_null()) return conn.accepted();
    conn.respond_json(test::result_response(req.rpc_id(), {{"tools", json::array{}}}));
  });
  auto listed = run("--url " + server.url() + " --header 'Authorization: Bearer t0ken' --header 'X-Team: core' tools");
  ASSERT_EQ(listed.status, 0) << last_stderr();
  EXPECT_TRUE(json::parse(listed.out).as_array().empty());
  auto requests = server.requests();
  ASSERT_GE(requests.size(), 3u);  // initialize, notifications/initialized, tools/list
  for (const auto& r : requests) {
    EXPECT_EQ(r.header("authorization"), "Bearer t0ken") << r.method << " " << r.body;
    EXPECT_EQ(r.header("x-team"), "core") << r.method << " " << r.body;
  }
}

}  // namespace
}  // namespace lumen
