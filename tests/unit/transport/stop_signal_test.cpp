#include <lumen/transport/stop_signal.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <stdexcept>
#include <thread>

namespace lumen::transport {
namespace {

TEST(StopSignal, WaitReturnsTheSignalEvenFromAnotherThreadAndBeforeTheCall) {
  stop_signal stop;
  std::raise(SIGTERM);  // arrives before wait(): kept, not lost
  EXPECT_EQ(stop.wait(), SIGTERM);
  std::thread other([] { ::kill(::getpid(), SIGINT); });
  EXPECT_EQ(stop.wait(), SIGINT);
  other.join();
  EXPECT_STREQ(stop_signal::name(SIGINT), "SIGINT");
}

TEST(StopSignal, OnlyOneAtATimeAndHandlersAreRestored) {
  {
    stop_signal stop;
    EXPECT_THROW(stop_signal{}, std::logic_error);
  }
  struct sigaction now{};
  ::sigaction(SIGTERM, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL);
  stop_signal again;  // a new one can be made once the first has gone
}

}  // namespace
}  // namespace lumen::transport
