// Lumen's HTTP/1.1 server on Boost.Beast: the listener, the idle sweep and the lifecycle (the
// connections are in http_connection.cpp).
#include <lumen/transport/http_server.hpp>

#include "http_connection.hpp"

#include <boost/asio/post.hpp>

#include <pthread.h>

#include <algorithm>
#include <system_error>

namespace lumen::transport {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// One io thread: tell Asio, which then spares some of the scheduler's locking and wake-ups.
http_server::impl::impl(http_server_options o)
    : options(std::move(o)),
      io(options.threads <= 1 ? 1 : BOOST_ASIO_CONCURRENCY_HINT_DEFAULT),
      acceptor(io),
      sweep_timer(asio::make_strand(io)) {}

// How often the sweep runs: a timeout fires up to this late.
std::chrono::milliseconds http_server::impl::sweep_interval() const {
  auto quarter = std::chrono::duration_cast<std::chrono::milliseconds>(options.idle_timeout) / 4;
  return std::clamp(quarter, std::chrono::milliseconds(100), std::chrono::milliseconds(1000));
}

void http_server::impl::sweep() {
  sweep_timer.expires_after(sweep_interval());
  sweep_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->stopped) return;
    const auto now = detail::steady_now_ns();
    {
      std::lock_guard lock(self->live_mutex);
      for (const auto& w : self->live) {
        if (auto c = w.lock()) c->expire_if_due(now);
      }
    }
    self->sweep();
  });
}

bool http_server::impl::track(const std::shared_ptr<detail::live_connection>& c) {
  // Under the lock stop() closes every tracked connection with: a connection is either tracked
  // before (and closed by stop) or refused after.
  std::lock_guard lock(live_mutex);
  if (stopped) return false;
  if (live.size() >= prune_live_at) {
    std::erase_if(live, [](const auto& w) { return w.expired(); });
    prune_live_at = std::max<std::size_t>(64, 2 * live.size());
  }
  live.push_back(c);
  return true;
}

std::shared_ptr<const detail::route_entry> http_server::impl::find_route(std::string_view path) {
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

void http_server::impl::accept() {
  acceptor.async_accept(asio::make_strand(io), [self = shared_from_this()](boost::system::error_code ec,
                                                                             detail::socket_type socket) {
    if (self->stopped || ec == asio::error::operation_aborted) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      detail::start_connection(std::move(socket), self);
    }
    self->accept();
  });
}

http_server::http_server(http_server_options options) : impl_(std::make_shared<impl>(std::move(options))) {
  boost::system::error_code ec;
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
  impl_->routes.push_back(std::make_shared<const detail::route_entry>(detail::route_entry{std::move(path), std::move(handler), prefix}));
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
  impl_->keep_running.emplace(impl_->io.get_executor());
  impl_->accept();
  impl_->sweep();
  for (std::size_t i = 0; i < std::max<std::size_t>(1, impl_->options.threads); ++i) {
    ++impl_->running_threads;
    impl_->threads.emplace_back([self = impl_.get()] {
      ::pthread_setname_np(::pthread_self(), "lumen-http");
      self->io.run();
      std::lock_guard lock(self->lifecycle_mutex);
      --self->running_threads;
      self->lifecycle_cv.notify_all();
    });
  }
}

void http_server::stop() {
  auto& s = *impl_;
  if (s.stopped.exchange(true)) return;
  asio::post(s.acceptor.get_executor(), [self = impl_] {
    boost::system::error_code ec;
    self->acceptor.close(ec);
  });
  asio::post(s.sweep_timer.get_executor(), [self = impl_] { self->sweep_timer.cancel(); });
  std::unique_lock lock(s.lifecycle_mutex);
  if (s.started) {
    // Responses in progress get the grace period to be written; each one finished wakes us.
    s.lifecycle_cv.wait_for(lock, s.options.shutdown_grace, [&] { return s.responses_in_progress == 0; });
  }
  lock.unlock();
  // Close every connection so that their pending operations end (each holds the server), and
  // refuse any accepted from now on (track()).
  {
    std::lock_guard live_lock(s.live_mutex);
    for (auto& w : s.live) {
      if (auto c = w.lock()) c->shut();
    }
    s.live.clear();
  }
  s.keep_running.reset();
  // The io threads run the closes and the aborted operations' handlers, then run out of work and
  // return (they no longer can before: keep_running held them for the answers still to write). The bound only matters when a route handler blocks an io thread (it is joined anyway).
  lock.lock();
  s.lifecycle_cv.wait_for(lock, std::chrono::seconds(2),
                          [&] { return s.open_connections == 0 && s.running_threads == 0; });
  lock.unlock();
  s.io.stop();
  for (auto& t : s.threads) {
    if (t.joinable()) t.join();
  }
  // Handlers still queued (a close posted as the io threads ran out of work, an operation
  // aborted by it) hold their connection and the server, which hold the io_context: run them
  // here, with every socket closed, so that nothing is left holding itself.
  s.io.restart();
  for (int round = 0; round < 1000 && s.io.poll() > 0; ++round) {
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
