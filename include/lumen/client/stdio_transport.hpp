// The client side of the stdio transport: spawns the server as a child process (arguments,
// environment, working directory), speaks newline-delimited JSON-RPC over its stdin/stdout,
// passes its stderr lines to a log sink, and ends it cleanly (close stdin, wait, SIGTERM, SIGKILL).
#pragma once

#include <lumen/client/transport.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace lumen::client {

struct stdio_options {
  /// The program (looked up on PATH when it has no slash) and its arguments.
  std::vector<std::string> command;
  /// Variables set for the child, on top of (or, with inherit_environment = false, instead of)
  /// this process's environment.
  std::map<std::string, std::string> environment;
  bool inherit_environment = true;
  /// The child's working directory; this process's when empty.
  std::string working_directory;
  /// Receives each line the server writes to stderr (without its newline). When unset, lines are
  /// copied to this process's stderr.
  std::function<void(std::string_view line)> stderr_sink;
  /// How long the server may take to exit after its stdin closes, and again after SIGTERM.
  std::chrono::milliseconds exit_grace = std::chrono::seconds(2);
  /// Longest line accepted from the server.
  std::size_t max_message_bytes = 64 * 1024 * 1024;
};

/// Splits a command line into words: blanks separate words, single and double quotes group,
/// a backslash escapes the next character. (No variables, no globbing.)
std::vector<std::string> split_command_line(std::string_view text);

class stdio_transport : public transport {
 public:
  explicit stdio_transport(stdio_options options);
  ~stdio_transport() override;
  stdio_transport(const stdio_transport&) = delete;
  stdio_transport& operator=(const stdio_transport&) = delete;

  void start(transport_events events) override;
  void send(const jsonrpc::message& message, const header_list& headers = {}) override;
  std::string_view name() const noexcept override { return "stdio"; }
  void close() override;

  /// The child's process id (0 before start).
  int pid() const noexcept { return pid_; }
  /// The child's wait status once it has exited and been reaped.
  std::optional<int> exit_status() const;
  /// The last lines the server wrote to stderr (for error messages).
  std::string stderr_tail() const;

 private:
  void read_stdout();
  void read_stderr();
  bool try_reap();
  bool wait_exit(std::chrono::milliseconds timeout);
  std::string describe_exit();

  stdio_options options_;
  transport_events events_;
  int pid_ = 0;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  int wake_read_fd_ = -1;
  int wake_write_fd_ = -1;
  std::thread stdout_thread_;
  std::thread stderr_thread_;
  std::atomic<bool> closing_{false};
  std::mutex write_mutex_;
  mutable std::mutex state_mutex_;
  std::optional<int> exit_status_;
  std::deque<std::string> stderr_tail_;
  bool stderr_ended_ = false;  // the server's stderr reached EOF
  std::condition_variable stderr_ended_cv_;
};

}  // namespace lumen::client
