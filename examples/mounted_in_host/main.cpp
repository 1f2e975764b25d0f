// Lumen mounted in someone else's HTTP server. The "host" here is a plain Boost.Beast application
// (one thread per connection, synchronous I/O) with its own routes and its own HTTP server spans;
// it hands `/mcp` to Lumen's framework-neutral mcp_endpoint, passing its request span as the
// ambient context. Lumen then parents each MCP span on the client's `params._meta` context and
// links the host's span (or, without `_meta`, parents it on the host's span).
//
//   mounted_in_host --port 0     # prints "listening on http://127.0.0.1:PORT/mcp"
//   GET /                        the host's own page        GET /health   the host's JSON
//   /mcp                         Lumen (Streamable HTTP)     /_lumen/traces/  the trace viewer
#include <lumen/telemetry/telemetry.hpp>
#include <lumen/trace/propagation.hpp>
#include <lumen/transport/serve.hpp>
#include <lumen/transport/stdio.hpp>
#include <lumen/transport/stop_signal.hpp>
#include <lumen/transport/streamable_http.hpp>
#include <lumen/viewer/trace_viewer.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <list>
#include <mutex>
#include <string>
#include <sys/socket.h>
#include <thread>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace lumen;

// The host's answer to one request, written synchronously on the connection's socket. Lumen may
// answer from a worker thread, so writes are serialized; the connection thread waits for the end.
class host_channel final : public transport::response_channel {
 public:
  host_channel(tcp::socket& socket, bool keep_alive, trace::span span)
      : socket_(socket), keep_alive_(keep_alive), span_(std::move(span)) {}

  void respond(transport::http_response r) override {
    std::lock_guard lock(mutex_);
    if (answered_) return;
    answered_ = true;
    std::string head = status_line(r.status);
    for (const auto& [k, v] : r.headers) head += k + ": " + v + "\r\n";
    head += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    head += keep_alive_ ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    write_locked(head + r.body);
    finish_locked(r.status);
  }
  void start_stream(transport::header_fields headers) override {
    std::lock_guard lock(mutex_);
    if (answered_) return;
    answered_ = streaming_ = true;
    std::string head = status_line(200);
    for (const auto& [k, v] : headers) head += k + ": " + v + "\r\n";
    head += "Content-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n";
    write_locked(head);
    span_.set_attribute("http.response.status_code", std::int64_t{200});
  }
  bool send(std::string chunk) override {
    std::lock_guard lock(mutex_);
    if (!streaming_ || done_ || failed_) return false;
    char size[24];
    int n = std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    return write_locked(std::string(size, static_cast<std::size_t>(n)) + chunk + "\r\n");
  }
  void end_stream() override {
    std::lock_guard lock(mutex_);
    if (!streaming_ || done_) return;
    write_locked("0\r\n\r\n");
    finish_locked(200);
  }
  bool is_open() const override {
    std::lock_guard lock(mutex_);
    return !done_ && !failed_;
  }

  /// Blocks the connection thread until the response is complete; false when the socket failed.
  bool wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return done_ || failed_; });
    if (!done_) finish_locked(499);  // the client went away mid-stream
    return !failed_;
  }

 private:
  static std::string status_line(unsigned status) {
    return "HTTP/1.1 " + std::to_string(status) + " " +
           std::string(http::obsolete_reason(static_cast<http::status>(status))) + "\r\n";
  }
  bool write_locked(const std::string& bytes) {
    beast::error_code ec;
    asio::write(socket_, asio::buffer(bytes), ec);
    if (ec) {
      failed_ = true;
      cv_.notify_all();
    }
    return !ec;
  }
  void finish_locked(unsigned status) {
    if (!span_ended_) {
      span_ended_ = true;
      span_.set_attribute("http.response.status_code", std::int64_t{status});
      if (status >= 500) span_.set_status(trace::status_code::error);
      span_.end();
    }
    done_ = true;
    cv_.notify_all();
  }

  tcp::socket& socket_;
  const bool keep_alive_;
  trace::span span_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool answered_ = false, streaming_ = false, done_ = false, failed_ = false, span_ended_ = false;
};

// The host application: its routes, its HTTP spans, and Lumen's endpoint under /mcp.
class host_app {
 public:
  host_app(transport::mcp_endpoint& mcp, viewer::trace_viewer& viewer, std::shared_ptr<trace::tracer> tracer)
      : mcp_(mcp), viewer_(viewer), tracer_(std::move(tracer)) {}

  void serve_connection(tcp::socket& socket) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    while (true) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(4 * 1024 * 1024);
      http::read(socket, buffer, parser, ec);
      if (ec) break;
      auto& msg = parser.get();
      transport::http_request req;
      req.method = std::string(msg.method_string());
      req.target = std::string(msg.target());
      for (const auto& f : msg) req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      req.body = std::move(msg.body());
      req.peer_address = socket.remote_endpoint(ec).address().to_string();

      // The host's own HTTP instrumentation: a SERVER span parented by the request's headers.
      trace::extracted_context incoming;
      trace::header_carrier carrier(req.headers);
      trace::default_propagator()->extract(carrier, incoming);
      std::string route = route_of(req.path());
      trace::span_options so{.kind = trace::span_kind::server, .parent = incoming.span, .root = !incoming.span.is_valid()};
      so.attributes = {{"http.request.method", req.method}, {"url.path", std::string(req.path())},
                       {"http.route", route}, {"url.scheme", std::string("http")}};
      auto span = tracer_->start_span(req.method + " " + route, std::move(so));

