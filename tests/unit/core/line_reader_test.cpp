// The newline reader: lines split across reads, CRLF, the line limit (reported once, the line
// skipped, the next read normally), the unterminated last line, and reading a real pipe.
#include <lumen/core/line_reader.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <thread>
#include <unistd.h>
#include <vector>

using lumen::core::line_reader;

namespace {

struct collected {
  std::vector<std::string> lines;
  int overflows = 0;
  line_reader reader(std::size_t max_line) {
    return line_reader(
        max_line, [this](std::string& line) { lines.push_back(std::move(line)); }, [this] { ++overflows; });
  }
};

struct pipe_pair {
  int read_end = -1;
  int write_end = -1;
  pipe_pair() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    read_end = fds[0];
    write_end = fds[1];
  }
  ~pipe_pair() {
    close_write();
    if (read_end >= 0) ::close(read_end);
  }
  void write(std::string_view data) const { ASSERT_EQ(::write(write_end, data.data(), data.size()), static_cast<ssize_t>(data.size())); }
  void close_write() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
};

}  // namespace

TEST(LineReader, SplitsLinesAndStripsCrlf) {
  collected c;
  auto reader = c.reader(100);
  reader.feed("one\ntwo\r\n\nthree\r\r\n");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"one", "two", "", "three\r"}));
  EXPECT_EQ(c.overflows, 0);
}

TEST(LineReader, JoinsALineFedInPiecesIncludingAByteAtATime) {
  collected c;
  auto reader = c.reader(100);
  const std::string text = "{\"a\":1}\r\n{\"b\":2}\n";
  for (char ch : text) reader.feed(std::string_view(&ch, 1));
  reader.feed("par");
  reader.feed("tial\r");
  reader.feed("\nend\n");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "partial", "end"}));
}

TEST(LineReader, ALineAtTheLimitPassesAndOneByteMoreIsReportedOnceAndSkipped) {
  collected c;
  auto reader = c.reader(5);
  reader.feed("12345\n123456\nok\n");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"12345", "ok"}));
  EXPECT_EQ(c.overflows, 1);
}

TEST(LineReader, AnOverLongLineArrivingInPiecesIsReportedOnceAndTheReaderRecovers) {
  collected c;
  auto reader = c.reader(4);
  reader.feed("abc");
  reader.feed("defgh");
  reader.feed("ijkl");
  EXPECT_EQ(c.overflows, 1);
  reader.feed("mn\nnext\nxxxxxxxx\nlast\n");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"next", "last"}));
  EXPECT_EQ(c.overflows, 2);
}

TEST(LineReader, TheCarriageReturnCountsTowardsTheLimit) {
  collected c;
  auto reader = c.reader(3);
  reader.feed("abc\r\nab\r\n");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"ab"}));
  EXPECT_EQ(c.overflows, 1);
}

TEST(LineReader, TheUnterminatedLastLineIsKeptForTheCaller) {
  collected c;
  auto reader = c.reader(10);
  reader.feed("done\nlast\r");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"done"}));
  EXPECT_EQ(reader.take_unterminated(), "last");
  EXPECT_EQ(reader.take_unterminated(), std::nullopt);
}

TEST(LineReader, NoUnterminatedLineWhenEmptyOrOverTheLimit) {
  collected c;
  auto reader = c.reader(3);
  EXPECT_EQ(reader.take_unterminated(), std::nullopt);
  reader.feed("x\n");
  EXPECT_EQ(reader.take_unterminated(), std::nullopt);
  reader.feed("toolong");
  EXPECT_EQ(reader.take_unterminated(), std::nullopt);
  reader.feed("ok\n");  // after the over-long rest was abandoned, a new line starts
  EXPECT_EQ(c.lines, (std::vector<std::string>{"x", "ok"}));
}

TEST(LineReader, KeepsEveryByteValueButNewlineInsideALine) {
  std::string line;
  for (int b = 0; b < 256; ++b) {
    if (b != '\n') line += static_cast<char>(b);
  }
  collected c;
  auto reader = c.reader(line.size());
  reader.feed(line + "\n");
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_EQ(c.lines[0], line);
}

TEST(LineReader, ReadsAPipeWrittenInPiecesUntilEndOfInput) {
  pipe_pair input;
  pipe_pair wake;
  std::thread writer([&] {
    input.write("{\"id\":");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    input.write("1}\r\n" + std::string(100, 'x') + "\nsecond\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    input.write("no newline");
    input.close_write();
  });
  collected c;
  auto reader = c.reader(64);
  auto end = reader.read_from(input.read_end, wake.read_end);
  writer.join();
  EXPECT_EQ(end.reason, line_reader::end_reason::end_of_input);
  EXPECT_EQ(c.lines, (std::vector<std::string>{"{\"id\":1}", "second"}));
  EXPECT_EQ(c.overflows, 1);
  EXPECT_EQ(reader.take_unterminated(), "no newline");
}

TEST(LineReader, ALongLineLargerThanOneReadArrivesWhole) {
  pipe_pair input;
  pipe_pair wake;
  const std::string big(300'000, 'y');
  std::thread writer([&] {
    input.write(big + "\n");
    input.close_write();
  });
  collected c;
  auto reader = c.reader(big.size());
  EXPECT_EQ(reader.read_from(input.read_end, wake.read_end).reason, line_reader::end_reason::end_of_input);
  writer.join();
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_EQ(c.lines[0], big);
}

TEST(LineReader, StopsWhenWokenWhileTheInputStaysOpen) {
  pipe_pair input;
  pipe_pair wake;
  collected c;
  auto reader = c.reader(64);
  input.write("before\n");
  std::thread waker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    wake.write("x");
  });
  auto end = reader.read_from(input.read_end, wake.read_end);
  waker.join();
  EXPECT_EQ(end.reason, line_reader::end_reason::woken);
  EXPECT_EQ(c.lines, (std::vector<std::string>{"before"}));
}

TEST(LineReader, AReadErrorSaysWhatFailed) {
  pipe_pair wake;
  collected c;
  auto reader = c.reader(64);
  // A directory polls readable and its read fails with EISDIR.
  const int directory = ::open("/", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(directory, 0);
  auto end = reader.read_from(directory, wake.read_end);
  ::close(directory);
  EXPECT_EQ(end.reason, line_reader::end_reason::failed);
  EXPECT_EQ(end.error, "read: Is a directory");
  EXPECT_TRUE(c.lines.empty());
}
