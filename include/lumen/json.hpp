// Boost.JSON aliases and small helpers shared by every Lumen module.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace lumen {

namespace json = boost::json;

/// Returns the member `key` of `obj` when it exists and is a string.
inline std::optional<std::string_view> get_string(const json::object& obj, std::string_view key) {
  if (auto const* v = obj.if_contains(key); v && v->is_string()) {
    return std::string_view(v->get_string());
  }
  return std::nullopt;
}

/// Returns the member `key` of `obj` when it exists and is an object.
inline const json::object* get_object(const json::object& obj, std::string_view key) {
  if (auto const* v = obj.if_contains(key); v && v->is_object()) {
    return &v->get_object();
  }
  return nullptr;
}

/// Serializes a JSON value compactly.
inline std::string to_string(const json::value& v) { return json::serialize(v); }

}  // namespace lumen
