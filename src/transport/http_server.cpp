// Lumen's HTTP/1.1 server on Boost.Beast.
#include <lumen/transport/http_server.hpp>

#include "http_request_reader.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <iterator>
#include <optional>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace lumen::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
// A connection's socket runs its handlers on its strand, with the executor's type known (no
// type-erased executor to copy and wrap for every operation).
using strand_type = asio::strand<asio::io_context::executor_type>;
using socket_type = tcp::socket::rebind_executor<strand_type>::other;

namespace {
std::int64_t steady_now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

namespace {

std::string format_head(unsigned status, const header_fields& headers, bool keep_alive, std::size_t body_size = 0) {
  std::string out;
  out.reserve(128 + headers.size() * 48 + body_size);
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += http::obsolete_reason(static_cast<http::status>(status));
  out += "\r\n";
  for (const auto& [k, v] : headers) {
    out += k;
    out += ": ";
    out += v;
    out += "\r\n";
  }
  if (!keep_alive) out += "Connection: close\r\n";
  return out;
}

struct route_entry {
  std::string path;
  route_handler handler;
  bool prefix;
};

}  // namespace

// What stop() needs of a live connection (defined below, in the anonymous namespace).
class live_connection {
 public:
  virtual ~live_connection() = default;
  /// Closes the connection on its strand (callable from any thread).
  virtual void shut() = 0;
  /// Closes it when a read or write has waited past its deadline (steady clock, ns).
  virtual void expire_if_due(std::int64_t now_ns) = 0;
};

struct http_server::impl : std::enable_shared_from_this<impl> {
  // One io thread: tell Asio, which then spares some of the scheduler's locking and wake-ups.
  explicit impl(http_server_options o)
      : options(std::move(o)),
        io(options.threads <= 1 ? 1 : BOOST_ASIO_CONCURRENCY_HINT_DEFAULT),
        acceptor(io),
        sweep_timer(asio::make_strand(io)) {}

  http_server_options options;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::mutex routes_mutex;
  std::vector<std::shared_ptr<const route_entry>> routes;
  std::uint16_t bound_port = 0;
  std::atomic<bool> stopped{false};
  std::atomic<bool> started{false};
  /// Requests read whose response has not been written completely yet.
  std::atomic<std::size_t> responses_in_progress{0};
  /// io threads still running (they return once stop() has closed everything).
  std::atomic<std::size_t> running_threads{0};
  /// Connections, so that stop() can close them: their pending operations hold the server.
  std::mutex live_mutex;
  std::vector<std::weak_ptr<live_connection>> live;
  std::size_t prune_live_at = 64;
  /// Idle timeouts: one timer for the server, not one per socket operation.
  asio::steady_timer sweep_timer;

  // How often the sweep runs: a timeout fires up to this late.
  std::chrono::milliseconds sweep_interval() const {
    auto quarter = std::chrono::duration_cast<std::chrono::milliseconds>(options.idle_timeout) / 4;
    return std::clamp(quarter, std::chrono::milliseconds(100), std::chrono::milliseconds(1000));
  }

  void sweep() {
    sweep_timer.expires_after(sweep_interval());
    sweep_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->stopped) return;
      const auto now = steady_now_ns();
      {
        std::lock_guard lock(self->live_mutex);
        for (const auto& w : self->live) {
          if (auto c = w.lock()) c->expire_if_due(now);
        }
      }
      self->sweep();
    });
  }

  void track(std::weak_ptr<live_connection> c) {
    std::lock_guard lock(live_mutex);
    if (live.size() >= prune_live_at) {
      std::erase_if(live, [](const auto& w) { return w.expired(); });
      prune_live_at = std::max<std::size_t>(64, 2 * live.size());
    }
    live.push_back(std::move(c));
  }

  std::shared_ptr<const route_entry> find_route(std::string_view path) {
    std::lock_guard lock(routes_mutex);
    for (const auto& r : routes) {
      if (path == r->path) return r;
      if (r->prefix && path.starts_with(r->path) &&
          (r->path.ends_with('/') || path.size() == r->path.size() || path[r->path.size()] == '/')) {
        return r;
      }
    }
    return nullptr;
  }

  void accept();
};

