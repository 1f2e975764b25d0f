// Streamable HTTP over real sockets: exact answers, SSE ids and resumption, sessions, errors.
#include "fixture.hpp"

#include <atomic>
#include <regex>
#include <thread>

using namespace lumen;
using namespace lumen::test;

using StreamableHttp = http_fixture;

TEST_F(StreamableHttp, Initialize_AnswersJsonWithARandomSessionId) {
  start();
  http_test_client c(port());
  auto r = c.request("POST", "/mcp", post_headers, initialize_body());
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  auto sid = r.header("Mcp-Session-Id").value_or("");
  EXPECT_TRUE(std::regex_match(sid, std::regex("[0-9a-f]{32}"))) << sid;
  auto result = r.json().at("result").as_object();
  EXPECT_EQ(result.at("protocolVersion"), "2025-11-25");
  EXPECT_EQ(result.at("serverInfo").at("name"), "it");
  // A second session gets another id.
  http_test_client c2(port());
  EXPECT_NE(c2.request("POST", "/mcp", post_headers, initialize_body()).header("Mcp-Session-Id").value_or(""), sid);
}

TEST_F(StreamableHttp, ToolCall_ExactJsonAnswer) {
  start();
  http_test_client c(port());
  auto sid = open_session(c);
  auto r = c.request("POST", "/mcp", with_session(sid), call_body(7, "echo", R"({"text":"hi"})"));
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("Mcp-Session-Id"), sid);
  EXPECT_EQ(r.body, R"({"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"hi"}]}})");
}

TEST_F(StreamableHttp, NotificationsAndResponsesGet202WithoutBody) {
  start();
  http_test_client c(port());
  auto sid = open_session(c);
  auto r = c.request("POST", "/mcp", with_session(sid), R"({"jsonrpc":"2.0","method":"notifications/roots/list_changed"})");
  EXPECT_EQ(r.status, 202u);
  EXPECT_TRUE(r.body.empty());
  r = c.request("POST", "/mcp", with_session(sid), R"({"jsonrpc":"2.0","id":99,"result":{}})");
  EXPECT_EQ(r.status, 202u);
}

TEST_F(StreamableHttp, HandlerNotifyingFirst_StreamsSseWithPrimingEventAndOrderedIds) {
  start();
  http_test_client c(port());
  auto sid = open_session(c);
  auto r = c.request("POST", "/mcp", with_session(sid), call_body(2, "log_then_answer"));
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("Content-Type"), "text/event-stream");
  auto events = parse_sse(r.body);
  ASSERT_EQ(events.size(), 3u) << r.body;
  auto first = transport::event_id::parse(events[0].id);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->sequence, 0u);
  EXPECT_EQ(events[0].data, "");
  EXPECT_EQ(events[0].retry, "1000");
  EXPECT_EQ(events[1].id, (transport::event_id{first->stream, 1}.to_string()));
  EXPECT_EQ(events[2].id, (transport::event_id{first->stream, 2}.to_string()));
  EXPECT_EQ(boost::json::parse(events[1].data).at("method"), "notifications/message");
  EXPECT_EQ(events[2].data, R"({"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"done"}]}})");
  // The next request's stream has another number: ids stay unique in the session.
  auto r2 = c.request("POST", "/mcp", with_session(sid), call_body(3, "log_then_answer"));
  auto events2 = parse_sse(r2.body);
  ASSERT_FALSE(events2.empty());
  EXPECT_NE(transport::event_id::parse(events2[0].id)->stream, first->stream);
}

TEST_F(StreamableHttp, OlderClients_GetNoPrimingEvent) {
  start();
  http_test_client c(port());
  auto sid = open_session(c, "2025-06-18");
  auto r = c.request("POST", "/mcp", with_session(sid, "2025-06-18"), call_body(2, "log_then_answer"));
  auto events = parse_sse(r.body);
  ASSERT_EQ(events.size(), 2u) << r.body;
  EXPECT_FALSE(events[0].data.empty());
}

