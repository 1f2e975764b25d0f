// Template bodies of schema.hpp: schema generation, strict binding and JSON output.
// Included at the end of <lumen/server/schema.hpp>; not meant to be included directly.
#pragma once

#include <lumen/server/schema.hpp>

#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace lumen::server::detail {

// ---------------------------------------------------------------------------------------------
// Error formatting

/// Shortest round-trip text of a double: 2.5, 1e+40.
inline std::string format_number(double d) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ec == std::errc{} ? r.ptr : buf);
}

/// The JSON kind of `v` as named in error messages.
inline const char* json_kind_name(const json::value& v) noexcept {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::int64:
    case json::kind::uint64: return "integer";
    case json::kind::double_: return "number";
    case json::kind::string: return "string";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
  }
  return "value";
}

[[noreturn]] inline void throw_binding(const std::string& path, std::string reason) {
  std::string message = path.empty() ? "arguments: " + reason : "argument \"" + path + "\": " + reason;
  throw binding_error(std::move(message), path, std::move(reason));
}

[[noreturn]] inline void throw_expected(const std::string& path, std::string_view expected, const json::value& got) {
  throw_binding(path, "expected " + std::string(expected) + ", got " + json_kind_name(got));
}

[[noreturn]] inline void throw_missing(const std::string& path) {
  throw binding_error("missing required argument \"" + path + "\"", path, "missing required argument");
}

[[noreturn]] inline void throw_unknown(const std::string& path) {
  throw binding_error("unknown argument \"" + path + "\"", path, "unknown argument");
}

// ---------------------------------------------------------------------------------------------
// Field paths: a.b[2].c, m.key, m["odd key"]

inline bool is_identifier(std::string_view s) noexcept {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s.front())) return false;
  return std::all_of(s.begin() + 1, s.end(), [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

inline void append_member(std::string& path, std::string_view name) {
  if (!path.empty()) path += '.';
  path += name;
}

inline void append_key(std::string& path, std::string_view key) {
  if (is_identifier(key)) {
    append_member(path, key);
  } else {
    path += '[';
    path += json::serialize(json::value(json::string_view(key.data(), key.size())));
    path += ']';
  }
}

inline void append_index(std::string& path, std::size_t index) {
  path += '[';
  path += std::to_string(index);
  path += ']';
}

// ---------------------------------------------------------------------------------------------
// Enums

template <class E>
std::string enum_names_list() {
  std::string out;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) {
    if (!out.empty()) out += ", ";
    out += '"';
    out += d.name;
    out += '"';
  });
  return out;
}

template <class E>
const char* enum_name(E value) noexcept {
  const char* name = nullptr;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) {
    if (!name && d.value == value) name = d.name;
  });
  return name;
}

// ---------------------------------------------------------------------------------------------
// Schema generation

struct schema_context {
  std::vector<const void*> in_progress;  // described structs being generated (recursion guard)
};

template <class T>
inline constexpr char type_tag = 0;

template <class T>
json::object schema_of(schema_context& ctx);

template <class T>
json::object struct_schema(schema_context& ctx) {
  using members = described_members_t<T>;
  const void* id = &type_tag<T>;
  if (std::find(ctx.in_progress.begin(), ctx.in_progress.end(), id) != ctx.in_progress.end()) {
    throw std::logic_error("json_schema_for: recursive types are not supported (a described struct contains itself)");
  }
  ctx.in_progress.push_back(id);

  if constexpr (has_lumen_descriptions<T>) {
    static_assert(valid_lumen_descriptions<T>,
                  "lumen_descriptions() must return a range of (member name, description) pairs "
                  "convertible to std::string_view, e.g. std::map<std::string_view, std::string_view>");
    for (const auto& entry : T::lumen_descriptions()) {
      std::string_view key(entry.first);
      bool known = false;
      boost::mp11::mp_for_each<members>([&](auto d) { known = known || key == d.name; });
      if (!known) {
        throw std::logic_error("lumen_descriptions(): \"" + std::string(key) + "\" is not a described member");
      }
    }
  }

  json::object properties;
  json::array required;
  boost::mp11::mp_for_each<members>([&](auto d) {
    using member_type = std::remove_cvref_t<decltype(std::declval<T&>().*decltype(d)::pointer)>;
    json::object s = schema_of<member_type>(ctx);
    if constexpr (has_lumen_descriptions<T>) {
      for (const auto& entry : T::lumen_descriptions()) {
        if (std::string_view(entry.first) == d.name) {
          std::string_view text(entry.second);
          s["description"] = json::string(text.data(), text.size());
          break;
        }
      }
    }
    properties[d.name] = std::move(s);
    if constexpr (!is_optional_v<member_type>) required.emplace_back(d.name);
  });

  ctx.in_progress.pop_back();
  json::object out;
  out["type"] = "object";
  out["properties"] = std::move(properties);
  out["required"] = std::move(required);
  out["additionalProperties"] = false;
  return out;
}

