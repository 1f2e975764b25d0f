// The JSON-lines file exporter.
#include <lumen/exporter/file_exporter.hpp>
#include <lumen/json.hpp>
#include "../../support/recording_provider.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

namespace lumen::exporter {
namespace {
using namespace lumen::trace;
using sdk::span_data;
using test::fixture;

TEST(FileExporter, WritesOneOtlpJsonLinePerBatch) {
  std::string path = ::testing::TempDir() + "/lumen-spans.jsonl";
  std::remove(path.c_str());
  auto file = std::make_shared<json_lines_file_exporter>(path);
  fixture f;
  f.provider->add_processor(std::make_shared<sdk::simple_span_processor>(file));
  f.t->start_span("one").end();
  f.t->start_span("two").end();
  file->force_flush(std::chrono::seconds(1));
  std::FILE* in = std::fopen(path.c_str(), "r");
  ASSERT_NE(in, nullptr);
  char buf[8192];
  std::vector<std::string> names;
  while (std::fgets(buf, sizeof buf, in)) {
    auto v = boost::json::parse(buf);
    names.emplace_back(v.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0).at("name").as_string());
  }
  std::fclose(in);
  EXPECT_EQ(names, (std::vector<std::string>{"one", "two"}));
  EXPECT_THROW(json_lines_file_exporter("/nonexistent-dir/x.jsonl"), std::runtime_error);
}

}  // namespace
}  // namespace lumen::exporter
