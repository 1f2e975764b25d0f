// lumen-cli end to end: JSON on stdout, non-zero exit and one line on stderr on failure.
#include <lumen/json.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

namespace lumen {
namespace {

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

}  // namespace
}  // namespace lumen
