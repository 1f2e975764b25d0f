// Recycled span records. A span is recorded on a request thread and freed on the export thread:
// with malloc's per-thread caches, every record then came from the allocator's slow path on one
// side and went back through it on the other. Exported records come back here instead, and a
// new span reuses one.
#pragma once

#include <lumen/sdk/span_data.hpp>

#include <memory>
#include <vector>

namespace lumen::sdk::detail {

/// A record to fill: a recycled one or a new one. Events, links and attributes are empty, counts
/// zero, status unset; the rest (context, parent, name, kind, times, scope, resource) may still
/// be the previous span's, for the caller to assign.
std::unique_ptr<span_data> acquire_span_data();

/// Takes back exported records (leaving `spans` empty). A record whose buffers grew large is
/// freed instead of kept, and so is everything past the pool's bound.
void recycle_span_data(std::vector<std::unique_ptr<span_data>>& spans);

/// Records in the shared pool now (not counting those a thread has taken and not used yet).
std::size_t pooled_span_records();

}  // namespace lumen::sdk::detail
