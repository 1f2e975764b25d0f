// A tracer provider whose spans end up in an in-memory exporter, for tests of the SDK and exporters.
#pragma once

#include <lumen/sdk/tracer_provider.hpp>

#include <memory>

namespace lumen::test {

/// A provider exporting every ended span to `exporter` at once, and a tracer of scope "test" 1.0.
struct fixture {
  std::shared_ptr<sdk::in_memory_exporter> exporter = std::make_shared<sdk::in_memory_exporter>();
  std::shared_ptr<sdk::tracer_provider> provider;
  std::shared_ptr<trace::tracer> t;
  explicit fixture(sdk::tracer_provider_options o = {}) {
    o.processors.push_back(std::make_shared<sdk::simple_span_processor>(exporter));
    provider = sdk::tracer_provider::create(std::move(o));
    t = provider->get_tracer("test", "1.0");
  }
};

}  // namespace lumen::test
