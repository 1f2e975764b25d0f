// A span exporter that feeds the in-process span store (the trace viewer's data).
#pragma once

#include <lumen/sdk/span_processor.hpp>
#include <lumen/sdk/span_store.hpp>

#include <memory>

namespace lumen::sdk {

/// Converts a finished span into the store's form.
stored_span to_stored_span(const sdk::span_data& span);

class span_store_exporter : public sdk::span_exporter {
 public:
  explicit span_store_exporter(std::shared_ptr<span_store> store) : store_(std::move(store)) {}
  sdk::export_result export_spans(const std::vector<std::unique_ptr<sdk::span_data>>& batch) override;

 private:
  std::shared_ptr<span_store> store_;
};

}  // namespace lumen::sdk
