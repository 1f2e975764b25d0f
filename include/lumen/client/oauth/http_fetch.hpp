// A small blocking HTTP/1.1 client for the OAuth requests (metadata, registration, token,
// authorization), each on its own connection and io_context with a hard time limit. It is separate
// from the transport's asynchronous client because the authorization flow runs synchronously on
// the transport's I/O thread. http only, like the transport.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lumen::client::oauth {

struct http_exchange_request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct http_exchange_response {
  int status = 0;
  /// Names lowercased.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The first value of header `name` (lowercase); empty when absent.
  std::string header(std::string_view name) const;
};

/// Performs one request. Throws client_error (timeout, transport_error) when there is no answer;
/// any HTTP status is an answer. Redirects are not followed.
using http_fetcher = std::function<http_exchange_response(const http_exchange_request&)>;

http_fetcher make_http_fetcher(std::chrono::milliseconds timeout, std::size_t max_body_bytes);

}  // namespace lumen::client::oauth