TEST_F(StreamableHttp, AlwaysStream_AnswersEveryRequestAsSse) {
  start({.always_stream = true});
  http_test_client c(port());
  auto sid = open_session(c);
  auto r = c.request("POST", "/mcp", with_session(sid), call_body(2, "echo", R"({"text":"x"})"));
  EXPECT_EQ(r.header("Content-Type"), "text/event-stream");
  auto events = parse_sse(r.body);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].data, R"({"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"x"}]}})");
}

TEST_F(StreamableHttp, ClosedStream_IsResumedWithLastEventId) {
  start();
  http_test_client c(port());
  auto sid = open_session(c);
  auto r = c.request("POST", "/mcp", with_session(sid), call_body(5, "poll"));
  ASSERT_EQ(r.status, 200u);
  auto events = parse_sse(r.body);
  ASSERT_EQ(events.size(), 1u) << r.body;  // only the priming event before the server closed it
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto h = get_headers(sid);
  h.emplace_back("Last-Event-ID", events[0].id);
  auto resumed = c.request("GET", "/mcp", h);
  ASSERT_EQ(resumed.status, 200u);
  auto replayed = parse_sse(resumed.body);
  ASSERT_EQ(replayed.size(), 2u) << resumed.body;
  auto base = *transport::event_id::parse(events[0].id);
  EXPECT_EQ(replayed[0].id, (transport::event_id{base.stream, 1}.to_string()));
  EXPECT_EQ(boost::json::parse(replayed[0].data).at("method"), "notifications/message");
  EXPECT_EQ(replayed[1].data, R"({"jsonrpc":"2.0","id":5,"result":{"content":[{"type":"text","text":"polled"}]}})");
}

