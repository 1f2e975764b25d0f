// A finished (or finishing) span as processors and exporters see it.
#pragma once

#include <lumen/trace/attributes.hpp>
#include <lumen/sdk/resource.hpp>
#include <lumen/trace/span.hpp>
#include <lumen/trace/span_context.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lumen::sdk {

struct event_data {
  std::string name;
  std::int64_t time_unix_nano = 0;
  trace::attribute_list attributes;
  std::uint32_t dropped_attributes = 0;
};

struct span_data {
  trace::span_context context;
  /// The parent's context (invalid for a root span).
  trace::span_context parent;
  std::string name;
  trace::span_kind kind = trace::span_kind::internal;
  std::int64_t start_unix_nano = 0;
  std::int64_t end_unix_nano = 0;
  trace::attribute_list attributes;
  std::uint32_t dropped_attributes = 0;
  std::vector<event_data> events;
  std::uint32_t dropped_events = 0;
  std::vector<trace::link_data> links;
  std::uint32_t dropped_links = 0;
  trace::status_code status = trace::status_code::unset;
  std::string status_message;
  std::shared_ptr<const instrumentation_scope> scope;
  std::shared_ptr<const sdk::resource> resource;
};

}  // namespace lumen::sdk
