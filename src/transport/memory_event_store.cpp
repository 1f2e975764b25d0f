// The in-memory SSE event store.
#include <lumen/transport/event_store.hpp>

namespace lumen::transport {

memory_event_store::memory_event_store(memory_event_store_limits limits) : limits_(limits) {}

void memory_event_store::append(const std::string& session_id, const event_id& id, std::string_view message) {
  std::lock_guard lock(mutex_);
  auto& s = sessions_[session_id];
  s.events.push_back({id, std::string(message)});
  s.bytes += message.size();
  while (!s.events.empty() &&
         (s.events.size() > limits_.max_events_per_session || s.bytes > limits_.max_bytes_per_session)) {
    auto& oldest = s.events.front();
    if (!forgotten(s, oldest.id.stream)) {
      auto& through = s.evicted_through[oldest.id.stream];
      through = std::max(through, oldest.id.sequence);
      const std::size_t remembered = std::max<std::size_t>(limits_.max_events_per_session, 64);
      if (s.evicted_through.size() > remembered) {
        // POST streams are numbered in order and end: forget the oldest. The standalone stream
        // (0) lasts as long as the session and stays exact.
        auto oldest_post = s.evicted_through.upper_bound(0);
        s.forgotten_through_stream = oldest_post->first;
        s.evicted_through.erase(oldest_post);
      }
    }
    s.bytes -= oldest.message.size();
    s.events.pop_front();
  }
}

bool memory_event_store::replay_after(const std::string& session_id, const event_id& after,
                                      const std::function<void(const event_id&, std::string_view)>& replay) {
  std::deque<entry> copy;
  bool complete = true;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(session_id);
    if (it == sessions_.end()) return after.sequence == 0;
    auto ev = it->second.evicted_through.find(after.stream);
    if (ev != it->second.evicted_through.end() && ev->second > after.sequence) complete = false;
    // A forgotten stream: what was evicted is no longer known, so a gap cannot be ruled out.
    if (forgotten(it->second, after.stream)) complete = false;
    for (const auto& e : it->second.events) {
      if (e.id.stream == after.stream && e.id.sequence > after.sequence) copy.push_back(e);
    }
  }
  for (const auto& e : copy) replay(e.id, e.message);
  return complete;
}

void memory_event_store::erase_session(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session_id);
}

std::size_t memory_event_store::remembered_evictions(const std::string& session_id) const {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(session_id);
  return it == sessions_.end() ? 0 : it->second.evicted_through.size();
}

std::size_t memory_event_store::size(const std::string& session_id) const {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(session_id);
  return it == sessions_.end() ? 0 : it->second.events.size();
}

}  // namespace lumen::transport
