// SIGINT/SIGTERM through a self-pipe: the handler only writes one byte (async-signal-safe).
#include <lumen/transport/stop_signal.hpp>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <unistd.h>

namespace lumen::transport {

namespace {

// The one piece of process-wide state in the transport, and deliberately so: a signal handler can
// reach nothing else, and signal dispositions are process-wide anyway. stop_signal owns it (one at
// a time) and restores everything when it ends.
int pipe_fds[2] = {-1, -1};
struct sigaction previous_int, previous_term, previous_pipe;

extern "C" void on_stop_signal(int signal) {
  const int saved = errno;
  const char byte = static_cast<char>(signal);
  [[maybe_unused]] auto n = ::write(pipe_fds[1], &byte, 1);
  errno = saved;
}

}  // namespace

stop_signal::stop_signal() {
  if (pipe_fds[0] >= 0) throw std::logic_error("lumen::transport::stop_signal: one exists already");
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("stop_signal: pipe2 failed");
  struct sigaction action{};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &action, &previous_int);
  ::sigaction(SIGTERM, &action, &previous_term);
  struct sigaction ignore{};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, &previous_pipe);
}

stop_signal::~stop_signal() {
  ::sigaction(SIGINT, &previous_int, nullptr);
  ::sigaction(SIGTERM, &previous_term, nullptr);
  ::sigaction(SIGPIPE, &previous_pipe, nullptr);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  pipe_fds[0] = pipe_fds[1] = -1;
}

int stop_signal::wait() {
  // The read end is non-blocking (so the handler's write never blocks either): wait with poll.
  for (;;) {
    char byte = 0;
    if (::read(pipe_fds[0], &byte, 1) == 1) return static_cast<unsigned char>(byte);
    pollfd p{pipe_fds[0], POLLIN, 0};
    ::poll(&p, 1, -1);
  }
}

const char* stop_signal::name(int signal) noexcept {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  return "signal";
}

}  // namespace lumen::transport
