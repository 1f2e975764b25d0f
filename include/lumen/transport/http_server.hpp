// Lumen's HTTP/1.1 server (Boost.Beast): keep-alive connections on N io threads, routes by path,
// Server-Sent Events streaming, and limits with clear errors (413 body, 431 headers). It serves
// the MCP endpoint and, optionally, other routes such as the trace viewer.
#pragma once

#include <lumen/transport/http_message.hpp>
#include <lumen/transport/origin_policy.hpp>
#include <lumen/transport/streamable_http.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace lumen::transport {

/// How an http_server listens, and its limits and timeouts.
struct http_server_options {
  /// The address to listen on ("localhost", an IPv4 or an IPv6 address).
  std::string host = "127.0.0.1";
  /// 0 picks a free port (see http_server::port()).
  std::uint16_t port = 0;
  /// io threads serving the connections.
  std::size_t threads = 2;
  /// A larger request body is refused with 413.
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  /// A larger request head is refused with 431.
  std::size_t max_header_bytes = 16 * 1024;
  /// A connection whose next request has not arrived whole for this long (an idle keep-alive
  /// connection, or a client sending slowly), or whose answer the client has not taken for this
  /// long, is closed. Checked by a server-wide sweep every quarter of it (between 0.1 and 1 s),
  /// so a timeout may fire that much later.
  std::chrono::seconds idle_timeout{120};
  /// Bytes queued for one connection that the client has not read yet (a slow SSE reader); beyond
  /// this the connection is closed and the client must resume (events stay in the event store).
  std::size_t max_buffered_bytes = 8 * 1024 * 1024;
  /// stop() waits this long for responses in progress to be written.
  std::chrono::milliseconds shutdown_grace{3000};
  /// Observes every request (HTTP server spans); nullptr for none.
  std::shared_ptr<http_request_observer> observer;
};

/// Serves one request of a route; answers through the channel, at once or later from any thread.
using route_handler = std::function<void(http_request, std::shared_ptr<response_channel>)>;

/// Lumen's HTTP/1.1 server: routes requests (the MCP endpoint among them) on its own io threads.
class http_server {
 public:
  /// Binds at once; throws std::system_error with a clear message when the address is in use.
  explicit http_server(http_server_options options);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Serves `path` (exactly) or, when `prefix` is true, every path under it (e.g. the trace
  /// viewer under /_lumen/traces). Routes are matched in the order added; other paths get 404.
  void route(std::string path, route_handler handler, bool prefix = false);
  /// Serves an MCP endpoint at its path; on a loopback bind, fills its DNS-rebinding allow-lists
  /// (when empty) with the loopback names and the bound port. `endpoint` must outlive the server.
  void mount(mcp_endpoint& endpoint);

  /// Starts the io threads (returns at once).
  void start();
  /// Graceful stop: stops accepting, waits until the responses in progress have been written (at
  /// most `shutdown_grace`; it returns as soon as the last one is, without polling), then closes
  /// every connection (idle keep-alive ones and open SSE streams included) and joins the io
  /// threads. Idempotent; the destructor calls it. Call mcp_endpoint::shutdown() first so that MCP
  /// requests in flight are answered and SSE streams end.
  void stop();

  /// The bound port (the one picked when the options said 0).
  std::uint16_t port() const noexcept;
  /// The listen address as given in the options.
  const std::string& host() const noexcept;
  /// http://HOST:PORT
  std::string base_url() const;

  struct impl;  // implementation detail (shared with the connections, http_connection.hpp)

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace lumen::transport