TEST_F(StreamableHttp, DroppedConnection_IsNotACancellation_AndResumes) {
  start();
  std::string sid;
  std::string last_id;
  {
    http_test_client c(port());
    sid = open_session(c);
    c.send("POST", "/mcp", with_session(sid), call_body(9, "log_then_wait"));
    std::vector<sse_event> events;
    bool done = false;
    c.read_events(2, events, done);
    ASSERT_EQ(events.size(), 2u);  // priming + "waiting"
    last_id = events[1].id;
    c.close();  // the client goes away mid-request
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  gate_.open();  // the handler still runs and answers
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  http_test_client c(port());
  auto h = get_headers(sid);
  h.emplace_back("Last-Event-ID", last_id);
  auto resumed = c.request("GET", "/mcp", h);
  auto replayed = parse_sse(resumed.body);
  ASSERT_EQ(replayed.size(), 1u) << resumed.body;
  EXPECT_EQ(replayed[0].data, R"({"jsonrpc":"2.0","id":9,"result":{"content":[{"type":"text","text":"released"}]}})");
}

TEST_F(StreamableHttp, StandaloneStream_CarriesSessionMessagesAndNeverAnotherSessions) {
  start();
  http_test_client a(port()), b(port());
  auto sa = open_session(a);
  auto sb = open_session(b);
  http_test_client ga(port()), gb(port());
  ga.send("GET", "/mcp", get_headers(sa));
  gb.send("GET", "/mcp", get_headers(sb));
  std::vector<sse_event> ea, eb;
  bool done = false;
  ga.read_events(1, ea, done);
  gb.read_events(1, eb, done);
  ASSERT_EQ(ea.size(), 1u);  // priming
  EXPECT_EQ(ea[0].id, "0-0");
  EXPECT_EQ(b.request("POST", "/mcp", with_session(sb), call_body(2, "notify_session", R"({"text":"for-b"})")).status, 200u);
  EXPECT_EQ(a.request("POST", "/mcp", with_session(sa), call_body(2, "notify_session", R"({"text":"for-a"})")).status, 200u);
  ga.read_events(2, ea, done);
  gb.read_events(2, eb, done);
  ASSERT_EQ(ea.size(), 2u);
  ASSERT_EQ(eb.size(), 2u);
  EXPECT_EQ(ea[1].id, "0-1");
  EXPECT_NE(ea[1].data.find("for-a"), std::string::npos);
  EXPECT_NE(eb[1].data.find("for-b"), std::string::npos);
  // Nothing else arrives on either stream.
  ga.read_events(3, ea, done, std::chrono::milliseconds(300));
  gb.read_events(3, eb, done, std::chrono::milliseconds(300));
  EXPECT_EQ(ea.size(), 2u);
  EXPECT_EQ(eb.size(), 2u);
}

TEST_F(StreamableHttp, StandaloneMessages_WaitForTheGetStream) {
  start();
  http_test_client c(port());
  auto sid = open_session(c);
  c.request("POST", "/mcp", with_session(sid), call_body(2, "notify_session", R"({"text":"queued"})"));
  http_test_client g(port());
  g.send("GET", "/mcp", get_headers(sid));
  std::vector<sse_event> events;
  bool done = false;
  g.read_events(2, events, done);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_NE(events[1].data.find("queued"), std::string::npos);
}

TEST_F(StreamableHttp, ConcurrentSessions_EachGetTheirOwnAnswers) {
  start({}, {.threads = 4});
  constexpr int sessions = 16;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < sessions; ++i) {
    threads.emplace_back([&, i] {
      http_test_client c(port());
      auto r = c.request("POST", "/mcp", post_headers, initialize_body());
      auto sid = r.header("Mcp-Session-Id").value_or("");
      for (int j = 0; j < 10; ++j) {
        std::string text = "s" + std::to_string(i) + "-" + std::to_string(j);
        auto a = c.request("POST", "/mcp", with_session(sid), call_body(j + 2, "echo", R"({"text":")" + text + "\"}"));
        if (a.body == R"({"jsonrpc":"2.0","id":)" + std::to_string(j + 2) +
                          R"(,"result":{"content":[{"type":"text","text":")" + text + "\"}]}}") {
          ++ok;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), sessions * 10);
  EXPECT_EQ(endpoint_->session_count(), static_cast<std::size_t>(sessions));
}

TEST_F(StreamableHttp, Delete_EndsTheSession_ThenItIs404) {
  start();
  http_test_client c(port());
  auto sid = open_session(c);
  auto d = c.request("DELETE", "/mcp", with_session(sid));
  EXPECT_EQ(d.status, 200u);
  auto r = c.request("POST", "/mcp", with_session(sid), call_body(2, "echo"));
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.json().at("error").at("code"), -32001);
  EXPECT_EQ(c.request("DELETE", "/mcp", with_session(sid)).status, 404u);
  EXPECT_EQ(endpoint_->session_count(), 0u);
}

TEST_F(StreamableHttp, IdleSessions_Expire) {
  start({.session_idle_timeout = std::chrono::seconds(1)});
  http_test_client c(port());
  auto sid = open_session(c);
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  auto r = c.request("POST", "/mcp", with_session(sid), call_body(2, "echo"));
  EXPECT_EQ(r.status, 404u);
}

TEST_F(StreamableHttp, Stateless_ServesEveryPostWithoutSessions) {
  start({.stateless = true});
  http_test_client c(port());
  auto h = post_headers;
  h.emplace_back("MCP-Protocol-Version", "2025-11-25");
  auto r = c.request("POST", "/mcp", h, call_body(4, "echo", R"({"text":"free"})"));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_FALSE(r.header("Mcp-Session-Id"));
  EXPECT_EQ(r.body, R"({"jsonrpc":"2.0","id":4,"result":{"content":[{"type":"text","text":"free"}]}})");
  auto init = c.request("POST", "/mcp", post_headers, initialize_body());
  EXPECT_EQ(init.status, 200u);
  EXPECT_FALSE(init.header("Mcp-Session-Id"));
  EXPECT_EQ(c.request("GET", "/mcp", get_headers("x")).status, 405u);
  EXPECT_EQ(c.request("DELETE", "/mcp", with_session("x")).status, 405u);
  EXPECT_EQ(endpoint_->session_count(), 0u);
}

