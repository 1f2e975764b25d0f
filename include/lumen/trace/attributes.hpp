// Typed span attributes (string, bool, int64, double, and arrays of each), span kinds, status.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace lumen::trace {

using attribute_value = std::variant<std::string, bool, std::int64_t, double, std::vector<std::string>,
                                     std::vector<bool>, std::vector<std::int64_t>, std::vector<double>>;

struct attribute {
  std::string key;
  attribute_value value;

  attribute() = default;
  attribute(std::string k, attribute_value v) : key(std::move(k)), value(std::move(v)) {}

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
