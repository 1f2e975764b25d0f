// Private to http_server: the state the server shares with its connections, and the connection
// itself (http_connection.cpp). The listener, the idle sweep and the lifecycle (start, stop) live
// in http_server.cpp.
#pragma once

#include <lumen/transport/http_server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace lumen::transport::detail {

// A connection's socket runs its handlers on its strand, with the executor's type known (no
// type-erased executor to copy and wrap for every operation).
using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;
using socket_type = boost::asio::ip::tcp::socket::rebind_executor<strand_type>::other;

/// One route: an exact path, or (prefix) every path under it.
struct route_entry {
  std::string path;
  route_handler handler;
  bool prefix;
};

/// What the server needs of a live connection.
class live_connection {
 public:
  virtual ~live_connection() = default;
  /// Closes the connection on its strand (callable from any thread).
  virtual void shut() = 0;
  /// Closes it when a read or write has waited past its deadline (steady clock, ns).
  virtual void expire_if_due(std::int64_t now_ns) = 0;
};

/// The steady clock in nanoseconds (connection deadlines).
std::int64_t steady_now_ns() noexcept;

}  // namespace lumen::transport::detail

namespace lumen::transport {

// The server's state. Connections hold it (their sockets need its io_context alive), so it is
// shared, and stop() leaves nothing holding itself (see http_server::stop).
struct http_server::impl : std::enable_shared_from_this<impl> {
  explicit impl(http_server_options o);

  http_server_options options;
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::mutex routes_mutex;
  std::vector<std::shared_ptr<const detail::route_entry>> routes;
  std::uint16_t bound_port = 0;
  std::atomic<bool> stopped{false};
  std::atomic<bool> started{false};
  /// Keeps the io threads running from start() until stop() has closed every connection: a
  /// response answered during stop()'s grace period (from a handler's own thread) is written by
  /// them, even when nothing else was pending on the io_context.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> keep_running;

  // stop() waits on these counts (under lifecycle_mutex, woken by lifecycle_cv) instead of polling.
  /// Requests read whose response has not been written completely yet.
  std::atomic<std::size_t> responses_in_progress{0};
  /// Connections accepted and not closed yet.
  std::atomic<std::size_t> open_connections{0};
  /// io threads still running (they return once stop() has closed everything).
  std::atomic<std::size_t> running_threads{0};
  std::mutex lifecycle_mutex;
  std::condition_variable lifecycle_cv;

  /// Connections, so that stop() can close them: their pending operations hold the server.
  std::mutex live_mutex;
  std::vector<std::weak_ptr<detail::live_connection>> live;
  std::size_t prune_live_at = 64;
  /// Idle timeouts: one timer for the server, not one per socket operation.
  boost::asio::steady_timer sweep_timer;

  /// The route serving `path`, or nullptr.
  std::shared_ptr<const detail::route_entry> find_route(std::string_view path);
  /// A connection's response begins / has been written (or the connection closed before).
  void response_started() noexcept { ++responses_in_progress; }
  void response_finished() { release(responses_in_progress); }
  /// A connection was closed.
  void connection_closed() { release(open_connections); }

  // Listener and lifecycle (http_server.cpp).
  void accept();
  void sweep();
  std::chrono::milliseconds sweep_interval() const;
  /// Registers an accepted connection; false once stop() has begun (the caller drops it).
  bool track(const std::shared_ptr<detail::live_connection>& c);

 private:
  // Decrements `count`; wakes stop() when it reaches zero while stopping. Checked after the
  // decrement, and stop() sets `stopped` before it reads the counts, so no wake-up is lost; the
  // lock is taken only then, never on a running server's request path.
  void release(std::atomic<std::size_t>& count) {
    if (--count == 0 && stopped.load()) {
      std::lock_guard lock(lifecycle_mutex);
      lifecycle_cv.notify_all();
    }
  }
};

namespace detail {

/// Starts serving an accepted socket (its first read runs on the socket's strand).
void start_connection(socket_type socket, const std::shared_ptr<http_server::impl>& server);

}  // namespace detail

}  // namespace lumen::transport