template <class T>
json::object schema_of(schema_context& ctx) {
  static_assert(is_supported_v<T>,
                "lumen::server::json_schema_for: unsupported member type (see schema.hpp for the mapping)");
  if constexpr (std::is_same_v<T, bool>) {
    return {{"type", "boolean"}};
  } else if constexpr (is_json_integer_v<T>) {
    json::object s{{"type", "integer"}};
    if constexpr (sizeof(T) < sizeof(std::int64_t)) {
      s["minimum"] = static_cast<std::int64_t>(std::numeric_limits<T>::min());
      s["maximum"] = static_cast<std::int64_t>(std::numeric_limits<T>::max());
    } else if constexpr (std::is_unsigned_v<T>) {
      s["minimum"] = 0;
    }
    return s;
  } else if constexpr (std::is_floating_point_v<T>) {
    return {{"type", "number"}};
  } else if constexpr (std::is_same_v<T, std::string>) {
    return {{"type", "string"}};
  } else if constexpr (std::is_same_v<T, json::value>) {
    return {};
  } else if constexpr (std::is_same_v<T, json::object>) {
    return {{"type", "object"}};
  } else if constexpr (std::is_same_v<T, json::array>) {
    return {{"type", "array"}};
  } else if constexpr (is_described_enum_v<T>) {
    json::array names;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto d) { names.emplace_back(d.name); });
    return {{"type", "string"}, {"enum", std::move(names)}};
  } else if constexpr (is_optional_v<T>) {
    return schema_of<typename T::value_type>(ctx);
  } else if constexpr (is_vector_v<T>) {
    return {{"type", "array"}, {"items", schema_of<typename T::value_type>(ctx)}};
  } else if constexpr (is_string_map_v<T>) {
    return {{"type", "object"}, {"additionalProperties", schema_of<typename T::mapped_type>(ctx)}};
  } else {
    return struct_schema<T>(ctx);
  }
}

// ---------------------------------------------------------------------------------------------
// Binding

template <class I>
[[noreturn]] void throw_integer_range(const std::string& path, const std::string& got) {
  throw_binding(path, "expected integer in [" + std::to_string(std::numeric_limits<I>::min()) + ", " +
                          std::to_string(std::numeric_limits<I>::max()) + "], got " + got);
}

template <class I>
I bind_integer(const json::value& v, const std::string& path) {
  if (v.is_int64()) {
    std::int64_t x = v.get_int64();
    if (!std::in_range<I>(x)) throw_integer_range<I>(path, std::to_string(x));
    return static_cast<I>(x);
  }
  if (v.is_uint64()) {
    std::uint64_t x = v.get_uint64();
    if (!std::in_range<I>(x)) throw_integer_range<I>(path, std::to_string(x));
    return static_cast<I>(x);
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (!std::isfinite(d) || std::trunc(d) != d) throw_binding(path, "expected integer, got number " + format_number(d));
    // [lo, hi) with exact powers of two, so the comparison is exact for 64-bit types too.
    const double hi = std::ldexp(1.0, std::numeric_limits<I>::digits);
    const double lo = std::is_signed_v<I> ? -hi : 0.0;
    if (!(d >= lo && d < hi)) throw_integer_range<I>(path, format_number(d));
    return static_cast<I>(d);
  }
  throw_expected(path, "integer", v);
}