TEST_F(StreamableHttp, Shutdown_DrainsRequestsInFlight) {
  start();
  http_test_client c(port());
  auto sid = open_session(c);
  c.send("POST", "/mcp", with_session(sid), call_body(3, "slow"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::thread stopper([&] { endpoint_->shutdown(); });
  auto r = c.read();
  stopper.join();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, R"({"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"slow done"}]}})");
  http_test_client late(port());
  EXPECT_EQ(late.request("POST", "/mcp", post_headers, initialize_body()).status, 503u);
}

// Revision 2025-03-26 let a POST carry a JSON-RPC batch: its requests are answered together, as
// one JSON array (in the order they finish); its notifications and responses add nothing.
namespace {

// A 2025-03-26 client's headers: that revision had no MCP-Protocol-Version header.
http_test_client::headers_t old_session_headers(std::string_view sid) {
  auto h = post_headers;
  h.emplace_back("Mcp-Session-Id", std::string(sid));
  return h;
}

// The answers of a batch by their id, serialized ("2", "\"p\"", "null").
std::map<std::string, boost::json::object> answers_by_id(const boost::json::value& array) {
  std::map<std::string, boost::json::object> out;
  for (const auto& a : array.as_array()) out[boost::json::serialize(a.at("id"))] = a.as_object();
  return out;
}

const std::string cancelled_notification =
    R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":999}})";

}  // namespace

TEST_F(StreamableHttp, Batch_OnA2025_03_26Session_IsAnsweredAsOneJsonArray) {
  start();
  http_test_client c(port());
  auto sid = open_session(c, "2025-03-26");
  auto r = c.request("POST", "/mcp", old_session_headers(sid),
                     "[" + call_body(2, "echo", R"({"text":"a"})") + "," + cancelled_notification +
                         R"(,{"jsonrpc":"2.0","id":"p","method":"ping"}])");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("Mcp-Session-Id"), sid);
  auto answers = answers_by_id(r.json());
  ASSERT_EQ(answers.size(), 2u) << r.body;
  EXPECT_EQ(answers["2"].at("result").at("content").at(0).at("text"), "a");
  EXPECT_TRUE(answers["\"p\""].at("result").as_object().empty());
}

TEST_F(StreamableHttp, Batch_WhoseRequestLogs_StreamsTheLogThenOneEventWithEveryAnswer) {
  start();
  http_test_client c(port());
  auto sid = open_session(c, "2025-03-26");
  auto r = c.request("POST", "/mcp", old_session_headers(sid),
                     "[" + call_body(3, "log_then_answer") + "," + call_body(4, "echo", R"({"text":"b"})") + "]");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "text/event-stream");
  auto events = parse_sse(r.body);
  // No priming event for a 2025-03-26 client: the log, then the batch's answer.
  ASSERT_EQ(events.size(), 2u) << r.body;
  auto log = boost::json::parse(events[0].data);
  EXPECT_EQ(log.at("method"), "notifications/message");
  EXPECT_EQ(log.at("params").at("data"), "working");
  auto answers = answers_by_id(boost::json::parse(events[1].data));
  ASSERT_EQ(answers.size(), 2u) << events[1].data;
  EXPECT_EQ(answers["3"].at("result").at("content").at(0).at("text"), "done");
  EXPECT_EQ(answers["4"].at("result").at("content").at(0).at("text"), "b");
}

