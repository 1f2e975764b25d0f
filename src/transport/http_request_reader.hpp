// Internal: a Beast request parser that fills Lumen's http_request directly. Beast's own
// request_parser stores every field in its own allocated list, which the server then copied into
// header_fields: this parser writes each field, the target and the body straight into the
// http_request the endpoint receives (Beast still does all the parsing and its limits).
#pragma once

#include <lumen/transport/http_message.hpp>

#include <boost/beast/http/basic_parser.hpp>

#include <string>

namespace lumen::transport::detail {

class http_request_reader final : public boost::beast::http::basic_parser<true> {
 public:
  http_request_reader() { request_.headers.reserve(12); }

  /// The request read so far (complete once the parser is done).
  http_request& request() noexcept { return request_; }

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  void on_request_impl(boost::beast::http::verb, string_view method, string_view target, int version,
                       error_code&) override {
    request_.http_version = static_cast<unsigned>(version);
    request_.method.assign(method.data(), method.size());
    request_.target.assign(target.data(), target.size());
  }
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(boost::beast::http::field, string_view name, string_view value, error_code&) override {
    request_.headers.emplace_back(std::string(name.data(), name.size()), std::string(value.data(), value.size()));
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) override {
    // The parser has already checked the length against body_limit.
    if (content_length) request_.body.reserve(static_cast<std::size_t>(*content_length));
  }
  std::size_t on_body_impl(string_view body, error_code&) override {
    request_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
    request_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  http_request request_;
};

}  // namespace lumen::transport::detail
