// The JSON-lines file exporter.
#include <lumen/exporter/file_exporter.hpp>
#include <lumen/exporter/otlp.hpp>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace lumen::exporter {

json_lines_file_exporter::json_lines_file_exporter(const std::string& path) : file_(std::fopen(path.c_str(), "a")) {
  if (!file_) throw std::runtime_error("cannot open span file \"" + path + "\": " + std::strerror(errno));
}

json_lines_file_exporter::~json_lines_file_exporter() {
  if (file_) std::fclose(file_);
}

sdk::export_result json_lines_file_exporter::export_spans(const std::vector<std::unique_ptr<sdk::span_data>>& batch) {
  if (batch.empty()) return sdk::export_result::success;
  std::string line = encode_otlp_json(batch);
  line.push_back('\n');
  std::lock_guard lock(mutex_);
  return std::fwrite(line.data(), 1, line.size(), file_) == line.size() ? sdk::export_result::success : sdk::export_result::failure;
}

bool json_lines_file_exporter::force_flush(std::chrono::milliseconds) {
  std::lock_guard lock(mutex_);
  return std::fflush(file_) == 0;
}

}  // namespace lumen::exporter
