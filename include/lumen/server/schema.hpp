// JSON Schema (2020-12) generation, strict argument binding and JSON output for C++ types described
// with Boost.Describe: the machinery behind typed tools' `inputSchema`, argument binding,
// `outputSchema` and `structuredContent`.
//
//   enum class unit { celsius, fahrenheit };
//   BOOST_DESCRIBE_ENUM(unit, celsius, fahrenheit)
//
//   struct forecast_args {
//     std::string city;
//     std::optional<int> days;
//     unit units;
//     // Optional: descriptions of fields, emitted as "description" in the field's schema.
//     static std::map<std::string_view, std::string_view> lumen_descriptions() {
//       return {{"city", "City name, e.g. Paris"}, {"days", "Days ahead (default 1)"}};
//     }
//   };
//   BOOST_DESCRIBE_STRUCT(forecast_args, (), (city, days, units))
//
//   json::object schema = lumen::server::json_schema_for<forecast_args>();
//   forecast_args a = lumen::server::bind_arguments<forecast_args>(call_arguments);  // throws binding_error
//   json::value out = lumen::server::to_json_value(a);
//
// Type mapping (the same for schema, binding and output):
//   bool                              {"type":"boolean"}
//   integral types                    {"type":"integer"} + "minimum"/"maximum" for types narrower than
//                                     64 bits; 64-bit unsigned gets "minimum":0
//   float, double                     {"type":"number"}
//   std::string                       {"type":"string"}
//   described enum                    {"type":"string","enum":[enumerator names]}
//   std::optional<X>                  schema of X; the member is not "required"
//   std::vector<X>                    {"type":"array","items":schema of X}
//   std::map<std::string, X>          {"type":"object","additionalProperties":schema of X}
//   described struct                  {"type":"object","properties":{...},"required":[...],
//                                      "additionalProperties":false}  (public and inherited members)
//   json::value                       {}  (anything)
//   json::object / json::array        {"type":"object"} / {"type":"array"}
//
// Field descriptions: give the struct a static member function `lumen_descriptions()` returning a
// range of (member name, description) pairs convertible to std::string_view, typically
// std::map<std::string_view, std::string_view>. It is found by a concept, adds no data member and
// keeps the struct an aggregate. A name that is not a described member makes json_schema_for throw
// std::logic_error, so typos surface when the tool is registered.
//
// Limitation: self-recursive types (a struct containing a vector of itself) bind and serialize, but
// json_schema_for throws std::logic_error for them ($defs/$ref are not generated).
#pragma once

#include <lumen/json.hpp>
#include <lumen/server/detail/schema_traits.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace lumen::server {

/// Arguments that do not fit the target type. what() names the field path precisely, e.g.
///   argument "items[2].count": expected integer, got string
///   missing required argument "address.city"
///   unknown argument "extra"
/// Paths use `.member`, `[index]` for arrays and `.key` (or `["key"]` when the key is not an
/// identifier) for map entries; errors about the arguments object itself have an empty path and read
/// `arguments: expected object, got array`.
class binding_error : public std::runtime_error {
 public:
  /// `message` is the full what() text; `path` and `reason` are its parts.
  binding_error(std::string message, std::string path, std::string reason)
      : std::runtime_error(std::move(message)), path_(std::move(path)), reason_(std::move(reason)) {}

  /// Path of the offending field, e.g. "items[2].count" ("" for the arguments object itself).
  const std::string& path() const noexcept { return path_; }
  /// What is wrong, e.g. "expected integer, got string" or "missing required argument".
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string path_;
  std::string reason_;
};

/// The JSON Schema (2020-12) of the described struct `T`, with "$schema" at the root only.
/// Throws std::logic_error for a recursive `T` or a lumen_descriptions() naming no member.
template <class T>
json::object json_schema_for();

/// Converts `args` into `T` strictly: wrong JSON types, missing required fields, unknown fields,
/// integers out of the member type's range, non-integral numbers for integers and unknown enum
/// names throw binding_error. Lenient only where JSON clients force it: integers are accepted for
/// floating-point members, integral doubles (3.0) for integer members, null for optional members
/// (= absent), and a null `args` for a struct (= {}).
template <class T>
T bind_arguments(const json::value& args);

/// The JSON form of `value` (described structs become objects without their empty optionals, enums
/// their names, and so on). Throws std::invalid_argument for an enum value without a name.
template <class T>
json::value to_json_value(const T& value);

}  // namespace lumen::server

#include <lumen/server/detail/schema_impl.hpp>
