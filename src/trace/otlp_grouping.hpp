// Internal: grouping spans by resource and scope for the OTLP encoders.
#pragma once

#include <lumen/trace/span_data.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace lumen::trace::detail {

using scope_group = std::pair<const instrumentation_scope*, std::vector<const span_data*>>;

// Calls fn(resource*, vector<scope_group>) per resource, keeping first-seen order.
template <class Fn>
void for_each_group(const std::vector<std::unique_ptr<span_data>>& spans, Fn fn) {
  std::vector<const resource*> resources;
  std::map<const resource*, std::vector<scope_group>> groups;
  for (const auto& s : spans) {
    const resource* r = s->resource.get();
    auto& scopes = groups[r];
    if (scopes.empty()) resources.push_back(r);
    auto it = std::find_if(scopes.begin(), scopes.end(), [&](const auto& p) { return p.first == s->scope.get(); });
    if (it == scopes.end()) {
      scopes.push_back({s->scope.get(), {}});
      it = scopes.end() - 1;
    }
    it->second.push_back(s.get());
  }
  for (const resource* r : resources) fn(r, groups[r]);
}

}  // namespace lumen::trace::detail