namespace {

// One client connection: reads a request, dispatches it, writes the answer (whole or streamed),
// then reads the next. Everything touching the socket runs on the connection's strand; channel
// calls from other threads are posted there.
class connection final : public live_connection, public std::enable_shared_from_this<connection> {
 public:
  connection(socket_type socket, std::shared_ptr<http_server::impl> server)
      : socket_(std::move(socket)), server_(std::move(server)), strand_(socket_.get_executor()) {
    beast::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) {
      peer_address_ = ep.address().to_string();
      peer_port_ = ep.port();
    }
    // write_next() first writes without waiting; a full send buffer must then say would_block.
    socket_.non_blocking(true, ec);
  }

  void start() { read(); }

  void shut() override {
    asio::post(strand_, [self = shared_from_this()] { self->close(); });
  }

  void expire_if_due(std::int64_t now_ns) override {
    const auto due = deadline_ns_.load(std::memory_order_relaxed);
    if (due != 0 && due <= now_ns) shut();
  }

  // The response channel of one request on this connection.
  class channel final : public response_channel {
   public:
    channel(std::shared_ptr<connection> c, std::shared_ptr<http_request_scope> scope, bool keep_alive)
        : conn_(std::move(c)), scope_(std::move(scope)), keep_alive_(keep_alive) {}
    ~channel() override {
      // Nobody answered (a handler dropped the channel): do not leave the client hanging.
      if (!answered_.exchange(true)) {
        conn_->post_write(format_head(500, {{"Content-Length", "0"}}, false) + "\r\n", true, false);
      } else if (streaming_ && !ended_.exchange(true)) {
        conn_->post_write("0\r\n\r\n", true, keep_alive_);
      }
    }
    void respond(http_response r) override {
      if (answered_.exchange(true)) return;
      if (scope_) scope_->finish(r.status);
      bool keep = keep_alive_;
      for (const auto& [k, v] : r.headers) {
        if (iequals(k, "Connection") && iequals(v, "close")) keep = false;
      }
      r.headers.emplace_back("Content-Length", std::to_string(r.body.size()));
      // Head and body in one buffer, sized once.
      std::string out = format_head(r.status, r.headers, keep, r.body.size());
      out += "\r\n";
      out += r.body;
      ended_ = true;
      conn_->post_write(std::move(out), true, keep);
    }
    void start_stream(header_fields h) override {
      if (answered_.exchange(true)) return;
      if (scope_) scope_->finish(200);
      h.emplace_back("Content-Type", "text/event-stream");
      h.emplace_back("Cache-Control", "no-cache");
      h.emplace_back("Transfer-Encoding", "chunked");
      streaming_ = true;
      conn_->post_write(format_head(200, h, keep_alive_) + "\r\n", false, keep_alive_, true);
    }
    bool send(std::string chunk) override {
      if (!streaming_ || ended_ || !conn_->is_open()) return false;
      char size[24];
      int n = std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
      std::string out;
      out.reserve(chunk.size() + 32);
      out.append(size, static_cast<std::size_t>(n));
      out += chunk;
      out += "\r\n";
      return conn_->post_write(std::move(out), false, keep_alive_);
    }
    void end_stream() override {
      if (!streaming_ || ended_.exchange(true)) return;
      conn_->post_write("0\r\n\r\n", true, keep_alive_);
    }
    bool is_open() const override { return !ended_ && conn_->is_open(); }

   private:
    std::shared_ptr<connection> conn_;
    std::shared_ptr<http_request_scope> scope_;
    const bool keep_alive_;
    std::atomic<bool> answered_{false};
    std::atomic<bool> streaming_{false};
    std::atomic<bool> ended_{false};
  };