TEST_F(StreamableHttp, Batch_OfNotificationsOnly_Is202) {
  start();
  http_test_client c(port());
  auto sid = open_session(c, "2025-03-26");
  auto r = c.request("POST", "/mcp", old_session_headers(sid), "[" + cancelled_notification + "]");
  EXPECT_EQ(r.status, 202u);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(StreamableHttp, Batch_InvalidElements_AreAnsweredWithTheirErrorsInTheArray) {
  start();
  http_test_client c(port());
  auto sid = open_session(c, "2025-03-26");
  auto r = c.request("POST", "/mcp", old_session_headers(sid), R"([{"jsonrpc":"2.0","id":5,"method":"ping"},{"foo":1}])");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto answers = answers_by_id(r.json());
  ASSERT_EQ(answers.size(), 2u) << r.body;
  EXPECT_TRUE(answers["5"].contains("result"));
  EXPECT_EQ(answers["null"].at("error").at("code"), -32600);
  // Nothing valid at all (JSON-RPC 2.0's `[1]`): an array of one error.
  r = c.request("POST", "/mcp", old_session_headers(sid), "[1]");
  ASSERT_EQ(r.status, 200u) << r.body;
  ASSERT_EQ(r.json().as_array().size(), 1u);
  EXPECT_EQ(r.json().at(0).at("error").at("code"), -32600);
}

TEST_F(StreamableHttp, Batch_Stateless_IsServedForA2025_03_26ClientOnly) {
  start({.stateless = true});
  http_test_client c(port());
  const std::string body = "[" + call_body(6, "echo", R"({"text":"c"})") + R"(,{"jsonrpc":"2.0","id":7,"method":"ping"}])";
  auto r = c.request("POST", "/mcp", post_headers, body);  // no MCP-Protocol-Version: 2025-03-26
  ASSERT_EQ(r.status, 200u) << r.body;
  auto answers = answers_by_id(r.json());
  ASSERT_EQ(answers.size(), 2u) << r.body;
  EXPECT_EQ(answers["6"].at("result").at("content").at(0).at("text"), "c");
  auto newer = post_headers;
  newer.emplace_back("MCP-Protocol-Version", "2025-11-25");
  r = c.request("POST", "/mcp", newer, body);
  EXPECT_EQ(r.status, 400u) << r.body;
  EXPECT_NE(r.body.find("batches exist only in protocol revision 2025-03-26"), std::string::npos) << r.body;
  EXPECT_EQ(endpoint_->session_count(), 0u);
}

TEST_F(StreamableHttp, CancelledRequest_EndsItsStreamWithoutAnAnswer_AndFreesItsSlot) {
  // A cancelled request gets no response (MCP cancellation), but its POST must still end, and
  // it must stop counting against the session's requests in flight.
  start({.max_requests_per_session = 1});
  http_test_client c(port());
  auto sid = open_session(c);
  http_test_client busy(port());
  auto events = start_waiting_call(busy, with_session(sid), call_body(9, "log_then_wait"));
  ASSERT_EQ(events.size(), 2u);  // the priming event and the handler's log
  bool done = false;
  auto cancel = c.request("POST", "/mcp", with_session(sid),
                          R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":9}})");
  EXPECT_EQ(cancel.status, 202u);
  gate_.open();
  busy.read_events(10, events, done);
  EXPECT_TRUE(done) << "the cancelled request's stream did not end";
  EXPECT_EQ(events.size(), 2u) << "a cancelled request gets no answer";
  auto next = c.request("POST", "/mcp", with_session(sid), call_body(10, "echo", R"({"text":"next"})"));
  EXPECT_EQ(next.status, 200u) << next.body;
}

TEST_F(StreamableHttp, Batch_WithACancelledRequest_IsAnsweredWithTheOthersAnswers) {
  start();
  http_test_client c(port());
  auto sid = open_session(c, "2025-03-26");
  http_test_client busy(port());
  auto events = start_waiting_call(busy, old_session_headers(sid),
                                   "[" + call_body(11, "log_then_wait") + "," + call_body(12, "echo", R"({"text":"kept"})") + "]");
  ASSERT_EQ(events.size(), 1u);  // the waiting handler's log
  bool done = false;
  EXPECT_EQ(c.request("POST", "/mcp", old_session_headers(sid),
                      R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":11}})")
                .status,
            202u);
  gate_.open();
  busy.read_events(10, events, done);
  ASSERT_TRUE(done);
  ASSERT_EQ(events.size(), 2u);
  auto answers = answers_by_id(boost::json::parse(events[1].data));
  ASSERT_EQ(answers.size(), 1u) << events[1].data;
  EXPECT_EQ(answers["12"].at("result").at("content").at(0).at("text"), "kept");
}
