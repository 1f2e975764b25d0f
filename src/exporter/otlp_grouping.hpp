// Internal: grouping spans by resource and scope for the OTLP encoders.
#pragma once

#include <lumen/sdk/span_data.hpp>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

namespace lumen::exporter::detail {

using scope_group = std::pair<const sdk::instrumentation_scope*, std::vector<const sdk::span_data*>>;

// Calls fn(resource*, vector<scope_group>) per resource, keeping first-seen order. A batch holds
// a handful of resources and scopes (usually one of each), so linear searches beat a map, and the
// common case of one group costs two allocations.
template <class Fn>
void for_each_group(const std::vector<std::unique_ptr<sdk::span_data>>& spans, Fn fn) {
  std::vector<std::pair<const sdk::resource*, std::vector<scope_group>>> groups;
  std::vector<const sdk::span_data*>* last = nullptr;  // the group of the previous span
  const sdk::resource* last_resource = nullptr;
  const sdk::instrumentation_scope* last_scope = nullptr;
  for (const auto& s : spans) {
    const sdk::resource* r = s->resource.get();
    const sdk::instrumentation_scope* scope = s->scope.get();
    if (!last || r != last_resource || scope != last_scope) {
      auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& e) { return e.first == r; });
      if (g == groups.end()) {
        groups.emplace_back(r, std::vector<scope_group>());
        g = groups.end() - 1;
      }
      auto& scopes = g->second;
      auto it = std::find_if(scopes.begin(), scopes.end(), [&](const auto& p) { return p.first == scope; });
      if (it == scopes.end()) {
        scopes.push_back({scope, {}});
        it = scopes.end() - 1;
        // Most batches are one group: size it once.
        if (groups.size() == 1 && scopes.size() == 1) it->second.reserve(spans.size());
      }
      last = &it->second;
      last_resource = r;
      last_scope = scope;
    }
    last->push_back(s.get());
  }
  for (const auto& [r, scopes] : groups) fn(r, scopes);
}

}  // namespace lumen::exporter::detail
