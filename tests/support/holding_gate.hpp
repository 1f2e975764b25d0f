// Test support: a gate that concurrent work (handlers, pool jobs) passes through and is held at
// until the test opens it, recording how many entered, how many were inside at once, and on which
// threads, so that a test can check how a concurrency bound was honoured.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <set>
#include <thread>

namespace lumen::test {

class holding_gate {
 public:
  /// Enters, then waits until open() (at most `hold`).
  void pass(std::chrono::milliseconds hold = std::chrono::seconds(20)) {
    std::unique_lock lock(mutex_);
    ++entered_;
    ++inside_;
    most_inside_ = std::max(most_inside_, inside_);
    threads_.insert(std::this_thread::get_id());
    changed_.notify_all();
    changed_.wait_for(lock, hold, [&] { return open_; });
    --inside_;
  }
  /// Waits until `n` have entered; false after ten seconds.
  bool wait_entered(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return entered_ >= n; });
  }
  /// Lets everyone through, now and later.
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }
  int entered() const {
    std::lock_guard lock(mutex_);
    return entered_;
  }
  int most_inside_at_once() const {
    std::lock_guard lock(mutex_);
    return most_inside_;
  }
  std::size_t thread_count() const {
    std::lock_guard lock(mutex_);
    return threads_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int entered_ = 0, inside_ = 0, most_inside_ = 0;
  bool open_ = false;
  std::set<std::thread::id> threads_;
};

}  // namespace lumen::test