  // Queues bytes for the socket (from any thread). `completes` ends the current response;
  // `stream_start` begins watching the socket for the client going away. False when the
  // connection is closed or the client reads too slowly (the connection is then closed).
  bool post_write(std::string data, bool completes, bool keep_alive, bool stream_start = false) {
    if (closed_ || overflowed_) return false;
    auto size = data.size();
    if (!completes && queued_bytes_.fetch_add(size) + size > server_->options.max_buffered_bytes) {
      queued_bytes_ -= size;
      // The client reads too slowly: end its stream after what is queued (it resumes with
      // Last-Event-ID; the event store has the rest) and close. One that does not read at all
      // is cut by the write timeout.
      if (!overflowed_.exchange(true)) {
        asio::post(strand_, [self = shared_from_this()] { self->enqueue("0\r\n\r\n", true, false); });
      }
      return false;
    }
    if (completes) queued_bytes_ += size;
    // Already on the connection's strand (a handler answering inline) with no posted write still
    // to run: queue directly, saving a post and its allocation. Posted writes run first otherwise,
    // so bytes keep their order.
    if (posted_writes_.load(std::memory_order_acquire) == 0 && strand_.running_in_this_thread()) {
      enqueue(std::move(data), completes, keep_alive);
      if (stream_start) watch_for_disconnect();
      return true;
    }
    posted_writes_.fetch_add(1, std::memory_order_acq_rel);
    asio::post(strand_, [self = shared_from_this(), data = std::move(data), completes, keep_alive,
                                        stream_start]() mutable {
      self->posted_writes_.fetch_sub(1, std::memory_order_acq_rel);
      self->enqueue(std::move(data), completes, keep_alive);
      if (stream_start) self->watch_for_disconnect();
    });
    return true;
  }

