// W3C Baggage: `key=value;property` list members, percent-encoded values, limits of 64 members
// and 8192 bytes. Baggage travels with the context; it is never a span attribute by default.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lumen::trace {

class baggage {
 public:
  static constexpr std::size_t max_members = 64;
  static constexpr std::size_t max_bytes = 8192;

  struct entry {
    std::string key;
    std::string value;     // decoded
    std::string metadata;  // the properties after ";", as received
  };

  /// Parses a header value; malformed members are skipped, and members beyond the limits dropped.
  static baggage parse(std::string_view header);
  /// The header value (percent-encoding values), within the limits.
  std::string to_header() const;

  std::optional<std::string_view> get(std::string_view key) const;
  /// Sets (or replaces) an entry; false when the key is not a token.
  bool set(std::string_view key, std::string_view value, std::string_view metadata = {});
  bool empty() const noexcept { return entries_.empty(); }
  const std::vector<entry>& entries() const noexcept { return entries_; }

 private:
  std::vector<entry> entries_;
};

}  // namespace lumen::trace
