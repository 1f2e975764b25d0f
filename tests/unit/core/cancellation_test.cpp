// Cooperative cancellation: tokens, reasons, and callback registrations that unregister when
// they are destroyed, reset, or assigned over.
#include <lumen/core/cancellation.hpp>

#include <gtest/gtest.h>

namespace lumen::core {
namespace {

TEST(Cancellation, CallbacksRunOnceWithTheReason) {
  cancellation_source source;
  auto token = source.token();
  int calls = 0;
  auto registration = token.on_cancel([&] { ++calls; });
  EXPECT_TRUE(source.cancel("stop"));
  EXPECT_FALSE(source.cancel("again"));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(token.is_cancelled());
  EXPECT_EQ(token.reason(), "stop");
}

TEST(Cancellation, CallbackOnACancelledTokenRunsAtOnce) {
  cancellation_source source;
  source.cancel();
  int calls = 0;
  auto registration = source.token().on_cancel([&] { ++calls; });
  EXPECT_EQ(calls, 1);
}

TEST(Cancellation, DestroyedRegistrationIsNotCalled) {
  cancellation_source source;
  int calls = 0;
  { auto registration = source.token().on_cancel([&] { ++calls; }); }
  source.cancel();
  EXPECT_EQ(calls, 0);
}

TEST(Cancellation, AssigningOverARegistrationUnregistersIt) {
  cancellation_source source;
  int first = 0, second = 0;
  auto registration = source.token().on_cancel([&] { ++first; });
  registration = source.token().on_cancel([&] { ++second; });
  source.cancel();
  EXPECT_EQ(first, 0) << "the replaced callback must be gone";
  EXPECT_EQ(second, 1);

  cancellation_source other;
  int cleared = 0;
  auto to_clear = other.token().on_cancel([&] { ++cleared; });
  to_clear = {};
  other.cancel();
  EXPECT_EQ(cleared, 0);
}

TEST(Cancellation, ResetUnregistersAndMovedFromIsInert) {
  cancellation_source source;
  int calls = 0;
  auto registration = source.token().on_cancel([&] { ++calls; });
  auto moved = std::move(registration);
  registration.reset();  // moved-from: nothing to do
  moved.reset();
  moved.reset();
  source.cancel();
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace lumen::core
