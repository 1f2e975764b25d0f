// The in-process span store.
#include <lumen/sdk/span_store.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace lumen::sdk {

json::object stored_span::to_json() const {
  json::object o{{"traceId", trace_id},
                 {"spanId", span_id},
                 {"name", name},
                 {"service", service},
                 {"kind", kind},
                 {"startTimeUnixNano", std::to_string(start_unix_nano)},
                 {"endTimeUnixNano", std::to_string(end_unix_nano)},
                 {"status", {{"code", status_code}, {"message", status_message}}},
                 {"attributes", attributes},
                 {"events", events},
                 {"links", links}};
  if (!parent_span_id.empty()) o.emplace("parentSpanId", parent_span_id);
  return o;
}

void span_store::add(stored_span span) {
  std::lock_guard lock(mutex_);
  spans_.push_back(std::move(span));
  while (spans_.size() > capacity_) {
    spans_.pop_front();
    ++evicted_;
  }
}

void span_store::add(std::vector<stored_span> spans) {
  std::lock_guard lock(mutex_);
  for (auto& s : spans) spans_.push_back(std::move(s));
  while (spans_.size() > capacity_) {
    spans_.pop_front();
    ++evicted_;
  }
}

namespace {
std::string string_attribute(const json::object& attributes, std::string_view key) {
  if (auto const* v = attributes.if_contains(key); v && v->is_string()) return std::string(v->get_string());
  return {};
}
}  // namespace

json::array span_store::list_traces(const trace_filter& filter) const {
  struct summary {
    std::string trace_id;
    const stored_span* root = nullptr;
    const stored_span* earliest = nullptr;
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::size_t spans = 0;
    std::size_t errors = 0;
    std::set<std::string> methods;
    std::set<std::string> tools;
  };
  std::lock_guard lock(mutex_);
  std::map<std::string, summary, std::less<>> by_trace;
  std::set<std::string, std::less<>> present;
  for (const auto& s : spans_) present.insert(s.span_id);
  for (const auto& s : spans_) {
    auto& t = by_trace[s.trace_id];
    if (t.spans == 0) {
      t.trace_id = s.trace_id;
      t.start = s.start_unix_nano;
      t.end = s.end_unix_nano;
    }
    ++t.spans;
    t.start = std::min(t.start, s.start_unix_nano);
    t.end = std::max(t.end, s.end_unix_nano);
    if (s.status_code == 2) ++t.errors;
    // The root is the span without a parent, or else the earliest span whose parent is not stored
    // (its parent lives in another process, e.g. the MCP client).
    if (s.parent_span_id.empty()) t.root = &s;
    if (!present.contains(s.parent_span_id) && (!t.earliest || s.start_unix_nano < t.earliest->start_unix_nano)) {
      t.earliest = &s;
    }
    if (auto m = string_attribute(s.attributes, "mcp.method.name"); !m.empty()) t.methods.insert(m);
    if (auto tool = string_attribute(s.attributes, "gen_ai.tool.name"); !tool.empty()) t.tools.insert(tool);
  }
  std::vector<const summary*> ordered;
  for (const auto& [id, t] : by_trace) {
    if (filter.method && !t.methods.contains(*filter.method)) continue;
    if (filter.tool && !t.tools.contains(*filter.tool)) continue;
    if (filter.has_error && (*filter.has_error != (t.errors > 0))) continue;
    ordered.push_back(&t);
  }
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->start > b->start; });
  json::array out;
  for (std::size_t i = 0; i < ordered.size() && i < filter.limit; ++i) {
    const summary& t = *ordered[i];
    const stored_span* root = t.root ? t.root : t.earliest;
    json::array methods, tools;
    for (const auto& m : t.methods) methods.emplace_back(m);
    for (const auto& tool : t.tools) tools.emplace_back(tool);
    out.push_back(json::object{{"traceId", t.trace_id},
                               {"rootName", root ? root->name : std::string()},
                               {"service", root ? root->service : std::string()},
                               {"startTimeUnixNano", std::to_string(t.start)},
                               {"durationNanos", std::to_string(t.end - t.start)},
                               {"spanCount", t.spans},
                               {"errorCount", t.errors},
                               {"methods", std::move(methods)},
                               {"tools", std::move(tools)}});
  }
  return out;
}

std::vector<stored_span> span_store::trace(std::string_view trace_id) const {
  std::vector<stored_span> out;
  {
    std::lock_guard lock(mutex_);
    for (const auto& s : spans_) {
      if (s.trace_id == trace_id) out.push_back(s);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.start_unix_nano < b.start_unix_nano; });
  return out;
}

std::optional<std::string> span_store::trace_of_span(std::string_view span_id) const {
  std::lock_guard lock(mutex_);
  for (const auto& s : spans_) {
    if (s.span_id == span_id) return s.trace_id;
  }
  return std::nullopt;
}

std::size_t span_store::size() const {
  std::lock_guard lock(mutex_);
  return spans_.size();
}

std::uint64_t span_store::evicted() const {
  std::lock_guard lock(mutex_);
  return evicted_;
}

void span_store::clear() {
  std::lock_guard lock(mutex_);
  spans_.clear();
}

}  // namespace lumen::sdk
