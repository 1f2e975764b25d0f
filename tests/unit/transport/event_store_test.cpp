// The in-memory SSE event store.
#include <lumen/transport/event_store.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace lumen::transport;

namespace {

std::vector<std::string> replay(memory_event_store& store, const std::string& session, event_id after, bool* complete = nullptr) {
  std::vector<std::string> out;
  bool c = store.replay_after(session, after, [&](const event_id& id, std::string_view m) {
    out.push_back(id.to_string() + "=" + std::string(m));
  });
  if (complete) *complete = c;
  return out;
}

}  // namespace

TEST(MemoryEventStore, ReplaysOnlyTheSameStreamAfterTheId) {
  memory_event_store store;
  store.append("s", {1, 1}, "a");
  store.append("s", {2, 1}, "x");
  store.append("s", {1, 2}, "b");
  store.append("s", {1, 3}, "c");
  EXPECT_EQ(replay(store, "s", {1, 1}), (std::vector<std::string>{"1-2=b", "1-3=c"}));
  EXPECT_EQ(replay(store, "s", {1, 0}), (std::vector<std::string>{"1-1=a", "1-2=b", "1-3=c"}));
  EXPECT_EQ(replay(store, "s", {2, 0}), (std::vector<std::string>{"2-1=x"}));
  EXPECT_TRUE(replay(store, "s", {1, 3}).empty());
}

TEST(MemoryEventStore, SessionsAreIsolated) {
  memory_event_store store;
  store.append("one", {1, 1}, "mine");
  store.append("two", {1, 1}, "theirs");
  EXPECT_EQ(replay(store, "one", {1, 0}), (std::vector<std::string>{"1-1=mine"}));
  EXPECT_EQ(replay(store, "two", {1, 0}), (std::vector<std::string>{"1-1=theirs"}));
  store.erase_session("one");
  EXPECT_EQ(store.size("one"), 0u);
  EXPECT_EQ(store.size("two"), 1u);
}

TEST(MemoryEventStore, EvictsOldestBeyondTheEventLimitAndReportsTheGap) {
  memory_event_store store({.max_events_per_session = 2});
  store.append("s", {1, 1}, "a");
  store.append("s", {1, 2}, "b");
  store.append("s", {1, 3}, "c");
  EXPECT_EQ(store.size("s"), 2u);
  bool complete = true;
  EXPECT_EQ(replay(store, "s", {1, 0}, &complete), (std::vector<std::string>{"1-2=b", "1-3=c"}));
  EXPECT_FALSE(complete);
  EXPECT_EQ(replay(store, "s", {1, 1}, &complete), (std::vector<std::string>{"1-2=b", "1-3=c"}));
  EXPECT_TRUE(complete);
}

TEST(MemoryEventStore, ASessionWithAStreamPerRequestKeepsBoundedBookkeeping) {
  // SSE answers: every request is its own stream. A long session must not remember every one.
  memory_event_store store({.max_events_per_session = 4});
  for (std::uint64_t stream = 1; stream <= 100'000; ++stream) store.append("s", {stream, 1}, "answer");
  EXPECT_EQ(store.size("s"), 4u);
  EXPECT_LE(store.remembered_evictions("s"), 64u);
  bool complete = true;
  // A recent evicted stream is still known exactly: its one event was seen, or it was not.
  EXPECT_TRUE(replay(store, "s", {99'990, 1}, &complete).empty());
  EXPECT_TRUE(complete);
  EXPECT_TRUE(replay(store, "s", {99'990, 0}, &complete).empty());
  EXPECT_FALSE(complete);
  // A stream forgotten long ago: a gap cannot be ruled out, so it is reported.
  EXPECT_TRUE(replay(store, "s", {7, 1}, &complete).empty());
  EXPECT_FALSE(complete);
  // Streams still held replay as ever.
  EXPECT_EQ(replay(store, "s", {100'000, 0}, &complete), (std::vector<std::string>{"100000-1=answer"}));
  EXPECT_TRUE(complete);
}

TEST(MemoryEventStore, TheStandaloneStreamKeepsExactGapReportsBesideManyRequestStreams) {
  // Stream 0 is the standalone GET stream: it lives as long as the session, so it is never one
  // of the old streams forgotten to bound the bookkeeping.
  memory_event_store store({.max_events_per_session = 4});
  bool complete = false;
  store.append("s", {0, 1}, "note");
  EXPECT_EQ(replay(store, "s", {0, 0}, &complete), (std::vector<std::string>{"0-1=note"}));
  EXPECT_TRUE(complete);
  for (std::uint64_t stream = 1; stream <= 1'000; ++stream) store.append("s", {stream, 1}, "answer");
  EXPECT_LE(store.remembered_evictions("s"), 64u);
  // Its one event was evicted: a client that saw it missed nothing, one that did not missed it.
  EXPECT_TRUE(replay(store, "s", {0, 1}, &complete).empty());
  EXPECT_TRUE(complete);
  EXPECT_TRUE(replay(store, "s", {0, 0}, &complete).empty());
  EXPECT_FALSE(complete);
}

TEST(MemoryEventStore, EvictsBeyondTheByteLimit) {
  memory_event_store store({.max_events_per_session = 100, .max_bytes_per_session = 10});
  store.append("s", {1, 1}, "123456");
  store.append("s", {1, 2}, "789012");
  EXPECT_EQ(store.size("s"), 1u);
  EXPECT_EQ(replay(store, "s", {1, 1}), (std::vector<std::string>{"1-2=789012"}));
}
