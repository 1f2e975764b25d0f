// Simple and batch span processors, and the in-memory exporter.
#include <lumen/sdk/span_processor.hpp>

#include <lumen/log.hpp>
#include <lumen/sdk/detail/span_pool.hpp>
#include <lumen/core/env.hpp>

#include <pthread.h>

#include <condition_variable>
#include <thread>

namespace lumen::sdk {

// ---- in-memory exporter -----------------------------------------------------------------------

export_result in_memory_exporter::export_spans(const std::vector<std::unique_ptr<span_data>>& batch) {
  std::lock_guard lock(mutex_);
  for (const auto& s : batch) spans_.push_back(*s);
  return export_result::success;
}

std::vector<span_data> in_memory_exporter::finished_spans() const {
  std::lock_guard lock(mutex_);
  return spans_;
}

void in_memory_exporter::reset() {
  std::lock_guard lock(mutex_);
  spans_.clear();
}

// ---- simple processor -------------------------------------------------------------------------

void simple_span_processor::on_end(std::unique_ptr<span_data> span) {
  if (shut_down_) return;
  std::vector<std::unique_ptr<span_data>> batch;
  batch.push_back(std::move(span));
  std::lock_guard lock(mutex_);
  exporter_->export_spans(batch);
}

bool simple_span_processor::force_flush(std::chrono::milliseconds timeout) { return exporter_->force_flush(timeout); }

void simple_span_processor::shutdown(std::chrono::milliseconds) {
  if (!shut_down_.exchange(true)) exporter_->shutdown();
}

// ---- batch processor --------------------------------------------------------------------------

batch_options batch_options::from_environment() {
  batch_options o;
  o.schedule_delay = core::env::get_millis("OTEL_BSP_SCHEDULE_DELAY", o.schedule_delay);
  o.max_queue_size = static_cast<std::size_t>(core::env::get_int("OTEL_BSP_MAX_QUEUE_SIZE", static_cast<std::int64_t>(o.max_queue_size)));
  o.max_export_batch_size = static_cast<std::size_t>(
      core::env::get_int("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", static_cast<std::int64_t>(o.max_export_batch_size)));
  o.export_timeout = core::env::get_millis("OTEL_BSP_EXPORT_TIMEOUT", o.export_timeout);
  if (o.max_queue_size == 0) o.max_queue_size = 2048;
  if (o.max_export_batch_size == 0 || o.max_export_batch_size > o.max_queue_size) {
    o.max_export_batch_size = std::min<std::size_t>(512, o.max_queue_size);
  }
  return o;
}

namespace {

// Vyukov's bounded MPMC queue: producers never block, one CAS per push.
class bounded_queue {
 public:
  explicit bounded_queue(std::size_t capacity) {
    std::size_t n = 1;
    while (n < capacity) n <<= 1;
    mask_ = n - 1;
    cells_ = std::make_unique<cell[]>(n);
    for (std::size_t i = 0; i < n; ++i) cells_[i].sequence.store(i, std::memory_order_relaxed);
  }

  bool push(std::unique_ptr<span_data>& value) {
    std::size_t pos = enqueue_.load(std::memory_order_relaxed);
    for (;;) {
      cell& c = cells_[pos & mask_];
      std::size_t seq = c.sequence.load(std::memory_order_acquire);
      auto diff = static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos);
      if (diff == 0) {
        if (enqueue_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          c.value = std::move(value);
          c.sequence.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (diff < 0) {
        return false;  // full
      } else {
        pos = enqueue_.load(std::memory_order_relaxed);
      }
    }
  }

  std::unique_ptr<span_data> pop() {
    std::size_t pos = dequeue_.load(std::memory_order_relaxed);
    for (;;) {
      cell& c = cells_[pos & mask_];
      std::size_t seq = c.sequence.load(std::memory_order_acquire);
      auto diff = static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos + 1);
      if (diff == 0) {
        if (dequeue_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          auto v = std::move(c.value);
          c.sequence.store(pos + mask_ + 1, std::memory_order_release);
          return v;
        }
      } else if (diff < 0) {
        return nullptr;  // empty
      } else {
        pos = dequeue_.load(std::memory_order_relaxed);
      }
    }
  }

