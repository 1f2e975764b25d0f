// http_server over real loopback sockets: routing, keep-alive, the 413 and 431 limits, and how
// stop() ends idle connections, a request in flight and an open SSE stream.
#include <lumen/transport/http_server.hpp>

#include "../../integration/http/http_test_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace lumen::transport {
namespace {

using namespace std::chrono_literals;
using test::http_test_client;
using clock_type = std::chrono::steady_clock;

// Answers with the path it served, under a label naming the route.
route_handler answer_with(std::string label) {
  return [label](http_request req, std::shared_ptr<response_channel> ch) {
    ch->respond({200, {{"Content-Type", "text/plain"}}, label + " " + std::string(req.path())});
  };
}

// Hands the channels of the requests it receives to the test, which answers them when it likes.
class held_channels {
 public:
  route_handler handler() {
    return [this](http_request, std::shared_ptr<response_channel> ch) {
      std::lock_guard lock(mutex_);
      channels_.push_back(std::move(ch));
      cv_.notify_all();
    };
  }
  std::shared_ptr<response_channel> wait(std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, timeout, [&] { return !channels_.empty(); })) throw std::runtime_error("no request arrived");
    return channels_.front();
  }
  void clear() {
    std::lock_guard lock(mutex_);
    channels_.clear();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<response_channel>> channels_;
};

std::chrono::milliseconds elapsed_since(clock_type::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
}

class HttpServer : public ::testing::Test {
 protected:
  void start(http_server_options options = {}) {
    server_ = std::make_unique<http_server>(std::move(options));
    server_->route("/exact", answer_with("exact"));
    server_->route("/tree", answer_with("tree"), true);
    server_->route("/tree/first", answer_with("shadowed"));  // the prefix route, added first, wins
    server_->route("/held", held_.handler());
    server_->route("/throws", [](http_request, std::shared_ptr<response_channel>) {
      throw std::runtime_error("handler failed");
    });
    server_->start();
  }

  void TearDown() override {
    if (server_) server_->stop();
    held_.clear();
  }

  // Measures stop().
  std::chrono::milliseconds timed_stop() {
    auto start = clock_type::now();
    server_->stop();
    return elapsed_since(start);
  }

  std::unique_ptr<http_server> server_;
  held_channels held_;
};

TEST_F(HttpServer, Routes_ExactPrefixInOrder_OtherPathsAre404) {
  start();
  http_test_client c(server_->port());
  EXPECT_EQ(c.request("GET", "/exact", {}).body, "exact /exact");
  EXPECT_EQ(c.request("GET", "/exact?query=1", {}).body, "exact /exact") << "the query is not part of the path";
  EXPECT_EQ(c.request("GET", "/exact/below", {}).status, 404u) << "an exact route does not serve paths below it";
  EXPECT_EQ(c.request("GET", "/tree", {}).body, "tree /tree");
  EXPECT_EQ(c.request("GET", "/tree/a/b", {}).body, "tree /tree/a/b");
  EXPECT_EQ(c.request("GET", "/tree/first", {}).body, "tree /tree/first");
  auto sibling = c.request("GET", "/treetop", {});
  EXPECT_EQ(sibling.status, 404u) << "a prefix matches whole path segments";
  EXPECT_NE(sibling.body.find("Not Found"), std::string::npos);
  EXPECT_EQ(server_->base_url(), "http://127.0.0.1:" + std::to_string(server_->port()));
}

TEST_F(HttpServer, KeepAlive_ServesManyRequestsOnOneConnection_AHandlerThatThrowsIs500) {
  start();
  http_test_client c(server_->port());
  for (int i = 0; i < 5; ++i) {
    auto r = c.request("POST", "/exact", {{"Content-Type", "text/plain"}}, "body " + std::to_string(i));
    EXPECT_EQ(r.status, 200u);
    EXPECT_FALSE(r.header("Connection").has_value()) << "kept alive";
  }
  auto failed = c.request("GET", "/throws", {});
  EXPECT_EQ(failed.status, 500u);
  EXPECT_NE(failed.body.find("handler failed"), std::string::npos) << failed.body;
  EXPECT_EQ(c.request("GET", "/exact", {}).status, 200u) << "the connection survives a failed handler";

  auto last = c.request("GET", "/exact", {{"Connection", "close"}});
  EXPECT_EQ(last.status, 200u);
  EXPECT_EQ(last.header("Connection").value_or(""), "close");
  EXPECT_TRUE(c.closed_by_peer_within(2s));
}

