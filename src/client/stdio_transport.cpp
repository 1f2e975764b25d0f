// The client side of the stdio transport: a child process and three pipes.
#include <lumen/client/stdio_transport.hpp>
#include <lumen/core/line_reader.hpp>
#include <lumen/jsonrpc/parse.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace lumen::client {

namespace {

constexpr std::size_t stderr_tail_lines = 20;

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::string errno_text(const char* what, int err) { return std::string(what) + ": " + std::strerror(err); }

// Writes everything to a pipe without letting SIGPIPE kill the process: SIGPIPE is blocked in
// this thread for the write, and a SIGPIPE it raised is consumed.
bool write_all(int fd, std::string_view data) {
  sigset_t pipe_set;
  sigset_t old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  bool ok = true;
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;
      if (errno == EPIPE && !was_pending) {
        timespec zero{0, 0};
        sigtimedwait(&pipe_set, nullptr, &zero);
      }
      break;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  return ok;
}

}  // namespace

std::vector<std::string> split_command_line(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < text.size()) {
        word.push_back(text[++i]);
      } else {
        word.push_back(c);
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      word.push_back(text[++i]);
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

stdio_transport::stdio_transport(stdio_options options) : options_(std::move(options)) {}

stdio_transport::~stdio_transport() { close(); }

void stdio_transport::start(transport_events events) {
  if (pid_ != 0) throw client_error(error_kind::transport_error, "stdio transport already started");
  if (options_.command.empty()) throw client_error(error_kind::transport_error, "stdio transport: empty command");
  events_ = std::move(events);

  int in[2], out[2], err[2], wake[2];
  if (::pipe2(in, O_CLOEXEC) != 0) throw client_error(error_kind::transport_error, errno_text("pipe", errno));
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]);
    throw client_error(error_kind::transport_error, errno_text("pipe", errno));
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
    throw client_error(error_kind::transport_error, errno_text("pipe", errno));
  }
  if (::pipe2(wake, O_CLOEXEC) != 0) {
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
    throw client_error(error_kind::transport_error, errno_text("pipe", errno));
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  if (!options_.working_directory.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, options_.working_directory.c_str());
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The child starts with default signal dispositions and an empty mask.
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> argv;
  for (auto& a : options_.command) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_strings;
  if (options_.inherit_environment) {
    for (char** e = environ; e && *e; ++e) {
      std::string_view entry(*e);
      auto eq = entry.find('=');
      if (eq != std::string_view::npos && options_.environment.contains(std::string(entry.substr(0, eq)))) continue;
      env_strings.emplace_back(entry);
    }
  }
  for (const auto& [k, v] : options_.environment) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    for (int fd : {in[1], out[0], err[0], wake[0], wake[1]}) ::close(fd);
    throw client_error(error_kind::transport_error,
                       "cannot start server \"" + options_.command[0] + "\": " + std::strerror(rc));
  }
  pid_ = pid;
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
  stderr_fd_ = err[0];
  wake_read_fd_ = wake[0];
  wake_write_fd_ = wake[1];
  stdout_thread_ = std::thread([this] { read_stdout(); });
  stderr_thread_ = std::thread([this] { read_stderr(); });
}

void stdio_transport::send(const jsonrpc::message& message, const header_list&) {
  std::string line = jsonrpc::serialize(message);
  line.push_back('\n');
  std::lock_guard lock(write_mutex_);
  if (stdin_fd_ < 0 || closing_) throw client_error(error_kind::not_connected, "stdio transport is closed");
  if (!write_all(stdin_fd_, line)) {
    throw client_error(error_kind::connection_closed, "cannot write to the server: " + describe_exit());
  }
}

void stdio_transport::read_stdout() {
  auto handle_line = [this](std::string& line) {
    if (line.find_first_not_of(" \t") == std::string::npos) return;
    auto parsed = jsonrpc::parse(line, {.max_message_bytes = options_.max_message_bytes});
    if (auto* m = std::get_if<jsonrpc::message>(&parsed)) {
      if (events_.on_message) events_.on_message(std::move(*m));
    } else if (auto* b = std::get_if<jsonrpc::batch>(&parsed)) {
      for (const auto& element : b->elements) {
        auto one = jsonrpc::from_json(element);
        if (auto* m1 = std::get_if<jsonrpc::message>(&one)) {
          if (events_.on_message) events_.on_message(std::move(*m1));
        } else if (events_.on_error) {
          events_.on_error(client_error(error_kind::protocol_error,
                                        "server sent an invalid JSON-RPC message: " +
                                            std::get<jsonrpc::error_response>(one).error.message));
        }
      }
    } else if (events_.on_error) {
      auto snippet = line.substr(0, 200);
      events_.on_error(client_error(error_kind::protocol_error,
                                    "server sent malformed JSON-RPC on stdout (" +
                                        std::get<jsonrpc::error_response>(parsed).error.message + "): " + snippet,
                                    jsonrpc::error_codes::parse_error));
    }
  };
  core::line_reader reader(options_.max_message_bytes, handle_line, [this] {
    if (events_.on_error) {
      events_.on_error(client_error(error_kind::protocol_error, "server sent a message longer than " +
                                                                    std::to_string(options_.max_message_bytes) + " bytes"));
    }
  });
  // A read error ends the stream as end of input does.
  const bool eof = reader.read_from(stdout_fd_, wake_read_fd_).reason != core::line_reader::end_reason::woken;
  if (eof) {
    if (auto last = reader.take_unterminated()) handle_line(*last);
  }
  if (!eof || closing_) return;
  // The server closed its stdout: it has exited or is about to. Give it a moment to be reaped so
  // the error can say how it ended.
  wait_exit(std::chrono::milliseconds(500));
  if (!closing_ && events_.on_closed) {
    events_.on_closed(client_error(error_kind::connection_closed, "the server closed the connection: " + describe_exit()));
  }
}

