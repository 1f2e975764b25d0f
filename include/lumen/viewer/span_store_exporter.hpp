// A span exporter that feeds the in-process span store (the trace viewer's data).
#pragma once

#include <lumen/trace/exporter.hpp>
#include <lumen/viewer/span_store.hpp>

#include <memory>

namespace lumen::viewer {

/// Converts a finished span into the store's form.
stored_span to_stored_span(const trace::span_data& span);

class span_store_exporter : public trace::span_exporter {
 public:
  explicit span_store_exporter(std::shared_ptr<span_store> store) : store_(std::move(store)) {}
  trace::export_result export_spans(const std::vector<std::unique_ptr<trace::span_data>>& batch) override;

 private:
  std::shared_ptr<span_store> store_;
};

}  // namespace lumen::viewer
