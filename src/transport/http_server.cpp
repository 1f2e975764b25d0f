// Lumen's HTTP/1.1 server on Boost.Beast.
#include <lumen/transport/http_server.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <deque>
#include <iostream>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace lumen::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

bool is_loopback_host(std::string_view host) noexcept {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

namespace {

std::string_view reason_phrase(unsigned status) {
  return http::obsolete_reason(static_cast<http::status>(status));
}

std::string format_head(unsigned status, const header_fields& headers, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
  out += reason_phrase(status);
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

struct http_server::impl : std::enable_shared_from_this<impl> {
  explicit impl(http_server_options o) : options(std::move(o)), acceptor(io) {}

  http_server_options options;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::mutex routes_mutex;
  std::vector<route_entry> routes;
  std::uint16_t bound_port = 0;
  std::atomic<bool> stopped{false};

  const route_entry* find_route(std::string_view path) {
    std::lock_guard lock(routes_mutex);
    for (const auto& r : routes) {
      if (path == r.path) return &r;
      if (r.prefix && path.starts_with(r.path) &&
          (r.path.ends_with('/') || path.size() == r.path.size() || path[r.path.size()] == '/')) {
        return &r;
      }
    }
    return nullptr;
  }

  void accept();
};

namespace {

// One client connection: reads a request, dispatches it, writes the answer (whole or streamed),
// then reads the next.
class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(tcp::socket socket, std::shared_ptr<http_server::impl> server)
      : stream_(std::move(socket)), server_(std::move(server)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      peer_address_ = ep.address().to_string();
      peer_port_ = ep.port();
    }
  }

  void start() { read(); }

  // ---- the channel's operations, each posted onto this connection's strand ----
  void respond(http_response r, std::shared_ptr<http_request_scope> scope) {
    if (scope) scope->finish(r.status);
    r.headers.emplace_back("Content-Length", std::to_string(r.body.size()));
    std::string out = format_head(r.status, r.headers, keep_alive_) + "\r\n" + r.body;
    asio::post(stream_.get_executor(), [self = shared_from_this(), out = std::move(out)]() mutable {
      self->enqueue(std::move(out), true);
    });
  }

  void start_stream(header_fields h, std::shared_ptr<http_request_scope> scope) {
    if (scope) scope->finish(200);
    h.emplace_back("Content-Type", "text/event-stream");
    h.emplace_back("Cache-Control", "no-cache");
    h.emplace_back("Transfer-Encoding", "chunked");
    std::string out = format_head(200, h, keep_alive_) + "\r\n";
    asio::post(stream_.get_executor(), [self = shared_from_this(), out = std::move(out)]() mutable {
      self->enqueue(std::move(out), false);
    });
  }

  bool send_chunk(std::string data) {
    if (closed_) return false;
    char size[20];
    int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    std::string out(size, static_cast<std::size_t>(n));
    out += data;
    out += "\r\n";
    asio::post(stream_.get_executor(), [self = shared_from_this(), out = std::move(out)]() mutable {
      self->enqueue(std::move(out), false);
    });
    return true;
  }

  void end_stream() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->enqueue("0\r\n\r\n", true); });
  }

  bool is_open() const { return !closed_; }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.max_header_bytes));
    parser_->body_limit(server_->options.max_body_bytes);
    stream_.expires_after(server_->options.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void reject(unsigned status, std::string_view message) {
    keep_alive_ = false;
    http_response r{status, {{"Content-Type", "application/json"}}, jsonrpc_error_body(-32000, message)};
    respond(std::move(r), nullptr);
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == beast::error::timeout) {
      return close();
    }
    if (ec == http::error::header_limit) return reject(431, "Request Header Fields Too Large");
    if (ec == http::error::body_limit) return reject(413, "Payload Too Large: the body exceeds the server's limit");
    if (ec) return reject(400, "Bad Request: malformed HTTP request");

    auto msg = parser_->release();
    keep_alive_ = msg.keep_alive();
    http_request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.headers.reserve(8);
    for (const auto& f : msg) req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    req.body = std::move(msg.body());
    req.peer_address = peer_address_;
    req.peer_port = peer_port_;

    const route_entry* r = server_->find_route(req.path());
    std::shared_ptr<http_request_scope> scope;
    if (server_->options.observer) {
      scope = server_->options.observer->start(req, r ? std::string_view(r->path) : std::string_view(),
                                               server_->options.host, server_->bound_port);
    }
    auto ch = std::make_shared<channel>(shared_from_this(), std::move(scope));
    if (!r) {
      ch->respond({404, {{"Content-Type", "application/json"}}, jsonrpc_error_body(-32000, "Not Found")});
      return;
    }
    try {
      r->handler(std::move(req), ch);
    } catch (const std::exception& e) {
      ch->respond({500, {{"Content-Type", "application/json"}}, jsonrpc_error_body(-32603, e.what())});
    }
  }

  // Writes queue up; `completes` marks the end of the current response, after which the next
  // request is read (or the connection closed).
  void enqueue(std::string data, bool completes) {
    if (closed_) return;
    queue_.push_back({std::move(data), completes});
    if (!writing_) write_next();
  }

  void write_next() {
    if (queue_.empty()) {
      writing_ = false;
      return;
    }
    writing_ = true;
    stream_.expires_after(std::chrono::seconds(30));
    asio::async_write(stream_, asio::buffer(queue_.front().data),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        bool completes = self->queue_.front().completes;
                        self->queue_.pop_front();
                        if (completes) {
                          if (!self->keep_alive_) return self->close();
                          self->read();
                        }
                        self->write_next();
                      });
  }

  void close() {
    if (closed_.exchange(true)) return;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  class channel : public response_channel {
   public:
    channel(std::shared_ptr<connection> c, std::shared_ptr<http_request_scope> scope)
        : conn_(std::move(c)), scope_(std::move(scope)) {}
    void respond(http_response r) override {
      if (answered_.exchange(true)) return;
      conn_->respond(std::move(r), std::move(scope_));
    }
    void start_stream(header_fields h) override {
      if (answered_.exchange(true)) return;
      conn_->start_stream(std::move(h), std::move(scope_));
    }
    bool send(std::string chunk) override { return conn_->send_chunk(std::move(chunk)); }
    void end_stream() override {
      if (!ended_.exchange(true)) conn_->end_stream();
    }
    bool is_open() const override { return conn_->is_open(); }

   private:
    std::shared_ptr<connection> conn_;
    std::shared_ptr<http_request_scope> scope_;
    std::atomic<bool> answered_{false};
    std::atomic<bool> ended_{false};
  };

  struct pending_write {
    std::string data;
    bool completes;
  };

  beast::tcp_stream stream_;
  std::shared_ptr<http_server::impl> server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::deque<pending_write> queue_;
  bool writing_ = false;
  bool keep_alive_ = true;
  std::atomic<bool> closed_{false};
  std::string peer_address_;
  std::uint16_t peer_port_ = 0;
};

}  // namespace

