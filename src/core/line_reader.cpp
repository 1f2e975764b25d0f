// Newline-delimited input with a line limit.
#include <lumen/core/line_reader.hpp>

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <unistd.h>

namespace lumen::core {

namespace {

void strip_carriage_return(std::string& line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
}

std::string errno_text(const char* operation, int error) { return std::string(operation) + ": " + std::strerror(error); }

}  // namespace

line_reader::line_reader(std::size_t max_line, line_handler on_line, overflow_handler on_overflow)
    : max_line_(max_line), on_line_(std::move(on_line)), on_overflow_(std::move(on_overflow)) {}

void line_reader::feed(std::string_view data) {
  while (!data.empty()) {
    const auto newline = data.find('\n');
    if (!discarding_) {
      buffer_.append(data.substr(0, newline));
      if (buffer_.size() > max_line_) {
        discarding_ = true;
        buffer_.clear();
        buffer_.shrink_to_fit();  // the limit exists so an over-long line holds no memory
        if (on_overflow_) on_overflow_();
      }
    }
    if (newline == std::string_view::npos) return;
    data.remove_prefix(newline + 1);
    if (discarding_) {
      discarding_ = false;
      continue;
    }
    line_.swap(buffer_);
    buffer_.clear();
    strip_carriage_return(line_);
    on_line_(line_);
  }
}

std::optional<std::string> line_reader::take_unterminated() {
  const bool over_limit = discarding_;
  discarding_ = false;
  std::string rest;
  rest.swap(buffer_);
  strip_carriage_return(rest);
  if (over_limit || rest.empty()) return std::nullopt;
  return rest;
}

line_reader::read_end line_reader::read_from(int fd, int wake_fd) {
  char chunk[65536];
  for (;;) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return {end_reason::failed, errno_text("poll", errno)};
    }
    if (fds[1].revents != 0) return {end_reason::woken, {}};
    if (fds[0].revents == 0) continue;
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return {end_reason::failed, errno_text("read", errno)};
    }
    if (n == 0) return {end_reason::end_of_input, {}};
    feed(std::string_view(chunk, static_cast<std::size_t>(n)));
  }
}

}  // namespace lumen::core
