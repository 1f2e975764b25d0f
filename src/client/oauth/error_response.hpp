// Internal: the client_error for an OAuth endpoint's non-2xx answer (RFC 6749 §5.2, RFC 7591
// §3.2.2): the status, and the server's `error` and `error_description` when it sent them.
#pragma once

#include <lumen/client/errors.hpp>
#include <lumen/json.hpp>

#include <string>
#include <string_view>

namespace lumen::client::oauth::detail {

inline client_error oauth_error_response(std::string_view what, int status, const json::object* doc) {
  std::string message = std::string(what) + " failed: HTTP " + std::to_string(status);
  std::optional<json::value> data;
  if (doc) {
    if (auto e = get_string(*doc, "error")) message += " (" + std::string(*e) + ")";
    if (auto d = get_string(*doc, "error_description")) message += ": " + std::string(*d);
    data = *doc;
  }
  return client_error(error_kind::authorization_failed, message, std::nullopt, std::move(data), status);
}

/// An OAuth endpoint's JSON answer: its object on a 2xx answer; otherwise the endpoint's error
/// (oauth_error_response), or an error naming `response` when the body is not a JSON object.
inline json::object parse_oauth_response(std::string_view what, std::string_view response, int status,
                                         std::string_view body) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  json::object* doc = !ec && value.is_object() ? &value.as_object() : nullptr;
  if (status / 100 != 2) throw oauth_error_response(what, status, doc);
  if (!doc) throw client_error(error_kind::authorization_failed, "the " + std::string(response) + " is not a JSON object");
  return std::move(*doc);
}

/// The non-empty string member `key` of an OAuth answer; an error naming `response` otherwise.
inline std::string required_oauth_string(const json::object& doc, std::string_view key, std::string_view response) {
  auto v = get_string(doc, key);
  if (!v || v->empty()) {
    throw client_error(error_kind::authorization_failed, "the " + std::string(response) + " has no " + std::string(key));
  }
  return std::string(*v);
}

}  // namespace lumen::client::oauth::detail
