// Waiting for SIGINT or SIGTERM in a server's main thread. A signal handler (not a blocked signal
// mask) is used, so it works whatever threads exist already: a process-directed signal may be
// delivered to any thread that does not block it, such as a worker pool started earlier.
#pragma once

namespace lumen::transport {

/// Installs handlers for SIGINT and SIGTERM (and ignores SIGPIPE) while it lives; wait() blocks
/// until one arrives. Only one may exist at a time; the previous handlers come back when it ends.
class stop_signal {
 public:
  stop_signal();
  ~stop_signal();
  stop_signal(const stop_signal&) = delete;
  stop_signal& operator=(const stop_signal&) = delete;

  /// Blocks until SIGINT or SIGTERM arrives (also one that came before the call); returns it.
  int wait();
  /// "SIGINT", "SIGTERM", or "signal" for any other.
  static const char* name(int signal) noexcept;
};

}  // namespace lumen::transport
