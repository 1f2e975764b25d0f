// Newline-delimited input with a line limit, as both ends of the stdio transport read it: lines
// may arrive in pieces, end in "\n" or "\r\n", and one longer than the limit is reported and
// skipped up to its newline (so a single bad message costs neither memory nor the connection).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace lumen::core {

/// Splits a byte stream into lines of at most a given length (see the file comment).
class line_reader {
 public:
  /// Receives each complete line without its "\n" or "\r\n"; it may move the string out.
  using line_handler = std::function<void(std::string& line)>;
  /// Told once for each line longer than the limit (whose bytes are then dropped).
  using overflow_handler = std::function<void()>;

  /// How read_from() ended.
  enum class end_reason { end_of_input, woken, failed };
  /// The end of read_from(): why, and for `failed` what failed ("read: Bad file descriptor").
  struct read_end {
    end_reason reason;
    std::string error;
  };

  /// A reader of lines up to `max_line` bytes (a "\r" before the newline counts).
  line_reader(std::size_t max_line, line_handler on_line, overflow_handler on_overflow = {});

  /// Feeds the next bytes of the stream; calls the handlers for the lines they complete.
  void feed(std::string_view data);

  /// At end of input: the unterminated last line ("\r" removed), unless it is empty or over the limit.
  std::optional<std::string> take_unterminated();

  /// Reads `fd` and feeds what arrives until end of input, a read error, or `wake_fd` becoming
  /// readable (how another thread stops the reader). Retries EINTR and EAGAIN.
  read_end read_from(int fd, int wake_fd);

 private:
  std::size_t max_line_;
  line_handler on_line_;
  overflow_handler on_overflow_;
  std::string buffer_;       // the line being assembled
  std::string line_;         // the line handed out (its capacity is reused)
  bool discarding_ = false;  // inside an over-long line, dropping bytes up to its newline
};

}  // namespace lumen::core
