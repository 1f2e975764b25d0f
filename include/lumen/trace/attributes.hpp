// Typed span attributes (string, bool, int64, double, and arrays of each), span kinds, status.
#pragma once

#include <cstdint>
#include <cstring>
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
/// A copy of up to 15 bytes is kept inline; a longer one is allocated.
class attribute_key {
 public:
  constexpr attribute_key() noexcept = default;
  attribute_key(std::string_view text) { copy_from(text); }
  attribute_key(const std::string& text) : attribute_key(std::string_view(text)) {}
  attribute_key(const char* text) : attribute_key(std::string_view(text)) {}

  attribute_key(const attribute_key& other) {
    if (other.kind_ == kind::view) {
      data_ = other.data_;
      size_ = other.size_;
    } else {
      copy_from(other.view());
    }
  }
  attribute_key(attribute_key&& other) noexcept { take(other); }
  attribute_key& operator=(const attribute_key& other) {
    if (this != &other) *this = attribute_key(other);
    return *this;
  }
  attribute_key& operator=(attribute_key&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  constexpr ~attribute_key() { release(); }

  /// A key whose text has static storage duration (never copied).
  static constexpr attribute_key static_key(std::string_view text) noexcept { return attribute_key(text, view_tag{}); }

  constexpr std::string_view view() const noexcept { return {data_, size_}; }
  constexpr operator std::string_view() const noexcept { return view(); }
  std::string str() const { return std::string(view()); }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }

  friend constexpr bool operator==(const attribute_key& a, const attribute_key& b) noexcept { return a.view() == b.view(); }
  friend constexpr bool operator==(const attribute_key& a, std::string_view b) noexcept { return a.view() == b; }

 private:
  enum class kind : unsigned char { view, inline_copy, heap_copy };
  static constexpr std::size_t inline_capacity = 15;
  struct view_tag {};

  constexpr attribute_key(std::string_view text, view_tag) noexcept : data_(text.data()), size_(text.size()) {}

  void copy_from(std::string_view text) {
    size_ = text.size();
    if (size_ <= inline_capacity) {
      std::char_traits<char>::copy(inline_, text.data(), size_);
      data_ = inline_;
      kind_ = kind::inline_copy;
    } else {
      char* p = new char[size_];
      std::char_traits<char>::copy(p, text.data(), size_);
      data_ = p;
      kind_ = kind::heap_copy;
    }
  }
  void take(attribute_key& other) noexcept {
    data_ = other.data_;
    size_ = other.size_;
    kind_ = other.kind_;
    if (kind_ == kind::inline_copy) {
      std::memcpy(inline_, other.inline_, inline_capacity);  // fixed size: two moves, no call
      data_ = inline_;
    } else if (kind_ == kind::heap_copy) {
      other.data_ = "";
      other.size_ = 0;
      other.kind_ = kind::view;
    }
  }
  constexpr void release() noexcept {
    if (kind_ == kind::heap_copy) delete[] data_;
  }

  const char* data_ = "";
  std::size_t size_ = 0;
  kind kind_ = kind::view;
  char inline_[inline_capacity];  // the text of an inline copy (only then read)
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
