// The stdio transport.
#include <lumen/transport/stdio.hpp>

#include <lumen/core/line_reader.hpp>
#include <lumen/log.hpp>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <mutex>
#include <string>
#include <unistd.h>

namespace lumen::transport {

namespace {

// Writes messages as lines to a file descriptor. When the reader of that descriptor has gone
// (EPIPE), it wakes the input loop through `wake_fd` so the server ends instead of waiting for input.
class fd_sink : public server::message_sink {
 public:
  fd_sink(int fd, int wake_fd) : fd_(fd), wake_fd_(wake_fd) {}

  void send(std::string message, const server::outgoing_context&) override {
    message.push_back('\n');
    std::lock_guard lock(mutex_);
    if (broken_) return;
    std::size_t written = 0;
    while (written < message.size()) {
      ssize_t n = ::write(fd_, message.data() + written, message.size() - written);
      if (n < 0) {
        if (errno == EINTR) continue;
        broken_ = true;  // EPIPE and friends: the client has gone
        char byte = 1;
        [[maybe_unused]] auto ignored = ::write(wake_fd_, &byte, 1);
        return;
      }
      written += static_cast<std::size_t>(n);
    }
  }

 private:
  int fd_;
  int wake_fd_;
  std::mutex mutex_;
  bool broken_ = false;
};

}  // namespace

void run_stdio(server::server& srv, const stdio_options& options) {
  if (options.ignore_sigpipe) std::signal(SIGPIPE, SIG_IGN);  // a closed stdout: an error code, not a signal
  int wake[2];
  if (::pipe(wake) != 0) throw std::runtime_error(std::string("stdio: pipe: ") + std::strerror(errno));
  auto sink = std::make_shared<fd_sink>(options.output_fd, wake[1]);
  auto session = srv.connect(sink);
  const std::size_t max_line = srv.options().limits.max_message_bytes;
  // On stdio the ambient trace context is the launching process's: TRACEPARENT/TRACESTATE.
  server::inbound_context origin;
  origin.network_transport = server::network_transport::pipe;
  origin.ambient_kind = server::ambient_kind::environment;
  if (const char* tp = std::getenv("TRACEPARENT")) origin.ambient_traceparent = tp;
  if (const char* ts = std::getenv("TRACESTATE")) origin.ambient_tracestate = ts;

  core::line_reader reader(
      max_line,
      [&](std::string& line) {
        if (line.find_first_not_of(" \t") != std::string::npos) session->receive(line, origin);
      },
      [&] {
        sink->send(jsonrpc::serialize(jsonrpc::make_error(
                       std::nullopt, jsonrpc::error_codes::invalid_request,
                       "Invalid Request: message exceeds the limit of " + std::to_string(max_line) + " bytes")),
                   {});
      });
  // Woken when the output side broke. An unterminated last line is not a message: it is dropped.
  auto end = reader.read_from(options.input_fd, wake[0]);
  if (end.reason == core::line_reader::end_reason::failed) log::write(log::level::error, "stdio: " + end.error);
  // End of input: let running handlers finish (their answers may still reach the client), then
  // cancel whatever is left.
  session->wait_idle(options.shutdown_grace);
  session->close(options.shutdown_grace);
  ::close(wake[0]);
  ::close(wake[1]);
}

}  // namespace lumen::transport
