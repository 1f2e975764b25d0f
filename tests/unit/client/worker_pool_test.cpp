// The client's bounded executor (src/client/worker_pool.hpp, private to the client library): its
// bound on admitted jobs, the jobs admitted beyond it, and a stop that runs what is queued and joins.
#include "../../../src/client/worker_pool.hpp"
#include "../../support/holding_gate.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace lumen::client::detail {
namespace {

using namespace std::chrono_literals;

TEST(WorkerPool, AdmitsThreadsPlusQueueLimitBoundedJobsAtOnce) {
  test::holding_gate g;
  worker_pool pool(2, 1);
  EXPECT_TRUE(pool.try_post([&] { g.pass(); }));
  EXPECT_TRUE(pool.try_post([&] { g.pass(); }));
  EXPECT_TRUE(pool.try_post([&] { g.pass(); }));
  EXPECT_FALSE(pool.try_post([&] { g.pass(); })) << "a fourth job was admitted past 2 threads + 1 waiting";
  // A job admitted beyond the bound (a retry) still gets in.
  std::atomic<bool> unbounded_ran{false};
  EXPECT_TRUE(pool.try_post([&] { unbounded_ran = true; }, worker_pool::admission::always));
  ASSERT_TRUE(g.wait_entered(2));
  g.open();
  pool.stop();
  EXPECT_EQ(g.entered(), 3);
  EXPECT_TRUE(unbounded_ran);
  EXPECT_EQ(g.thread_count(), 2u);
}

TEST(WorkerPool, AFinishedJobFreesItsPlace) {
  worker_pool pool(1, 0);
  std::atomic<int> ran{0};
  for (int i = 0; i < 20; ++i) {
    bool admitted = false;
    // The previous job may still be finishing: its place frees when it returns.
    for (int attempt = 0; attempt < 1000 && !admitted; ++attempt) {
      admitted = pool.try_post([&] { ++ran; });
      if (!admitted) std::this_thread::sleep_for(1ms);
    }
    ASSERT_TRUE(admitted) << "job " << i << " was never admitted";
  }
  pool.stop();
  EXPECT_EQ(ran.load(), 20);
}

TEST(WorkerPool, StopRunsTheQueuedJobsThenRefusesNewOnes) {
  test::holding_gate g;
  std::atomic<int> after{0};
  worker_pool pool(1, 4);
  ASSERT_TRUE(pool.try_post([&] { g.pass(); }));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pool.try_post([&] { ++after; }));
  ASSERT_TRUE(g.wait_entered(1));
  std::thread releaser([&] {
    std::this_thread::sleep_for(100ms);
    g.open();
  });
  pool.stop();  // waits for the gate, then for the three queued jobs
  releaser.join();
  EXPECT_EQ(after.load(), 3);
  EXPECT_FALSE(pool.try_post([] {}));
  EXPECT_FALSE(pool.try_post([] {}, worker_pool::admission::always));
}

TEST(WorkerPool, AJobMayStopItsOwnPool) {
  std::atomic<bool> posted{false}, stopped{false}, queued_ran{false}, queued_ran_before_stop_returned{false};
  worker_pool pool(1, 1);
  ASSERT_TRUE(pool.try_post([&] {
    for (int i = 0; i < 5000 && !posted; ++i) std::this_thread::sleep_for(1ms);
    pool.stop();  // a handler closing its client: this worker is detached, not joined
    queued_ran_before_stop_returned = queued_ran.load();
    stopped = true;
  }));
  EXPECT_TRUE(pool.try_post([&] { queued_ran = true; }));
  posted = true;
  for (int i = 0; i < 5000 && !stopped; ++i) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(stopped);
  // The only worker stopped the pool: the job queued behind it still ran, inside that stop().
  EXPECT_TRUE(queued_ran_before_stop_returned);
  EXPECT_FALSE(pool.try_post([] {}));
}

TEST(WorkerPool, NoThreadUntilTheFirstJob) {
  // A pool that never gets a job starts and joins nothing; destroying it must not hang.
  worker_pool pool(4, 4);
  pool.stop();
  EXPECT_FALSE(pool.try_post([] {}));
}

}  // namespace
}  // namespace lumen::client::detail
