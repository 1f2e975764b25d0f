// Server-Sent Events parsing (https://html.spec.whatwg.org/multipage/server-sent-events.html).
#include <lumen/client/sse_parser.hpp>

namespace lumen::client {

void sse_parser::feed(std::string_view chunk) {
  if (!started_ && !chunk.empty()) {
    buffer_.append(chunk);
    if (buffer_.size() < 3 && std::string_view("\xEF\xBB\xBF").starts_with(buffer_)) return;
    if (buffer_.starts_with("\xEF\xBB\xBF")) buffer_.erase(0, 3);
    started_ = true;
    std::string pending;
    pending.swap(buffer_);
    return feed(pending);
  }
  for (char c : chunk) {
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') continue;
    }
    if (c == '\r' || c == '\n') {
      skip_lf_ = c == '\r';
      line(buffer_);
      buffer_.clear();
    } else {
      buffer_.push_back(c);
    }
  }
}

void sse_parser::line(std::string_view l) {
  if (l.empty()) return dispatch();
  if (l.front() == ':') return;  // comment
  std::string_view field = l;
  std::string_view value;
  if (auto colon = l.find(':'); colon != std::string_view::npos) {
    field = l.substr(0, colon);
    value = l.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "event") {
    type_ = value;
  } else if (field == "data") {
    data_.append(value);
    data_.push_back('\n');
    has_data_ = true;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_event_id_ = value;
  } else if (field == "retry") {
    if (!value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos && value.size() < 10) {
      retry_ = std::chrono::milliseconds(std::stoll(std::string(value)));
    }
  }
}

void sse_parser::dispatch() {
  if (!has_data_) {
    type_.clear();
    return;
  }
  sse_event e;
  e.data = std::move(data_);
  if (!e.data.empty() && e.data.back() == '\n') e.data.pop_back();
  if (!type_.empty()) e.type = std::move(type_);
  e.id = last_event_id_;
  data_.clear();
  type_.clear();
  has_data_ = false;
  if (on_event_) on_event_(std::move(e));
}

}  // namespace lumen::client