  std::size_t approximate_size() const noexcept {
    return enqueue_.load(std::memory_order_relaxed) - dequeue_.load(std::memory_order_relaxed);
  }

 private:
  struct cell {
    std::atomic<std::size_t> sequence;
    std::unique_ptr<span_data> value;
  };
  std::unique_ptr<cell[]> cells_;
  std::size_t mask_ = 0;
  alignas(64) std::atomic<std::size_t> enqueue_{0};
  alignas(64) std::atomic<std::size_t> dequeue_{0};
};

}  // namespace

namespace {

using steady = std::chrono::steady_clock;

// now + d, saturating (an OTEL_* timeout may be huge); a non-positive `d` with `zero_is_unlimited`
// means no deadline.
steady::time_point deadline_after(std::chrono::milliseconds d, bool zero_is_unlimited = false) {
  auto now = steady::now();
  if (zero_is_unlimited && d.count() <= 0) return steady::time_point::max();
  if (d.count() <= 0) return now;
  if (d >= std::chrono::duration_cast<std::chrono::milliseconds>(steady::time_point::max() - now)) {
    return steady::time_point::max();
  }
  return now + d;
}

// A cooperative exporter returns at its deadline; give it this long to get back.
constexpr auto overrun_grace = std::chrono::milliseconds(50);

}  // namespace

struct batch_span_processor::impl {
  impl(std::shared_ptr<span_exporter> e, batch_options o) : exporter(std::move(e)), options(o), queue(o.max_queue_size) {}