      auto channel = std::make_shared<host_channel>(socket, msg.keep_alive(), span);
      dispatch(std::move(req), route, span, channel);
      if (!channel->wait() || !msg.keep_alive()) break;
    }
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }

 private:
  static std::string route_of(std::string_view path) {
    if (path == "/mcp") return "/mcp";
    if (path.starts_with("/_lumen/traces")) return "/_lumen/traces";
    return std::string(path == "/health" ? "/health" : "/");
  }

  void dispatch(transport::http_request req, const std::string& route, const trace::span& span,
                const std::shared_ptr<host_channel>& channel) {
    if (route == "/mcp") {
      // Mounting Lumen: the host's current span is the ambient context of the MCP operation.
      req.ambient_traceparent = trace::format_traceparent(span.context());
      req.ambient_tracestate = span.context().trace_state().to_header(512);
      return mcp_.handle(std::move(req), channel);
    }
    if (auto page = viewer_.handle(req.method, req.target)) {
      return channel->respond({page->status, {{"Content-Type", page->content_type}}, std::move(page->body)});
    }
    if (req.path() == "/health") {
      return channel->respond(
          {200, {{"Content-Type", "application/json"}}, R"({"status":"ok","sessions":)" + std::to_string(mcp_.session_count()) + "}"});
    }
    if (req.path() == "/") {
      return channel->respond({200, {{"Content-Type", "text/plain"}}, "The host application. MCP is at /mcp.\n"});
    }
    channel->respond({404, {{"Content-Type", "text/plain"}}, "not found\n"});
  }

  transport::mcp_endpoint& mcp_;
  viewer::trace_viewer& viewer_;
  std::shared_ptr<trace::tracer> tracer_;
};

}  // namespace

int main(int argc, char** argv) {
  auto parsed = transport::parse_serve_options_or_usage(argc, argv);
  if (!parsed) return 2;
  const transport::serve_options& options = *parsed;
  auto store = std::make_shared<sdk::span_store>();
  auto tel = telemetry::runtime::create({.service_name = "mounted-in-host", .span_store = store,
                                         .http_server_spans = false});  // the host makes the HTTP spans
  server::server srv({.name = "mounted-in-host", .version = "1.0.0"}, {.observer = tel->server_observer()});
  srv.add_tool({.name = "greet",
                .description = "Greets someone by name",
                .input_schema = {{"type", "object"}, {"properties", {{"name", {{"type", "string"}}}}}}},
               [](const json::object& args, server::request_context&) {
                 return protocol::call_tool_result::text("Hello, " + std::string(get_string(args, "name").value_or("world")) + "!");
               });
  if (options.stdio) {
    transport::run_stdio(srv);
    return 0;
  }

  transport::stop_signal stop;

  asio::io_context io;
  tcp::acceptor acceptor(io);
  try {
    tcp::endpoint at(asio::ip::make_address(options.host), options.port);
    acceptor.open(at.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(at);
    acceptor.listen();
  } catch (const std::exception& e) {
    std::cerr << "mounted_in_host: cannot listen on " << options.host << ":" << options.port << ": " << e.what() << '\n';
    return 1;
  }
  const auto port = acceptor.local_endpoint().port();

  // The host owns HTTP, so it sets the endpoint's DNS-rebinding policy itself.
  transport::endpoint_options eo{.path = options.path};
  if (transport::is_loopback_host(options.host)) eo.origins = transport::origin_policy::loopback(port);
  transport::mcp_endpoint mcp(srv, eo);
  viewer::trace_viewer viewer(store, "/_lumen/traces", true);  // an example: always show the traces
  host_app app(mcp, viewer, tel->provider()->get_tracer("host-http", "1.0.0"));

  // One thread per connection (the host's model, not Lumen's); finished ones are reaped.
  struct connection {
    tcp::socket socket;
    std::thread thread;
    std::atomic<bool> finished{false};
    explicit connection(tcp::socket s) : socket(std::move(s)) {}
  };
  std::mutex connections_mutex;
  std::list<connection> connections;
  std::thread acceptor_thread([&] {
    while (true) {
      beast::error_code ec;
      tcp::socket socket(io);
      acceptor.accept(socket, ec);
      if (ec) return;  // shut down
      std::lock_guard lock(connections_mutex);
      connections.remove_if([](connection& c) {
        if (!c.finished) return false;
        c.thread.join();
        return true;
      });
      auto& c = connections.emplace_back(std::move(socket));
      c.thread = std::thread([&app, &c] {
        app.serve_connection(c.socket);
        c.finished = true;
      });
    }
  });

  std::cout << "listening on http://" << options.host << ":" << port << options.path << std::endl;
  stop.wait();
  std::cerr << "mounted_in_host: stopping\n";
  mcp.shutdown();  // answers what is in flight and ends the SSE streams
  ::shutdown(acceptor.native_handle(), SHUT_RDWR);
  acceptor_thread.join();
  for (auto& c : connections) {
    ::shutdown(c.socket.native_handle(), SHUT_RDWR);  // wakes a thread blocked in read
    c.thread.join();
  }
  tel->shutdown();
  return 0;
}
