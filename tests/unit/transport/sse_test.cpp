// SSE event ids and event text.
#include <lumen/transport/sse.hpp>

#include <gtest/gtest.h>

using namespace lumen::transport;

TEST(EventId, RoundTripsStreamAndSequence) {
  event_id id{7, 42};
  EXPECT_EQ(id.to_string(), "7-42");
  auto parsed = event_id::parse("7-42");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, id);
  event_id big{UINT64_MAX, UINT64_MAX};
  EXPECT_EQ(event_id::parse(big.to_string()), big);
}

TEST(EventId, RejectsMalformedIds) {
  for (const char* bad : {"", "-", "1-", "-1", "1", "a-1", "1-b", "1-2-3", "+1-2", "1--2", " 1-2", "1-2 ",
                          "99999999999999999999-1", "1-99999999999999999999"}) {
    EXPECT_FALSE(event_id::parse(bad)) << bad;
  }
}

TEST(SseEvent, CarriesIdEventTypeAndData) {
  EXPECT_EQ(format_sse_event("1-1", R"({"a":1})"), "id: 1-1\nevent: message\ndata: {\"a\":1}\n\n");
}

TEST(SseEvent, SplitsLineBreaksIntoDataLines) {
  EXPECT_EQ(format_sse_event("0-3", "a\nb\r\nc"), "id: 0-3\nevent: message\ndata: a\ndata: b\ndata: c\n\n");
}

TEST(SseEvent, PrimingEventHasIdEmptyDataAndRetry) {
  EXPECT_EQ(format_priming_event("2-0", std::chrono::milliseconds(1500)), "id: 2-0\nretry: 1500\ndata: \n\n");
  EXPECT_EQ(format_priming_event("2-0", std::nullopt), "id: 2-0\ndata: \n\n");
}
