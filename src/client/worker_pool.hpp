// The client's bounded executor: a fixed number of threads, started on first use, that run the
// jobs which may block (server-to-client request handlers, re-initializing an expired session)
// so that the dispatch thread reading the server's messages never waits for them.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lumen::client::detail {

/// A fixed set of worker threads and a bounded queue of jobs for them.
class worker_pool {
 public:
  /// Whether a job may be refused because the pool is at its bound.
  enum class admission { bounded, always };

  /// `threads` workers (at least one) once the first job arrives; at most `threads + queue_limit`
  /// bounded jobs admitted (running or waiting) at once.
  worker_pool(std::size_t threads, std::size_t queue_limit);
  /// Runs what is queued and joins the workers (see stop()).
  ~worker_pool();
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  /// Queues `job`; false when the pool is stopped, or (for admission::bounded) when it already
  /// holds its bound of jobs, in which case `job` is dropped unrun.
  bool try_post(std::function<void()> job, admission how = admission::bounded);
  /// Refuses new jobs, lets the workers finish the queued ones, and joins them. Called from a
  /// worker (a job closing the client), that worker is detached instead of joined and touches the
  /// pool no more once its job returns. Idempotent.
  void stop();

 private:
  void run();

  const std::size_t thread_count_;
  const std::size_t admitted_limit_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::size_t admitted_bounded_ = 0;  // bounded jobs queued or running
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace lumen::client::detail
