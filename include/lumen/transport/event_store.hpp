// Where Streamable HTTP keeps the SSE events it sent, so that a client that lost its connection
// can resume a stream with `Last-Event-ID` (GET). An interface (for a shared store behind a load
// balancer, say) and the in-memory default, bounded per session.
#pragma once

#include <lumen/transport/sse.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <deque>
#include <string>
#include <string_view>

namespace lumen::transport {

class event_store {
 public:
  virtual ~event_store() = default;
  /// Records an event sent (or meant to be sent) on a stream of `session_id`.
  virtual void append(const std::string& session_id, const event_id& id, std::string_view message) = 0;
  /// Calls `replay` with each stored event of `after.stream` that follows `after`, in order.
  /// Returns false when events after `after` were evicted (the client missed messages that cannot
  /// be replayed); what remains is still replayed.
  virtual bool replay_after(const std::string& session_id, const event_id& after,
                            const std::function<void(const event_id&, std::string_view message)>& replay) = 0;
  /// Forgets a session's events (it ended).
  virtual void erase_session(const std::string& session_id) = 0;
};

struct memory_event_store_limits {
  /// Events kept per session; the oldest go first.
  std::size_t max_events_per_session = 1024;
  /// Bytes of messages kept per session.
  std::size_t max_bytes_per_session = 8 * 1024 * 1024;
};

/// The default store: the latest events of each session in memory, within the limits.
class memory_event_store final : public event_store {
 public:
  explicit memory_event_store(memory_event_store_limits limits = {});
  void append(const std::string& session_id, const event_id& id, std::string_view message) override;
  bool replay_after(const std::string& session_id, const event_id& after,
                    const std::function<void(const event_id&, std::string_view message)>& replay) override;
  void erase_session(const std::string& session_id) override;

  /// Events held for a session (for tests and metrics).
  std::size_t size(const std::string& session_id) const;
  /// Streams of a session whose eviction is remembered exactly (for tests and metrics): at most
  /// max(max_events_per_session, 64); older POST streams count as evicted in full (the
  /// standalone stream, 0, is always exact).
  std::size_t remembered_evictions(const std::string& session_id) const;

 private:
  struct entry {
    event_id id;
    std::string message;
  };
  struct session_events {
    std::deque<entry> events;
    std::size_t bytes = 0;
    /// Per stream, the newest sequence number evicted (0 when none), for the newest streams
    /// only: a session that answers every request on its own stream would otherwise keep one
    /// entry per request it ever answered.
    std::map<std::uint64_t, std::uint64_t> evicted_through;
    /// POST streams up to this one were forgotten: any of their events may have been evicted.
    std::uint64_t forgotten_through_stream = 0;
  };
  static bool forgotten(const session_events& s, std::uint64_t stream) noexcept {
    return stream != 0 && stream <= s.forgotten_through_stream;
  }
  memory_event_store_limits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, session_events, std::less<>> sessions_;
};

}  // namespace lumen::transport