  bool is_open() const { return !closed_ && !overflowed_; }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.max_header_bytes));
    parser_->body_limit(server_->options.max_body_bytes);
    // The next request must arrive, whole, within idle_timeout (the server's sweep enforces it).
    arm_deadline();
    http::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->deadline_ns_.store(0, std::memory_order_relaxed);
      self->on_read(ec);
    });
  }

  void reject(unsigned status, std::string_view message) {
    begin_response();
    http_response r{status, {{"Content-Type", "application/json"}}, jsonrpc_error_body(-32000, message)};
    channel(shared_from_this(), nullptr, false).respond(std::move(r));
  }

  void begin_response() {
    if (!busy_) {
      busy_ = true;
      ++server_->responses_in_progress;
    }
  }

  void end_response() {
    if (busy_) {
      busy_ = false;
      --server_->responses_in_progress;
    }
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted) {
      return close();
    }
    if (ec == http::error::header_limit) return reject(431, "Request Header Fields Too Large");
    if (ec == http::error::body_limit) return reject(413, "Payload Too Large: the body exceeds the server's limit");
    if (ec) return reject(400, "Bad Request: malformed HTTP request");
    begin_response();

    const bool keep_alive = parser_->keep_alive() && !server_->stopped;
    http_request req = std::move(parser_->request());
    req.peer_address = peer_address_;
    req.peer_port = peer_port_;

    auto route = server_->find_route(req.path());
    std::shared_ptr<http_request_scope> scope;
    if (server_->options.observer) {
      scope = server_->options.observer->start(req, route ? std::string_view(route->path) : std::string_view(),
                                               server_->options.host, server_->bound_port);
    }
    auto ch = std::make_shared<channel>(shared_from_this(), std::move(scope), keep_alive);
    if (!route) {
      ch->respond({404, {{"Content-Type", "application/json"}}, jsonrpc_error_body(-32000, "Not Found")});
      return;
    }
    try {
      route->handler(std::move(req), ch);
    } catch (const std::exception& e) {
      ch->respond({500, {{"Content-Type", "application/json"}}, jsonrpc_error_body(-32603, e.what())});
    }
  }

  // While a response streams, nothing is read; a read of the socket notices a client that left
  // (bytes it sends meanwhile are kept for the next request).
  void watch_for_disconnect() {
    if (watching_ || closed_) return;
    watching_ = true;
    auto buf = buffer_.prepare(1024);
    socket_.async_read_some(buf, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->watching_ = false;
      if (ec) return self->close();
      self->buffer_.commit(n);
      // Bytes arrived (the client's next request, pipelined): it is alive, so stop watching.
      // Re-arming would wait for more input the client may never send (it waits for us).
      if (self->read_after_watch_) {
        self->read_after_watch_ = false;
        self->read();
      }
    });
  }

  void enqueue(std::string data, bool completes, bool keep_alive) {
    if (closed_) return;
    queue_.push_back({std::move(data), completes, keep_alive});
    if (writing_) return;
    if (completes) return write_next();
    // A stream's head or event: more of it (further events, the end) usually follows at once,
    // so write after the current handler has run, all in one go.
    if (flush_scheduled_) return;
    flush_scheduled_ = true;
    asio::post(strand_, [self = shared_from_this()] {
      self->flush_scheduled_ = false;
      if (!self->writing_ && !self->closed_) self->write_next();
    });
  }

  void write_next() {
    while (!queue_.empty()) {
      writing_ = true;
      // Everything queued goes out in one gathered write: an SSE answer's head, events and end
      // take one system call, not one each. (A deque keeps its elements in place while it grows.)
      writing_count_ = std::min<std::size_t>(queue_.size(), max_gathered_writes);
      gathered_.clear();
      std::size_t total = 0;
      for (std::size_t i = 0; i < writing_count_; ++i) {
        gathered_.push_back(asio::buffer(queue_[i].data));
        total += queue_[i].data.size();
      }
      // Written at once when the send buffer has room (the usual case): no asynchronous
      // operation, timer or handler dispatch for an answer the kernel takes whole.
      beast::error_code ec;
      std::size_t written = socket_.write_some(gathered_, ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        ec = {};
        written = 0;
      }
      if (ec) return write_failed();
      if (written < total) return write_rest(written);
      if (!finish_written()) return;
    }
    writing_ = false;
  }

  // The rest of a gathered write the socket did not take at once, asynchronously.
  void write_rest(std::size_t written) {
    std::size_t skip = 0;
    while (written > 0 && written >= gathered_[skip].size()) written -= gathered_[skip++].size();
    gathered_.erase(gathered_.begin(), gathered_.begin() + static_cast<std::ptrdiff_t>(skip));
    if (written > 0) gathered_.front() += written;
    // A write not done within idle_timeout means the client stopped reading.
    arm_deadline();
    asio::async_write(socket_, gathered_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->deadline_ns_.store(0, std::memory_order_relaxed);
      // close() may have run while this write was in flight (a slow or departed client): the
      // queue is then ours to discard.
      if (ec || self->closed_) return self->write_failed();
      if (self->finish_written()) self->write_next();
    });
  }

  void write_failed() {
    writing_ = false;
    queue_.clear();
    close();
  }

  // Retires the written elements; false when the connection closed (an answer that ends it).
  bool finish_written() {
    for (std::size_t i = 0; i < writing_count_; ++i) {
      auto done = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= done.data.size();
      if (done.completes) {
        end_response();
        if (!done.keep_alive || server_->stopped) {
          writing_ = false;
          close();
          return false;
        }
        if (!watching_) {
          read();
        } else {
          read_after_watch_ = true;  // the pending watch read resumes reading
        }
      }
    }
    return true;
  }

  void close() {
    if (closed_.exchange(true)) return;
    end_response();
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    // A write in flight still refers to the front buffer; its handler clears the queue.
    if (!writing_) queue_.clear();
  }

  struct pending_write {
    std::string data;
    bool completes;
    bool keep_alive;
  };

  void arm_deadline() {
    deadline_ns_.store(steady_now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(server_->options.idle_timeout).count(),
                       std::memory_order_relaxed);
  }

  socket_type socket_;
  std::shared_ptr<http_server::impl> server_;
  beast::flat_buffer buffer_;
  std::optional<detail::http_request_reader> parser_;
  static constexpr std::size_t max_gathered_writes = 64;
  std::deque<pending_write> queue_;
  std::vector<asio::const_buffer> gathered_;  // the buffers of the write in flight
  std::size_t writing_count_ = 0;             // queue_ elements in that write
  bool writing_ = false;
  bool flush_scheduled_ = false;
  bool busy_ = false;
  bool watching_ = false;
  bool read_after_watch_ = false;
  std::atomic<bool> closed_{false};
  std::atomic<bool> overflowed_{false};
  std::atomic<std::size_t> queued_bytes_{0};
  // The socket's strand (accept() makes one per connection).
  strand_type strand_;
  // When the pending read or write times out (steady clock, ns); 0: nothing pending is timed.
  std::atomic<std::int64_t> deadline_ns_{0};
  // Writes posted to the strand that have not run yet.
  std::atomic<std::size_t> posted_writes_{0};
  std::string peer_address_;
  std::uint16_t peer_port_ = 0;
};

}  // namespace

