// An incremental parser of Server-Sent Events (the WHATWG event-stream format) as the Streamable
// HTTP client reads them: fed arbitrary chunks, it reports whole events and tracks the last event
// id and the server's `retry` advice.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace lumen::client {

struct sse_event {
  std::string type = "message";  // the `event` field
  std::string data;              // the `data` lines joined by '\n'
  std::string id;                // the last event id in force when the event was dispatched
};

class sse_parser {
 public:
  explicit sse_parser(std::function<void(sse_event)> on_event) : on_event_(std::move(on_event)) {}

  /// Feeds the next chunk of the stream.
  void feed(std::string_view chunk);

  /// The last event id seen (`id` field), empty when none.
  const std::string& last_event_id() const noexcept { return last_event_id_; }
  /// The reconnection delay the server asked for (`retry` field), if any.
  std::optional<std::chrono::milliseconds> retry() const noexcept { return retry_; }

 private:
  void line(std::string_view l);
  void dispatch();

  std::function<void(sse_event)> on_event_;
  std::string buffer_;
  bool skip_lf_ = false;  // the previous chunk ended in '\r'
  bool started_ = false;  // the UTF-8 BOM check is done
  std::string data_;
  bool has_data_ = false;
  std::string type_;
  std::string last_event_id_;
  std::optional<std::chrono::milliseconds> retry_;
};

}  // namespace lumen::client