TEST_F(HttpServer, BodyOverTheLimit_Is413AndTheConnectionCloses) {
  start({.max_body_bytes = 1024});
  http_test_client ok(server_->port());
  EXPECT_EQ(ok.request("POST", "/exact", {}, std::string(1024, 'a')).status, 200u);

  http_test_client c(server_->port());
  auto r = c.request("POST", "/exact", {}, std::string(1025, 'a'));
  EXPECT_EQ(r.status, 413u);
  EXPECT_NE(r.body.find("Payload Too Large"), std::string::npos) << r.body;
  EXPECT_TRUE(c.closed_by_peer_within(2s));
}

TEST_F(HttpServer, HeadersOverTheLimit_Is431AndTheConnectionCloses) {
  start({.max_header_bytes = 1024});
  http_test_client ok(server_->port());
  EXPECT_EQ(ok.request("GET", "/exact", {{"X-Small", std::string(100, 'h')}}).status, 200u);

  http_test_client c(server_->port());
  auto r = c.request("GET", "/exact", {{"X-Large", std::string(2048, 'h')}});
  EXPECT_EQ(r.status, 431u);
  EXPECT_NE(r.body.find("Request Header Fields Too Large"), std::string::npos) << r.body;
  EXPECT_TRUE(c.closed_by_peer_within(2s));
}

TEST_F(HttpServer, StopWithIdleKeepAliveConnections_ClosesThemAtOnce) {
  // Neither the grace period nor the idle timeout is waited for: nothing is in progress.
  start({.idle_timeout = 60s, .shutdown_grace = 10s});
  std::vector<std::unique_ptr<http_test_client>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<http_test_client>(server_->port()));
    ASSERT_EQ(clients.back()->request("GET", "/exact", {}).status, 200u);
  }
  auto took = timed_stop();
  EXPECT_LT(took, 1500ms);
  for (auto& c : clients) EXPECT_TRUE(c->closed_by_peer_within(1s));
  // Nothing listens any more.
  EXPECT_THROW(http_test_client late(server_->port()), boost::system::system_error);
}

TEST_F(HttpServer, StopWithASlowRequestInFlight_WaitsForItsAnswerThenCloses) {
  start({.shutdown_grace = 10s});
  http_test_client c(server_->port());
  c.send("GET", "/held", {});
  auto channel = held_.wait();
  // The handler answers 300 ms after stop() began: stop() waits for the answer to be written
  // (not for the 10 s grace), then closes the connection.
  auto answer = std::async(std::launch::async, [channel] {
    std::this_thread::sleep_for(300ms);
    channel->respond({200, {{"Content-Type", "text/plain"}}, "late answer"});
  });
  auto took = timed_stop();
  answer.get();
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 2000ms);
  auto r = c.read();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "late answer");
  EXPECT_TRUE(c.closed_by_peer_within(1s));
}

TEST_F(HttpServer, StopWithARequestNeverAnswered_EndsAfterTheGracePeriod) {
  start({.shutdown_grace = 300ms});
  http_test_client c(server_->port());
  c.send("GET", "/held", {});
  auto channel = held_.wait();
  auto took = timed_stop();
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 2000ms);
  EXPECT_TRUE(c.closed_by_peer_within(1s));
  EXPECT_FALSE(channel->is_open());
}

TEST_F(HttpServer, StopWithAnSseStreamOpen_EndsAfterTheGracePeriodAndClosesIt) {
  start({.shutdown_grace = 300ms});
  http_test_client c(server_->port());
  c.send("GET", "/held", {});
  auto channel = held_.wait();
  channel->start_stream({});
  ASSERT_TRUE(channel->send("data: first\n\n"));
  std::vector<test::sse_event> events;
  bool done = false;
  auto head = c.read_events(1, events, done);
  ASSERT_EQ(head.status, 200u);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "first");

  auto took = timed_stop();
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 2000ms);
  EXPECT_TRUE(c.closed_by_peer_within(1s));
  EXPECT_FALSE(channel->is_open());
  EXPECT_FALSE(channel->send("data: too late\n\n"));
}

TEST_F(HttpServer, StopIsIdempotentAndWorksBeforeStart) {
  http_server never_started(http_server_options{});
  never_started.stop();
  never_started.stop();
  start();
  server_->stop();
  server_->stop();
}

TEST(HttpServerBind, AnAddressInUse_IsAClearError) {
  http_server first(http_server_options{});
  try {
    http_server second(http_server_options{.port = first.port()});
    FAIL() << "bound a port in use";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("the port is in use"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lumen::transport