void http_server::impl::accept() {
  acceptor.async_accept(asio::make_strand(io), [self = shared_from_this()](beast::error_code ec, socket_type socket) {
    if (self->stopped || ec == asio::error::operation_aborted) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      auto c = std::make_shared<connection>(std::move(socket), self);
      self->track(c);
      c->start();
    }
    self->accept();
  });
}

http_server::http_server(http_server_options options) : impl_(std::make_shared<impl>(std::move(options))) {
  beast::error_code ec;
  std::string host = impl_->options.host;
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::system_error(ec, "invalid listen address \"" + impl_->options.host + "\"");
  tcp::endpoint ep(address, impl_->options.port);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep, ec);
  if (ec) {
    throw std::system_error(ec, "cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port) +
                                    (ec == asio::error::address_in_use ? " (the port is in use; pick another with --port)" : ""));
  }
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->bound_port = impl_->acceptor.local_endpoint().port();
}

http_server::~http_server() { stop(); }

void http_server::route(std::string path, route_handler handler, bool prefix) {
  std::lock_guard lock(impl_->routes_mutex);
  impl_->routes.push_back(std::make_shared<const route_entry>(route_entry{std::move(path), std::move(handler), prefix}));
}

void http_server::mount(mcp_endpoint& endpoint) {
  auto policy = endpoint.current_origin_policy();
  if (policy.enabled && policy.allowed_hosts.empty() && policy.allowed_origins.empty() &&
      is_loopback_host(impl_->options.host)) {
    endpoint.set_origin_policy(origin_policy::loopback(impl_->bound_port));
  }
  route(endpoint.options().path,
        [&endpoint](http_request req, std::shared_ptr<response_channel> ch) { endpoint.handle(std::move(req), std::move(ch)); });
}

void http_server::start() {
  if (impl_->started.exchange(true)) return;
  impl_->accept();
  impl_->sweep();
  for (std::size_t i = 0; i < std::max<std::size_t>(1, impl_->options.threads); ++i) {
    ++impl_->running_threads;
    impl_->threads.emplace_back([self = impl_.get()] {
      ::pthread_setname_np(::pthread_self(), "lumen-http");
      self->io.run();
      --self->running_threads;
    });
  }
}

void http_server::stop() {
  if (impl_->stopped.exchange(true)) return;
  asio::post(impl_->acceptor.get_executor(), [self = impl_] {
    beast::error_code ec;
    self->acceptor.close(ec);
  });
  asio::post(impl_->sweep_timer.get_executor(), [self = impl_] { self->sweep_timer.cancel(); });
  if (impl_->started) {
    auto deadline = std::chrono::steady_clock::now() + impl_->options.shutdown_grace;
    while (impl_->responses_in_progress > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  // Close every connection so that their pending operations end (each holds the server), let
  // the io threads run out of work, and only then stop them.
  {
    std::lock_guard lock(impl_->live_mutex);
    for (auto& w : impl_->live) {
      if (auto c = w.lock()) c->shut();
    }
    impl_->live.clear();
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (impl_->running_threads > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  impl_->io.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  // Handlers still queued (a close posted as the io threads ran out of work, an operation
  // aborted by it) hold their connection and the server, which hold the io_context: run them
  // here, with every socket closed, so that nothing is left holding itself.
  impl_->io.restart();
  for (int round = 0; round < 1000 && impl_->io.poll() > 0; ++round) {
  }
}

std::uint16_t http_server::port() const noexcept { return impl_->bound_port; }
const std::string& http_server::host() const noexcept { return impl_->options.host; }
std::string http_server::base_url() const {
  const auto& h = impl_->options.host;
  bool v6 = h.find(':') != std::string::npos && h.front() != '[';
  return "http://" + (v6 ? "[" + h + "]" : h) + ":" + std::to_string(impl_->bound_port);
}

}  // namespace lumen::transport