template <class F>
F bind_floating(const json::value& v, const std::string& path) {
  double d = 0;
  if (v.is_double()) {
    d = v.get_double();
  } else if (v.is_int64()) {
    d = static_cast<double>(v.get_int64());
  } else if (v.is_uint64()) {
    d = static_cast<double>(v.get_uint64());
  } else {
    throw_expected(path, "number", v);
  }
  if constexpr (sizeof(F) < sizeof(double)) {
    if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<F>::max())) {
      throw_binding(path, "expected number within float range, got " + format_number(d));
    }
  }
  return static_cast<F>(d);
}

template <class T>
void bind_into(T& out, const json::value& v, std::string& path);

template <class T>
void bind_struct(T& out, const json::value& v, std::string& path) {
  using members = described_members_t<T>;
  const json::object* obj = v.if_object();
  if (!obj) throw_expected(path, "object", v);
  const std::size_t mark = path.size();

  // Unknown members first: a misspelt name reads "unknown argument" rather than "missing".
  for (const auto& kv : *obj) {
    bool known = false;
    boost::mp11::mp_for_each<members>([&](auto d) { known = known || kv.key() == d.name; });
    if (!known) {
      append_key(path, kv.key());
      throw_unknown(path);
    }
  }

  boost::mp11::mp_for_each<members>([&](auto d) {
    auto& member = out.*decltype(d)::pointer;
    using member_type = std::remove_cvref_t<decltype(member)>;
    append_member(path, d.name);
    const json::value* mv = obj->if_contains(d.name);
    if constexpr (is_optional_v<member_type>) {
      if (!mv || mv->is_null()) {
        member.reset();
      } else {
        bind_into(member, *mv, path);
      }
    } else {
      if (!mv) throw_missing(path);
      bind_into(member, *mv, path);
    }
    path.resize(mark);
  });
}

template <class T>
void bind_into(T& out, const json::value& v, std::string& path) {
  static_assert(is_supported_v<T>,
                "lumen::server::bind_arguments: unsupported member type (see schema.hpp for the mapping)");
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_bool()) throw_expected(path, "boolean", v);
    out = v.get_bool();
  } else if constexpr (is_json_integer_v<T>) {
    out = bind_integer<T>(v, path);
  } else if constexpr (std::is_floating_point_v<T>) {
    out = bind_floating<T>(v, path);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) throw_expected(path, "string", v);
    out.assign(v.get_string().data(), v.get_string().size());
  } else if constexpr (std::is_same_v<T, json::value>) {
    out = v;
  } else if constexpr (std::is_same_v<T, json::object>) {
    if (!v.is_object()) throw_expected(path, "object", v);
    out = v.get_object();
  } else if constexpr (std::is_same_v<T, json::array>) {
    if (!v.is_array()) throw_expected(path, "array", v);
    out = v.get_array();
  } else if constexpr (is_described_enum_v<T>) {
    const std::string expected = "one of " + enum_names_list<T>();
    if (!v.is_string()) throw_expected(path, expected, v);
    std::string_view name(v.get_string().data(), v.get_string().size());
    bool found = false;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto d) {
      if (!found && name == d.name) {
        out = d.value;
        found = true;
      }
    });
    if (!found) throw_binding(path, "expected " + expected + ", got " + json::serialize(v));
  } else if constexpr (is_optional_v<T>) {
    if (v.is_null()) {
      out.reset();
    } else {
      typename T::value_type inner{};
      bind_into(inner, v, path);
      out = std::move(inner);
    }
  } else if constexpr (is_vector_v<T>) {
    const json::array* arr = v.if_array();
    if (!arr) throw_expected(path, "array", v);
    out.clear();
    out.reserve(arr->size());
    const std::size_t mark = path.size();
    for (std::size_t i = 0; i < arr->size(); ++i) {
      append_index(path, i);
      typename T::value_type element{};
      bind_into(element, (*arr)[i], path);
      out.push_back(std::move(element));
      path.resize(mark);
    }
  } else if constexpr (is_string_map_v<T>) {
    const json::object* obj = v.if_object();
    if (!obj) throw_expected(path, "object", v);
    out.clear();
    const std::size_t mark = path.size();
    for (const auto& kv : *obj) {
      append_key(path, kv.key());
      typename T::mapped_type element{};
      bind_into(element, kv.value(), path);
      out.insert_or_assign(std::string(kv.key()), std::move(element));
      path.resize(mark);
    }
  } else {
    bind_struct(out, v, path);
  }
}