void http_server::impl::accept() {
  acceptor.async_accept(asio::make_strand(io), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopped) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<connection>(std::move(socket), self)->start();
    }
    self->accept();
  });
}

http_server::http_server(http_server_options options) : impl_(std::make_shared<impl>(std::move(options))) {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host == "localhost" ? "127.0.0.1" : impl_->options.host, ec);
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
  impl_->routes.push_back({std::move(path), std::move(handler), prefix});
}

void http_server::mount(mcp_endpoint& endpoint) {
  if (endpoint.options().dns_rebinding_protection && endpoint.options().allowed_hosts.empty() &&
      is_loopback_host(impl_->options.host)) {
    std::string port = std::to_string(impl_->bound_port);
    std::vector<std::string> hosts{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port,
                                   "127.0.0.1", "localhost", "[::1]"};
    std::vector<std::string> origins{"http://127.0.0.1:" + port, "http://localhost:" + port, "http://[::1]:" + port,
                                     "http://127.0.0.1", "http://localhost"};
    endpoint.set_allowed(std::move(hosts), std::move(origins));
  }
  route(endpoint.options().path,
        [&endpoint](http_request req, std::shared_ptr<response_channel> ch) { endpoint.handle(std::move(req), std::move(ch)); });
}

void http_server::start() {
  impl_->accept();
  for (std::size_t i = 0; i < std::max<std::size_t>(1, impl_->options.threads); ++i) {
    impl_->threads.emplace_back([io = &impl_->io] { io->run(); });
  }
}

void http_server::stop() {
  if (impl_->stopped.exchange(true)) return;
  beast::error_code ec;
  impl_->acceptor.close(ec);
  impl_->io.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

std::uint16_t http_server::port() const noexcept { return impl_->bound_port; }
const std::string& http_server::host() const noexcept { return impl_->options.host; }
std::string http_server::base_url() const { return "http://" + impl_->options.host + ":" + std::to_string(impl_->bound_port); }

}  // namespace lumen::transport
