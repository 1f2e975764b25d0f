// The SSE parser: events split across chunks, every line ending, ids, retry, comments.
#include <lumen/client/sse_parser.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace lumen::client {
namespace {

struct collector {
  std::vector<sse_event> events;
  sse_parser parser{[this](sse_event e) { events.push_back(std::move(e)); }};
};

TEST(SseParser, WholeEventsWithTypeAndId) {
  collector c;
  c.parser.feed("event: message\nid: 7\ndata: {\"a\":1}\n\n");
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].type, "message");
  EXPECT_EQ(c.events[0].id, "7");
  EXPECT_EQ(c.events[0].data, "{\"a\":1}");
  EXPECT_EQ(c.parser.last_event_id(), "7");
}

TEST(SseParser, EventsSplitAcrossChunksAtAnyByte) {
  std::string stream = "data: one\r\n\r\nevent: x\rdata: two\r\ndata: lines\n\n";
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    collector c;
    c.parser.feed(stream.substr(0, split));
    c.parser.feed(stream.substr(split));
    ASSERT_EQ(c.events.size(), 2u) << split;
    EXPECT_EQ(c.events[0].data, "one");
    EXPECT_EQ(c.events[0].type, "message");
    EXPECT_EQ(c.events[1].type, "x");
    EXPECT_EQ(c.events[1].data, "two\nlines");
  }
}

TEST(SseParser, RetryIdAndCommentsWithoutData) {
  collector c;
  c.parser.feed(": keep-alive\nid: e1\nretry: 500\n\n");
  EXPECT_TRUE(c.events.empty());
  EXPECT_EQ(c.parser.last_event_id(), "e1");
  ASSERT_TRUE(c.parser.retry());
  EXPECT_EQ(c.parser.retry()->count(), 500);
  c.parser.feed("retry: soon\n\n");  // not digits: ignored
  EXPECT_EQ(c.parser.retry()->count(), 500);
}

TEST(SseParser, PrimingEventWithEmptyDataIsDispatchedEmpty) {
  collector c;
  c.parser.feed("id: p\nretry: 100\ndata: \n\n");
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].data, "");
  EXPECT_EQ(c.events[0].id, "p");
}

TEST(SseParser, ByteOrderMarkAndFieldWithoutColon) {
  collector c;
  c.parser.feed("\xEF\xBB");
  c.parser.feed("\xBF" "data\ndata:x\n\n");
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].data, "\nx");
}

}  // namespace
}  // namespace lumen::client
