// The client's bounded executor (see worker_pool.hpp).
#include "worker_pool.hpp"

#include <algorithm>

namespace lumen::client::detail {

namespace {
// Set on a worker whose job stopped the pool (a handler closing its client): stop() detached the
// thread, and the pool may be destroyed as soon as the job returns, so the thread leaves at once.
thread_local bool released_by_stop = false;

void run_guarded(const std::function<void()>& job) {
  try {
    job();
  } catch (...) {  // NOLINT(bugprone-empty-catch): jobs report their own errors
  }
}
}  // namespace

worker_pool::worker_pool(std::size_t threads, std::size_t queue_limit)
    : thread_count_(std::max<std::size_t>(threads, 1)), admitted_limit_(thread_count_ + queue_limit) {}

worker_pool::~worker_pool() { stop(); }

bool worker_pool::try_post(std::function<void()> job, admission how) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    if (how == admission::bounded) {
      if (admitted_bounded_ >= admitted_limit_) return false;
      ++admitted_bounded_;
      job = [this, job = std::move(job)] {
        struct release {
          worker_pool& pool;
          ~release() {
            if (released_by_stop) return;
            std::lock_guard lock(pool.mutex_);
            --pool.admitted_bounded_;
          }
        } on_exit{*this};
        job();
      };
    }
    queue_.push_back(std::move(job));
    // Started lazily: a client whose server never asks anything of it runs no worker at all.
    while (threads_.size() < thread_count_) threads_.emplace_back([this] { run(); });
  }
  wake_.notify_one();
  return true;
}

void worker_pool::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  wake_.notify_all();
  for (auto& t : threads) {
    if (t.get_id() == std::this_thread::get_id()) {
      released_by_stop = true;
      t.detach();
    } else {
      t.join();
    }
  }
  // Called from a worker, nobody else may be left to run what is still queued: run it here.
  for (;;) {
    std::function<void()> job;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    run_guarded(job);
  }
}

void worker_pool::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to run
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    run_guarded(job);
    if (released_by_stop) return;
  }
}

}  // namespace lumen::client::detail