// ---------------------------------------------------------------------------------------------
// Output

template <class T>
json::value to_json(const T& value) {
  static_assert(is_supported_v<T>,
                "lumen::server::to_json_value: unsupported type (see schema.hpp for the mapping)");
  if constexpr (std::is_same_v<T, bool>) {
    return json::value(value);
  } else if constexpr (is_json_integer_v<T> && std::is_signed_v<T>) {
    return json::value(static_cast<std::int64_t>(value));
  } else if constexpr (is_json_integer_v<T>) {
    return json::value(static_cast<std::uint64_t>(value));
  } else if constexpr (std::is_floating_point_v<T>) {
    return json::value(static_cast<double>(value));
  } else if constexpr (std::is_same_v<T, std::string>) {
    return json::value(json::string(value.data(), value.size()));
  } else if constexpr (std::is_same_v<T, json::value> || std::is_same_v<T, json::object> ||
                       std::is_same_v<T, json::array>) {
    return json::value(value);
  } else if constexpr (is_described_enum_v<T>) {
    const char* name = enum_name(value);
    if (!name) {
      throw std::invalid_argument("to_json_value: enum value " +
                                  std::to_string(static_cast<std::underlying_type_t<T>>(value)) +
                                  " has no described name");
    }
    return json::value(name);
  } else if constexpr (is_optional_v<T>) {
    return value ? to_json(*value) : json::value(nullptr);
  } else if constexpr (is_vector_v<T>) {
    json::array arr;
    arr.reserve(value.size());
    for (const auto& element : value) arr.push_back(to_json<typename T::value_type>(element));
    return arr;
  } else if constexpr (is_string_map_v<T>) {
    json::object obj;
    for (const auto& [key, element] : value) obj[key] = to_json(element);
    return obj;
  } else {
    json::object obj;
    boost::mp11::mp_for_each<described_members_t<T>>([&](auto d) {
      const auto& member = value.*decltype(d)::pointer;
      if constexpr (is_optional_v<std::remove_cvref_t<decltype(member)>>) {
        if (!member) return;
      }
      obj[d.name] = to_json(member);
    });
    return obj;
  }
}

}  // namespace lumen::server::detail

namespace lumen::server {

template <class T>
json::object json_schema_for() {
  static_assert(detail::is_described_struct_v<T>,
                "json_schema_for<T>: T must be a struct described with BOOST_DESCRIBE_STRUCT");
  detail::schema_context ctx;
  json::object body = detail::schema_of<T>(ctx);
  json::object root;
  root.reserve(body.size() + 1);
  root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  for (auto& kv : body) root[kv.key()] = std::move(kv.value());
  return root;
}

template <class T>
T bind_arguments(const json::value& args) {
  static_assert(std::is_default_constructible_v<T>, "bind_arguments<T>: T must be default-constructible");
  T out{};
  std::string path;
  if (detail::is_described_struct_v<T> && args.is_null()) {
    detail::bind_into(out, json::value(json::object()), path);
  } else {
    detail::bind_into(out, args, path);
  }
  return out;
}

template <class T>
json::value to_json_value(const T& value) {
  return detail::to_json(value);
}

}  // namespace lumen::server
