// Stored spans made by hand, for tests of the span store and the trace viewer.
#pragma once

#include <lumen/sdk/span_store.hpp>

#include <string>

namespace lumen::test {

/// A server span of service "svc" with the given ids, name, times, attributes and status code.
inline sdk::stored_span make_span(std::string trace, std::string id, std::string parent, std::string name,
                                  std::int64_t start, std::int64_t end, json::object attributes = {}, int status = 0) {
  sdk::stored_span s;
  s.trace_id = std::move(trace);
  s.span_id = std::move(id);
  s.parent_span_id = std::move(parent);
  s.name = std::move(name);
  s.service = "svc";
  s.kind = 2;
  s.start_unix_nano = start;
  s.end_unix_nano = end;
  s.attributes = std::move(attributes);
  s.status_code = status;
  return s;
}

inline const std::string trace_a(32, 'a');
inline const std::string trace_b(32, 'b');

}  // namespace lumen::test
