// Test support: a message sink that records what a session sends and lets a test wait for it.
#pragma once

#include <lumen/json.hpp>
#include <lumen/server/message_sink.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lumen::test {

class capture_sink : public server::message_sink {
 public:
  struct entry {
    json::value message;
    server::outgoing_context context;
  };

  void send(std::string message, const server::outgoing_context& context) override {
    {
      std::lock_guard lock(mutex_);
      entries_.push_back({json::parse(message), context});
    }
    cv_.notify_all();
  }

  /// Waits for the first message matching `pred` (searching from the start) and returns it.
  json::value wait_for(const std::function<bool(const json::object&)>& pred,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    std::optional<json::value> found;
    cv_.wait_for(lock, timeout, [&] {
      for (const auto& e : entries_) {
        if (e.message.is_object() && pred(e.message.get_object())) {
          found = e.message;
          return true;
        }
      }
      return false;
    });
    if (!found) throw std::runtime_error("capture_sink: timed out waiting for a message");
    return *found;
  }

  /// Waits for the response (result or error) to request `id`.
  json::value wait_response(const json::value& id, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return wait_for([&](const json::object& o) {
      return !o.contains("method") && o.contains("id") && o.at("id") == id;
    }, timeout);
  }

  std::vector<entry> entries() const {
    std::lock_guard lock(mutex_);
    return entries_;
  }

  std::size_t count(const std::function<bool(const json::object&)>& pred) const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& e : entries_) n += e.message.is_object() && pred(e.message.get_object());
    return n;
  }

  void clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<entry> entries_;
};

inline bool is_method(const json::object& o, std::string_view method) {
  auto const* m = o.if_contains("method");
  return m && m->is_string() && m->get_string() == method;
}

}  // namespace lumen::test