void stdio_transport::read_stderr() {
  auto handle_line = [this](std::string& line) {
    {
      std::lock_guard lock(state_mutex_);
      stderr_tail_.push_back(line);
      if (stderr_tail_.size() > stderr_tail_lines) stderr_tail_.pop_front();
    }
    if (options_.stderr_sink) {
      options_.stderr_sink(line);
    } else {
      std::cerr << line << '\n';
    }
  };
  core::line_reader reader(1024 * 1024, handle_line);
  if (reader.read_from(stderr_fd_, wake_read_fd_).reason != core::line_reader::end_reason::woken) {
    if (auto last = reader.take_unterminated()) handle_line(*last);
  }
  std::lock_guard lock(state_mutex_);
  stderr_ended_ = true;
  stderr_ended_cv_.notify_all();
}

bool stdio_transport::try_reap() {
  std::lock_guard lock(state_mutex_);
  if (exit_status_) return true;
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_status_ = status;
    return true;
  }
  if (r < 0 && errno == ECHILD) {
    exit_status_ = 0;  // reaped elsewhere
    return true;
  }
  return false;
}

bool stdio_transport::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (try_reap()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::optional<int> stdio_transport::exit_status() const {
  std::lock_guard lock(state_mutex_);
  return exit_status_;
}

std::string stdio_transport::stderr_tail() const {
  std::lock_guard lock(state_mutex_);
  std::string out;
  for (const auto& l : stderr_tail_) {
    if (!out.empty()) out.push_back('\n');
    out += l;
  }
  return out;
}

std::string stdio_transport::describe_exit() {
  try_reap();
  std::string text;
  if (auto status = exit_status()) {
    if (WIFEXITED(*status)) {
      text = "server process exited with status " + std::to_string(WEXITSTATUS(*status));
    } else if (WIFSIGNALED(*status)) {
      text = "server process was killed by signal " + std::to_string(WTERMSIG(*status));
    } else {
      text = "server process ended";
    }
  } else {
    text = "server process closed its stdout";
  }
  {
    // A server that died usually said why on stderr just before: let the reader catch up (a
    // grandchild may hold stderr open, hence the bound).
    std::unique_lock lock(state_mutex_);
    stderr_ended_cv_.wait_for(lock, std::chrono::milliseconds(500), [&] { return stderr_ended_; });
  }
  auto tail = stderr_tail();
  if (!tail.empty()) {
    auto nl = tail.rfind('\n');
    text += "; its last stderr line: " + (nl == std::string::npos ? tail : tail.substr(nl + 1));
  }
  return text;
}

void stdio_transport::close() {
  if (closing_.exchange(true)) return;
  if (pid_ == 0) return;
  {
    std::lock_guard lock(write_mutex_);
    close_fd(stdin_fd_);  // a well-behaved server exits at end of input
  }
  if (!wait_exit(options_.exit_grace)) {
    ::kill(pid_, SIGTERM);
    if (!wait_exit(options_.exit_grace)) {
      ::kill(pid_, SIGKILL);
      wait_exit(std::chrono::seconds(10));
    }
  }
  // Let the readers drain what the server wrote before it exited, then wake them (a grandchild
  // may still hold the pipes open).
  if (stdout_thread_.joinable() || stderr_thread_.joinable()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    char one = 1;
    (void)!::write(wake_write_fd_, &one, 1);
  }
  if (stdout_thread_.joinable()) stdout_thread_.join();
  if (stderr_thread_.joinable()) stderr_thread_.join();
  close_fd(stdout_fd_);
  close_fd(stderr_fd_);
  close_fd(wake_read_fd_);
  close_fd(wake_write_fd_);
}

}  // namespace lumen::client
