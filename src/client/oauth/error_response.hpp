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

}  // namespace lumen::client::oauth::detail
