// Test support: a blocking HTTP/1.1 client on a real socket (one connection, keep-alive), which
// reads whole responses or Server-Sent Events as they arrive.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <poll.h>
#include <sys/socket.h>
#include <utility>
#include <vector>

namespace lumen::test {

struct sse_event {
  std::string id;
  std::string data;
  std::optional<std::string> retry;
};

struct http_reply {
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (boost::beast::iequals(k, name)) return v;
    }
    return std::nullopt;
  }
  boost::json::value json() const { return boost::json::parse(body); }
};

/// Splits SSE text into events (complete ones only).
inline std::vector<sse_event> parse_sse(std::string_view text) {
  std::vector<sse_event> out;
  while (true) {
    auto end = text.find("\n\n");
    if (end == std::string_view::npos) break;
    auto block = text.substr(0, end);
    text.remove_prefix(end + 2);
    sse_event e;
    bool has_data = false;
    while (!block.empty()) {
      auto nl = block.find('\n');
      auto line = block.substr(0, nl);
      block = nl == std::string_view::npos ? std::string_view() : block.substr(nl + 1);
      auto colon = line.find(':');
      auto field = line.substr(0, colon);
      auto value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (field == "id") e.id = value;
      if (field == "retry") e.retry = std::string(value);
      if (field == "data") {
        if (has_data) e.data += '\n';
        e.data += value;
        has_data = true;
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

class http_test_client {
 public:
  using headers_t = std::vector<std::pair<std::string, std::string>>;

  /// `receive_buffer`: a small SO_RCVBUF makes a client that does not read fill up quickly.
  explicit http_test_client(std::uint16_t port, int receive_buffer = 0) : socket_(io_) {
    socket_.open(boost::asio::ip::tcp::v4());
    if (receive_buffer > 0) socket_.set_option(boost::asio::socket_base::receive_buffer_size(receive_buffer));
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }

  /// Sends a request; `host` defaults to 127.0.0.1:PORT.
  void send(std::string_view method, std::string_view target, const headers_t& headers, std::string body = {}) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    bool has_host = false;
    for (const auto& [k, v] : headers) {
      req.set(k, v);
      has_host = has_host || boost::beast::iequals(k, "Host");
    }
    if (!has_host) req.set(http::field::host, "127.0.0.1:" + std::to_string(socket_.remote_endpoint().port()));
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(socket_, req);
  }

  /// Sends bytes as they are (for requests a well-behaved client would not write).
  void send_raw(std::string_view bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes.data(), bytes.size())); }

  /// Whether the server closes the connection within `timeout` (any bytes it sends first are
  /// discarded).
  bool closed_by_peer_within(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{socket_.native_handle(), POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count()))) <= 0) return false;
      char scratch[4096];
      boost::system::error_code ec;
      socket_.read_some(boost::asio::buffer(scratch), ec);
      if (ec) return true;  // eof or reset
    }
    return false;
  }

  /// Reads a whole response (an SSE response until its stream ends).
  http_reply read() {
    namespace http = boost::beast::http;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(socket_, buffer_, parser);
    return convert(parser.get());
  }

  http_reply request(std::string_view method, std::string_view target, const headers_t& headers, std::string body = {}) {
    send(method, target, headers, std::move(body));
    return read();
  }

  /// Reads the head of a streamed response, then events until `count` arrived, the stream ended
  /// or `timeout` passed. `done` tells whether the stream ended.
  http_reply read_events(std::size_t count, std::vector<sse_event>& events, bool& done,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    namespace http = boost::beast::http;
    if (!parser_) {
      parser_.emplace();
      parser_->body_limit(64 * 1024 * 1024);
      http::read_header(socket_, buffer_, *parser_);
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    boost::system::error_code ec;
    // Bytes already buffered are parsed first; the socket is read only after poll() says it has
    // data, so the timeout holds even while a chunk is incomplete.
    while (!parser_->is_done() && parse_sse(parser_->get().body()).size() < count &&
           std::chrono::steady_clock::now() < deadline) {
      if (buffer_.size() > 0) {
        auto used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec == http::error::need_more) {
          ec = {};
        } else if (ec) {
          break;
        } else if (used > 0) {
          continue;
        }
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{socket_.native_handle(), POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count()))) <= 0) break;
      auto n = socket_.read_some(buffer_.prepare(64 * 1024), ec);
      if (ec == boost::asio::error::eof) {
        parser_->put_eof(ec);
        break;
      }
      if (ec) break;
      buffer_.commit(n);
    }
    events = parse_sse(parser_->get().body());
    done = parser_->is_done();
    auto r = convert(parser_->get());
    if (done) parser_.reset();
    return r;
  }

  void close() {
    boost::system::error_code ec;
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

 private:
  template <class Message>
  static http_reply convert(const Message& m) {
    http_reply r;
    r.status = m.result_int();
    for (const auto& f : m) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    r.body = m.body();
    return r;
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
};

}  // namespace lumen::test
