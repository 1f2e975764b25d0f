// The blocking HTTP client of the OAuth flow: one request on a private io_context, bounded by a
// deadline on every socket operation and on the whole exchange.
// g++ 12 reports false "potential null pointer dereference" inside Asio's inlined scheduler.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <lumen/client/errors.hpp>
#include <lumen/client/oauth/http_fetch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <cctype>
#include <optional>

namespace lumen::client::oauth {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct target_url {
  std::string host;
  std::string port;
  std::string host_header;
  std::string target;
};

target_url parse_target(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->host().empty()) {
    throw client_error(error_kind::transport_error, "invalid URL \"" + url + "\"");
  }
  if (parsed->scheme() != "http") {
    throw client_error(error_kind::transport_error, "cannot fetch \"" + url + "\": only http URLs are supported");
  }
  target_url t;
  t.host = parsed->host_address();
  t.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  t.host_header = std::string(parsed->encoded_host_and_port());
  t.target = std::string(parsed->encoded_path());
  if (t.target.empty()) t.target = "/";
  if (parsed->has_query()) t.target += "?" + std::string(parsed->encoded_query());
  return t;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

asio::awaitable<void> exchange(http_exchange_request request, target_url where, std::chrono::milliseconds timeout,
                               std::size_t max_body_bytes, std::optional<http_exchange_response>& result) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto endpoints = co_await resolver.async_resolve(where.host, where.port, asio::use_awaitable);
  beast::tcp_stream stream(ex);
  stream.expires_after(timeout);
  co_await stream.async_connect(endpoints, asio::use_awaitable);

  auto verb = http::string_to_verb(request.method);
  http::request<http::string_body> req{verb == http::verb::unknown ? http::verb::get : verb, where.target, 11};
  req.set(http::field::host, where.host_header);
  req.set(http::field::user_agent, "lumen-client");
  req.set(http::field::accept, "application/json");
  for (const auto& [k, v] : request.headers) req.set(k, v);
  if (!request.body.empty() || verb == http::verb::post) req.body() = std::move(request.body);
  req.prepare_payload();
  stream.expires_after(timeout);
  co_await http::async_write(stream, req, asio::use_awaitable);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_body_bytes);
  stream.expires_after(timeout);
  co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
  const auto& res = parser.get();
  http_exchange_response out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) out.headers.emplace_back(lowercase(field.name_string()), std::string(field.value()));
  out.body = res.body();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  result = std::move(out);
}

}  // namespace

std::string http_exchange_response::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

http_fetcher make_http_fetcher(std::chrono::milliseconds timeout, std::size_t max_body_bytes) {
  return [timeout, max_body_bytes](const http_exchange_request& request) {
    auto where = parse_target(request.url);
    std::optional<http_exchange_response> result;
    std::exception_ptr failure;
    bool finished = false;
    {
      asio::io_context ioc;
      asio::co_spawn(ioc, exchange(request, where, timeout, max_body_bytes, result),
                     [&](std::exception_ptr e) {
                       failure = e;
                       finished = true;
                     });
      // The per-operation deadlines end the exchange; this bounds name resolution as well.
      ioc.run_for(timeout + std::chrono::seconds(1));
    }  // destroying the io_context destroys an unfinished exchange
    if (!finished) {
      throw client_error(error_kind::timeout, request.method + " " + request.url + " did not finish within " +
                                                  std::to_string(timeout.count()) + " ms");
    }
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const boost::system::system_error& e) {
        auto kind = e.code() == beast::error::timeout ? error_kind::timeout : error_kind::transport_error;
        throw client_error(kind, request.method + " " + request.url + " failed: " + e.code().message());
      } catch (const std::exception& e) {
        throw client_error(error_kind::transport_error, request.method + " " + request.url + " failed: " + e.what());
      }
    }
    return std::move(*result);
  };
}

}  // namespace lumen::client::oauth
