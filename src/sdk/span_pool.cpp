// Recycled span records: a bounded shared pool the export thread returns records to, and a small
// per-thread cache that a request thread refills from it under one lock per 64 records.
#include <lumen/sdk/detail/span_pool.hpp>

#include <algorithm>
#include <mutex>

namespace lumen::sdk::detail {

namespace {

constexpr std::size_t pool_bound = 2048;  // records kept at most (the batch queue's default size)
constexpr std::size_t refill_batch = 64;  // records a thread takes per lock
constexpr std::size_t max_kept_attributes = 32;
constexpr std::size_t max_kept_text = 256;  // bytes of buffer a kept string may hold

struct shared_pool {
  std::mutex mutex;
  std::vector<std::unique_ptr<span_data>> spans;
};

// Never destroyed: an export thread may still return records while the process exits.
shared_pool& pool() {
  static auto* p = new shared_pool;
  return *p;
}

thread_local std::vector<std::unique_ptr<span_data>> local_cache;

// A record worth keeping: small buffers only (a span that captured a large tool result must not
// pin its memory in the pool).
bool worth_keeping(const span_data& s) {
  return s.attributes.capacity() <= max_kept_attributes && s.name.capacity() <= max_kept_text &&
         s.status_message.capacity() <= max_kept_text;
}

// The attribute list is emptied but keeps its buffer, which start_span hands to the caller's
// options: freed on the request thread, it is what that thread's next attribute list reuses.
void reset(span_data& s) {
  s.attributes.clear();
  s.dropped_attributes = 0;
  s.events.clear();
  s.dropped_events = 0;
  s.links.clear();
  s.dropped_links = 0;
  s.status = trace::status_code::unset;
  s.status_message.clear();
}

}  // namespace

std::unique_ptr<span_data> acquire_span_data() {
  if (local_cache.empty()) {
    auto& p = pool();
    std::lock_guard lock(p.mutex);
    const std::size_t n = std::min(refill_batch, p.spans.size());
    local_cache.insert(local_cache.end(), std::make_move_iterator(p.spans.end() - static_cast<std::ptrdiff_t>(n)),
                       std::make_move_iterator(p.spans.end()));
    p.spans.resize(p.spans.size() - n);
  }
  if (local_cache.empty()) return std::make_unique<span_data>();
  auto s = std::move(local_cache.back());
  local_cache.pop_back();
  return s;
}

void recycle_span_data(std::vector<std::unique_ptr<span_data>>& spans) {
  std::size_t kept = 0;
  for (auto& s : spans) {
    if (!s || !worth_keeping(*s)) continue;
    reset(*s);
    spans[kept++] = std::move(s);
  }
  {
    auto& p = pool();
    std::lock_guard lock(p.mutex);
    const std::size_t room = pool_bound - std::min(pool_bound, p.spans.size());
    const std::size_t n = std::min(room, kept);
    p.spans.insert(p.spans.end(), std::make_move_iterator(spans.begin()),
                   std::make_move_iterator(spans.begin() + static_cast<std::ptrdiff_t>(n)));
  }
  spans.clear();  // frees what the pool had no room for, and what was not worth keeping
}

std::size_t pooled_span_records() {
  auto& p = pool();
  std::lock_guard lock(p.mutex);
  return p.spans.size();
}

}  // namespace lumen::sdk::detail
