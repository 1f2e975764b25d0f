// Lumen's HTTP/1.1 server (Boost.Beast): keep-alive connections on N io threads, routes by path,
// Server-Sent Events streaming, and limits with clear errors (413 body, 431 headers). It serves
// the MCP endpoint and, optionally, other routes such as the trace viewer.
#pragma once

#include <lumen/transport/http_message.hpp>
#include <lumen/transport/streamable_http.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace lumen::transport {

struct http_server_options {
  std::string host = "127.0.0.1";
  /// 0 picks a free port (see http_server::port()).
  std::uint16_t port = 0;
  std::size_t threads = 2;
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::seconds idle_timeout{120};
  /// Observes every request (HTTP server spans); nullptr for none.
  std::shared_ptr<http_request_observer> observer;
};

using route_handler = std::function<void(http_request, std::shared_ptr<response_channel>)>;

class http_server {
 public:
  /// Binds at once; throws std::system_error with a clear message when the address is in use.
  explicit http_server(http_server_options options);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Serves `path` (exactly) or, when `prefix` is true, every path under it.
  void route(std::string path, route_handler handler, bool prefix = false);
  /// Serves an MCP endpoint at its path, with DNS-rebinding allow-lists for a loopback bind.
  void mount(mcp_endpoint& endpoint);

  /// Starts the io threads (returns at once).
  void start();
  /// Stops accepting, closes connections, joins the threads.
  void stop();

  std::uint16_t port() const noexcept;
  const std::string& host() const noexcept;
  /// http://HOST:PORT
  std::string base_url() const;

  struct impl;  // implementation detail (named by the connection code)

 private:
  std::shared_ptr<impl> impl_;
};

/// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(std::string_view host) noexcept;

}  // namespace lumen::transport
