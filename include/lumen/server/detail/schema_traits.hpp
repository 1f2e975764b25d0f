// Private helpers of schema.hpp: how a C++ type is classified for JSON Schema generation,
// argument binding and JSON output (described struct, described enum, optional, vector, map, ...).
#pragma once

#include <lumen/json.hpp>

#include <boost/describe/enum.hpp>
#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>

#include <concepts>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace lumen::server::detail {

template <class T>
inline constexpr bool dependent_false_v = false;

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
inline constexpr bool is_optional_v = is_optional<T>::value;

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
inline constexpr bool is_vector_v = is_vector<T>::value;

template <class T>
struct is_string_map : std::false_type {};
template <class T, class C, class A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};
template <class T>
inline constexpr bool is_string_map_v = is_string_map<T>::value;

/// Integers in the JSON sense: the standard signed and unsigned integer types (signed char to
/// long long, unsigned char to unsigned long long); not bool, not the character types.
template <class T>
inline constexpr bool is_json_integer_v =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> && !std::is_same_v<T, wchar_t> &&
    !std::is_same_v<T, char8_t> && !std::is_same_v<T, char16_t> && !std::is_same_v<T, char32_t>;

template <class T>
inline constexpr bool is_described_struct_v =
    std::is_class_v<T> && boost::describe::has_describe_members<T>::value;

template <class T>
inline constexpr bool is_described_enum_v =
    std::is_enum_v<T> && boost::describe::has_describe_enumerators<T>::value;

/// Public and inherited public data members of a described struct.
template <class T>
using described_members_t =
    boost::describe::describe_members<T, boost::describe::mod_public | boost::describe::mod_inherited>;

/// A struct that declares field descriptions: `static ... lumen_descriptions()`.
template <class T>
concept has_lumen_descriptions = requires { T::lumen_descriptions(); };

/// ...and returns a range of (member name, description) pairs, e.g.
/// std::map<std::string_view, std::string_view>.
template <class T>
concept valid_lumen_descriptions =
    has_lumen_descriptions<T> && requires(const std::remove_cvref_t<decltype(T::lumen_descriptions())>& d) {
      { std::string_view((*d.begin()).first) };
      { std::string_view((*d.begin()).second) };
      { d.begin() != d.end() } -> std::convertible_to<bool>;
    };

/// True for every type schema.hpp knows how to map.
template <class T>
struct is_supported;

template <class T>
inline constexpr bool is_supported_v = is_supported<T>::value;

template <class T>
struct is_supported
    : std::bool_constant<std::is_same_v<T, bool> || is_json_integer_v<T> || std::is_floating_point_v<T> ||
                         std::is_same_v<T, std::string> || std::is_same_v<T, json::value> ||
                         std::is_same_v<T, json::object> || std::is_same_v<T, json::array> ||
                         is_described_struct_v<T> || is_described_enum_v<T>> {};
template <class T>
struct is_supported<std::optional<T>> : is_supported<T> {};
template <class T, class A>
struct is_supported<std::vector<T, A>> : is_supported<T> {};
template <class T, class C, class A>
struct is_supported<std::map<std::string, T, C, A>> : is_supported<T> {};

}  // namespace lumen::server::detail
