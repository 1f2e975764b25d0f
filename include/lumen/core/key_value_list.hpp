// `key=value,key=value` lists as OpenTelemetry's environment variables write them
// (OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_HEADERS): the W3C Baggage format without metadata.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lumen::core {

/// One `key=value` member of a list, its value percent-decoded.
struct key_value {
  std::string key;
  std::string value;
  friend bool operator==(const key_value&, const key_value&) = default;
};

/// A parsed list: its members in order, and how many members were malformed and skipped.
struct key_value_list {
  std::vector<key_value> entries;
  std::size_t malformed = 0;
};

/// Parses `key=value,key=value`: members split at ',', key and value trimmed of spaces and tabs,
/// values percent-decoded (`%XX` of either case; a '%' without two hex digits stays as written).
/// Empty members are ignored; a member without '=' or with an empty key is skipped and counted.
key_value_list parse_key_value_list(std::string_view text);

}  // namespace lumen::core
