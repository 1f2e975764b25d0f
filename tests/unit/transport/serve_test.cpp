// serve(): its signal handling is an explicit option, and without it serve() installs none.
#include <lumen/transport/serve.hpp>

#include "../../integration/http/http_test_client.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <stop_token>
#include <thread>

namespace lumen::transport {
namespace {

using namespace std::chrono_literals;

sighandler_t disposition_of(int signal) {
  struct sigaction now{};
  ::sigaction(signal, nullptr, &now);
  return now.sa_handler;
}

// Runs serve() on another thread; `setup` reports the port once the server is about to start.
struct served {
  explicit served(serve_options options) {
    result = std::async(std::launch::async, [this, options] {
      return serve(srv, options, nullptr, [this](http_server& http) { port.set_value(http.port()); });
    });
  }
  server::server srv{protocol::implementation{.name = "serve-test", .version = "1"}};
  std::promise<std::uint16_t> port;
  std::future<int> result;
};

// A request answered: the server is up (it starts right after setup).
void expect_serving(std::uint16_t port) {
  test::http_test_client c(port);
  auto r = c.request("GET", "/not-mcp", {});
  EXPECT_EQ(r.status, 404u);
}

TEST(Serve, WithoutSignalHandling_InstallsNoneAndStopsWhenRequested) {
  ASSERT_EQ(disposition_of(SIGINT), SIG_DFL);
  ASSERT_EQ(disposition_of(SIGTERM), SIG_DFL);
  const auto pipe_before = disposition_of(SIGPIPE);
  std::stop_source stop;
  served s(serve_options{.handle_signals = false, .stop = stop.get_token()});
  auto port = s.port.get_future().get();
  expect_serving(port);
  EXPECT_EQ(disposition_of(SIGINT), SIG_DFL);
  EXPECT_EQ(disposition_of(SIGTERM), SIG_DFL);
  EXPECT_EQ(disposition_of(SIGPIPE), pipe_before);
  EXPECT_EQ(s.result.wait_for(200ms), std::future_status::timeout) << "serves until stopped";
  stop.request_stop();
  ASSERT_EQ(s.result.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(s.result.get(), 0);
}

TEST(Serve, WithSignalHandling_SigtermStopsIt_AndTheDispositionsComeBack) {
  ASSERT_EQ(disposition_of(SIGTERM), SIG_DFL);
  served s(serve_options{});
  auto port = s.port.get_future().get();
  expect_serving(port);
  EXPECT_NE(disposition_of(SIGINT), SIG_DFL);
  EXPECT_NE(disposition_of(SIGTERM), SIG_DFL);
  EXPECT_EQ(disposition_of(SIGPIPE), SIG_IGN);
  ::kill(::getpid(), SIGTERM);
  ASSERT_EQ(s.result.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(s.result.get(), 0);
  EXPECT_EQ(disposition_of(SIGINT), SIG_DFL);
  EXPECT_EQ(disposition_of(SIGTERM), SIG_DFL);
}

}  // namespace
}  // namespace lumen::transport
