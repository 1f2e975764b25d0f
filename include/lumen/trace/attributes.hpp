// Typed span attributes (string, bool, int64, double, and arrays of each), span kinds, status.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace lumen::trace {

using attribute_value = std::variant<std::string, bool, std::int64_t, double, std::vector<std::string>,
                                     std::vector<bool>, std::vector<std::int64_t>, std::vector<double>>;

/// An attribute's key: its own copy of the text, or, made with static_key(), a view of text that
/// outlives every span (a semantic-convention constant), which costs no allocation on the hot path.
class attribute_key {
 public:
  attribute_key() = default;
  attribute_key(std::string text) : owned_(std::move(text)), is_static_(false) {}
  attribute_key(std::string_view text) : owned_(text), is_static_(false) {}
  attribute_key(const char* text) : owned_(text), is_static_(false) {}

  /// A key whose text has static storage duration (never copied).
  static constexpr attribute_key static_key(std::string_view text) noexcept { return attribute_key(text, 0); }

  std::string_view view() const noexcept { return is_static_ ? static_ : std::string_view(owned_); }
  operator std::string_view() const noexcept { return view(); }
  std::string str() const { return std::string(view()); }
  std::size_t size() const noexcept { return view().size(); }
  bool empty() const noexcept { return view().empty(); }

  friend bool operator==(const attribute_key& a, const attribute_key& b) noexcept { return a.view() == b.view(); }
  friend bool operator==(const attribute_key& a, std::string_view b) noexcept { return a.view() == b; }

 private:
  constexpr attribute_key(std::string_view text, int) noexcept : static_(text), is_static_(true) {}
  std::string owned_;
  std::string_view static_;
  bool is_static_ = false;
};

/// A key for text with static storage duration: lumen::trace::static_key(semconv::x).
constexpr attribute_key static_key(std::string_view text) noexcept { return attribute_key::static_key(text); }

struct attribute {
  attribute_key key;
  attribute_value value;

  attribute() = default;
  attribute(attribute_key k, attribute_value v) : key(std::move(k)), value(std::move(v)) {}
  /// The value built in place from what makes it (a string, an integer...): no intermediate
  /// attribute_value to move from and destroy.
  template <class V>
    requires(!std::is_same_v<std::decay_t<V>, attribute_value> && std::is_constructible_v<attribute_value, V &&>)
  attribute(attribute_key k, V&& v) : key(std::move(k)), value(std::forward<V>(v)) {}

  friend bool operator==(const attribute&, const attribute&) = default;
};

using attribute_list = std::vector<attribute>;

/// Finds an attribute by key (nullptr when absent).
const attribute_value* find_attribute(const attribute_list& list, std::string_view key) noexcept;

/// OTLP SpanKind values.
enum class span_kind : int { internal = 1, server = 2, client = 3, producer = 4, consumer = 5 };
/// OTLP Status codes.
enum class status_code : int { unset = 0, ok = 1, error = 2 };

std::string_view to_string(span_kind k) noexcept;

}  // namespace lumen::trace
