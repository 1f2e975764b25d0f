// Cooperative cancellation, shared by server and client: a source its owner triggers (the server on
// notifications/cancelled or shutdown, a client caller giving up) and a token the cancelled work
// polls, waits on, or attaches callbacks to.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace lumen::core {

namespace detail {
/// What a source and its tokens share: the flag, the reason, and the callbacks to run.
struct cancellation_state {
  std::atomic<bool> cancelled{false};
  std::mutex mutex;
  std::condition_variable cv;
  std::string reason;
  std::uint64_t next_callback = 0;
  std::map<std::uint64_t, std::function<void()>> callbacks;
};
}  // namespace detail

class cancellation_token;

/// Unregisters a cancellation callback when destroyed.
class cancellation_registration {
 public:
  /// Holds no callback.
  cancellation_registration() = default;
  /// Holds the callback registered under `key` in `state`.
  cancellation_registration(std::shared_ptr<detail::cancellation_state> state, std::uint64_t key)
      : state_(std::move(state)), key_(key) {}
  /// Takes over `other`'s callback.
  cancellation_registration(cancellation_registration&&) noexcept = default;
  /// Unregisters the callback this object held before taking over `other`'s.
  cancellation_registration& operator=(cancellation_registration&& other) noexcept;
  /// Unregisters the callback.
  ~cancellation_registration();
  /// Unregisters the callback now (it is not called afterwards); idempotent.
  void reset() noexcept;

 private:
  std::shared_ptr<detail::cancellation_state> state_;
  std::uint64_t key_ = 0;
};

/// The cancelled work's view: has it been cancelled?
class cancellation_token {
 public:
  /// A token no source will ever cancel.
  cancellation_token() : state_(std::make_shared<detail::cancellation_state>()) {}
  /// The token of the source owning `s`.
  explicit cancellation_token(std::shared_ptr<detail::cancellation_state> s) : state_(std::move(s)) {}

  /// True once the source has cancelled.
  bool is_cancelled() const noexcept { return state_->cancelled.load(std::memory_order_acquire); }
  /// The reason the canceller gave, if any (empty before cancellation).
  std::string reason() const;
  /// Blocks until cancelled or until `timeout` passes; true when cancelled.
  bool wait_for(std::chrono::milliseconds timeout) const;
  /// Calls `callback` once on cancellation (at once when already cancelled). The callback runs on
  /// the cancelling thread and must not block.
  [[nodiscard]] cancellation_registration on_cancel(std::function<void()> callback) const;

 private:
  std::shared_ptr<detail::cancellation_state> state_;
};

/// The owner's side: cancels its token once.
class cancellation_source {
 public:
  /// A source not yet cancelled.
  cancellation_source() : state_(std::make_shared<detail::cancellation_state>()) {}
  /// The token to hand to the work this source may cancel.
  cancellation_token token() const { return cancellation_token(state_); }
  /// Cancels; true when this call did it (false when already cancelled).
  bool cancel(std::string reason = {});
  /// True once cancel() has run.
  bool is_cancelled() const noexcept { return state_->cancelled.load(std::memory_order_acquire); }

 private:
  std::shared_ptr<detail::cancellation_state> state_;
};

/// Thrown by Lumen's blocking calls (e.g. a server-to-client request) when the handler's request
/// was cancelled while it waited.
class operation_cancelled : public std::exception {
 public:
  /// "operation cancelled".
  const char* what() const noexcept override { return "operation cancelled"; }
};

}  // namespace lumen::core
