// An exporter that appends spans to a file as OTLP/JSON lines (one ExportTraceServiceRequest a
// line), for offline inspection and tests.
#pragma once

#include <lumen/sdk/span_processor.hpp>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lumen::exporter {

/// Appends each batch as one line of OTLP/JSON (an ExportTraceServiceRequest) to a file.
class json_lines_file_exporter : public sdk::span_exporter {
 public:
  /// Opens (creating or appending) `path`; throws std::runtime_error when it cannot.
  explicit json_lines_file_exporter(const std::string& path);
  ~json_lines_file_exporter() override;
  sdk::export_result export_spans(const std::vector<std::unique_ptr<sdk::span_data>>& batch) override;
  bool force_flush(std::chrono::milliseconds timeout) override;

 private:
  std::mutex mutex_;
  std::FILE* file_;
};

}  // namespace lumen::exporter
