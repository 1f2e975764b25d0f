// One HTTP/1.1 connection of http_server: reads requests, dispatches them to routes and writes
// their answers, whole or streamed (SSE), with back-pressure and idle deadlines.
#include "http_connection.hpp"

#include "http_request_reader.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <optional>
#include <utility>

namespace lumen::transport::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::int64_t steady_now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

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

// One client connection: reads a request, dispatches it, writes the answer (whole or streamed),
// then reads the next. Everything touching the socket runs on the connection's strand; channel
// calls from other threads are posted there.
class connection final : public live_connection, public std::enable_shared_from_this<connection> {
 public:
  connection(socket_type socket, std::shared_ptr<http_server::impl> server)
      : socket_(std::move(socket)), server_(std::move(server)), strand_(socket_.get_executor()) {
    ++server_->open_connections;
    beast::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) {
      peer_address_ = ep.address().to_string();
      peer_port_ = ep.port();
    }
    // write_next() first writes without waiting; a full send buffer must then say would_block.
    socket_.non_blocking(true, ec);
  }

  // A connection never started (stop() began as it was accepted) was never closed either.
  ~connection() override {
    if (!closed_) server_->connection_closed();
  }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // On the strand, as everything touching the socket: stop() may be closing it already.
  void start() {
    asio::dispatch(strand_, [self = shared_from_this()] {
      if (!self->closed_) self->read();
    });
  }

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
      server_->response_started();
    }
  }

  void end_response() {
    if (busy_) {
      busy_ = false;
      server_->response_finished();
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
    server_->connection_closed();
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

void start_connection(socket_type socket, const std::shared_ptr<http_server::impl>& server) {
  auto c = std::make_shared<connection>(std::move(socket), server);
  if (server->track(c)) c->start();
}

}  // namespace lumen::transport::detail