  std::shared_ptr<span_exporter> exporter;
  batch_options options;
  bounded_queue queue;
  std::atomic<std::uint64_t> dropped{0};
  std::atomic<std::uint64_t> exported{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::condition_variable wake;
  // Signalled when a flush completes, an export starts, or the worker finishes.
  std::condition_variable flushed;
  std::uint64_t flush_requests = 0;
  std::uint64_t flushes_done = 0;
  // Under `mutex`: the deadline of the export in progress, if any.
  bool exporting = false;
  steady::time_point export_deadline = steady::time_point::max();
  // Under `mutex`: set by shutdown (exports during shutdown end by then), and at the worker's end.
  steady::time_point stop_deadline = steady::time_point::max();
  bool finished = false;
  std::thread worker;

  // Waits (with `lock` held) until `done()`, `until`, or an export in progress has overrun its
  // deadline; returns done().
  template <class Done>
  bool wait_bounded(std::unique_lock<std::mutex>& lock, steady::time_point until, Done done) {
    while (!done()) {
      auto now = steady::now();
      if (now >= until) return false;
      auto limit = std::min(until, now + std::chrono::hours(1));
      if (exporting && export_deadline != steady::time_point::max()) {
        auto overrun = export_deadline + overrun_grace;
        if (now >= overrun) return false;
        limit = std::min(limit, overrun);
      }
      flushed.wait_until(lock, limit);
    }
    return true;
  }

  // Drains the queue in batches, each export bounded by the export timeout. With
  // `full_batches_only` (woken because a batch filled up), a partial rest waits for the timer:
  // spans that trickle in while a batch is exported would otherwise leave in many small POSTs.
  void drain(bool full_batches_only = false) {
    std::vector<std::unique_ptr<span_data>> batch;
    batch.reserve(options.max_export_batch_size);
    while (true) {
      if (full_batches_only && queue.approximate_size() < options.max_export_batch_size) return;
      batch.clear();
      while (batch.size() < options.max_export_batch_size) {
        auto s = queue.pop();
        if (!s) break;
        batch.push_back(std::move(s));
      }
      if (batch.empty()) return;
      auto deadline = deadline_after(options.export_timeout, true);
      {
        std::lock_guard lock(mutex);
        deadline = std::min(deadline, stop_deadline);
        exporting = true;
        export_deadline = deadline;
      }
      flushed.notify_all();  // waiters learn the deadline
      auto result = export_result::failure;
      try {
        result = exporter->export_spans_until(batch, deadline);
      } catch (const std::exception& e) {
        log::write(log::level::error, std::string("span export failed: ") + e.what());
      }
      {
        std::lock_guard lock(mutex);
        exporting = false;
      }
      (result == export_result::success ? exported : failed) += batch.size();
      detail::recycle_span_data(batch);  // new spans reuse these records
    }
  }

  void run() {
    std::unique_lock lock(mutex);
    while (!stopping) {
      const bool woken = wake.wait_for(lock, options.schedule_delay, [&] {
        return stopping.load() || flush_requests != flushes_done ||
               queue.approximate_size() >= options.max_export_batch_size;
      });
      std::uint64_t requested = flush_requests;
      // Only a full batch woke us: export full batches. The timer, a flush or shutdown: all.
      const bool full_batches_only = woken && !stopping && requested == flushes_done;
      lock.unlock();
      drain(full_batches_only);
      lock.lock();
      flushes_done = requested;
      flushed.notify_all();
    }
    lock.unlock();
    drain();
    lock.lock();
    auto left = stop_deadline == steady::time_point::max()
                    ? std::chrono::milliseconds(30000)
                    : std::chrono::duration_cast<std::chrono::milliseconds>(stop_deadline - steady::now());
    lock.unlock();
    try {
      exporter->force_flush(std::max(left, std::chrono::milliseconds(0)));
      exporter->shutdown();
    } catch (const std::exception& e) {
      log::write(log::level::error, std::string("span exporter shutdown failed: ") + e.what());
    }
    lock.lock();
    finished = true;
    flushed.notify_all();
  }
};

batch_span_processor::batch_span_processor(std::shared_ptr<span_exporter> exporter, batch_options options)
    : impl_(std::make_shared<impl>(std::move(exporter), options)) {
  // The thread shares ownership: an export that shutdown abandons may outlive this processor.
  impl_->worker = std::thread([state = impl_] {
    ::pthread_setname_np(::pthread_self(), "lumen-spans");  // as top -H and the benchmarks show it
    state->run();
  });
}

batch_span_processor::~batch_span_processor() { shutdown(std::chrono::seconds(5)); }

void batch_span_processor::on_end(std::unique_ptr<span_data> span) {
  if (impl_->stopping.load(std::memory_order_relaxed) || !impl_->queue.push(span)) {
    impl_->dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (impl_->queue.approximate_size() == impl_->options.max_export_batch_size) impl_->wake.notify_one();
}

bool batch_span_processor::force_flush(std::chrono::milliseconds timeout) {
  const auto until = deadline_after(timeout);
  std::unique_lock lock(impl_->mutex);
  if (impl_->stopping) return impl_->finished;
  std::uint64_t ticket = ++impl_->flush_requests;
  impl_->wake.notify_one();
  bool done = impl_->wait_bounded(lock, until, [&] { return impl_->flushes_done >= ticket; });
  lock.unlock();
  if (!done) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now());
  return impl_->exporter->force_flush(std::max(left, std::chrono::milliseconds(0)));
}

void batch_span_processor::shutdown(std::chrono::milliseconds timeout) {
  const auto until = deadline_after(timeout);
  std::unique_lock lock(impl_->mutex);
  if (impl_->stopping.exchange(true)) return;
  impl_->stop_deadline = until;
  impl_->wake.notify_one();
  bool done = impl_->wait_bounded(lock, until, [&] { return impl_->finished; });
  lock.unlock();
  if (done) {
    impl_->worker.join();
  } else {
    log::write(log::level::error,
               "span export did not finish within the shutdown timeout or its export deadline; abandoning it");
    impl_->worker.detach();
  }
}

std::uint64_t batch_span_processor::dropped() const noexcept { return impl_->dropped.load(); }
std::uint64_t batch_span_processor::exported() const noexcept { return impl_->exported.load(); }
std::uint64_t batch_span_processor::failed() const noexcept { return impl_->failed.load(); }

}  // namespace lumen::sdk
