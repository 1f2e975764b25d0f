// W3C `tracestate`: an ordered list of at most 32 vendor entries, validated by the Level 2 key
// and value grammar. A malformed header is dropped whole (the strict behaviour the W3C test
// harness expects). Immutable, so copies share one list: a span context (copied often on the hot
// path) copies a pointer, and nothing at all when, as usually, there is no tracestate.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lumen::trace {

class trace_state {
 public:
  static constexpr std::size_t max_members = 32;
  using entry_list = std::vector<std::pair<std::string, std::string>>;

  trace_state() = default;

  /// Parses one header value (several headers joined with ","). nullopt when invalid.
  static std::optional<trace_state> parse(std::string_view header);
  /// The header value (empty when there are no entries).
  std::string to_header() const;
  /// The header value truncated to at most `max_chars` by dropping whole entries (those over 128
  /// characters first, then from the end).
  std::string to_header(std::size_t max_chars) const;

  bool empty() const noexcept { return !entries_; }
  std::size_t size() const noexcept { return entries_ ? entries_->size() : 0; }
  const entry_list& entries() const noexcept { return entries_ ? *entries_ : no_entries(); }
  std::optional<std::string_view> get(std::string_view key) const;
  /// A copy with `key` set and moved to the front (a vendor updating its entry); nullopt when the
  /// key or value is invalid.
  std::optional<trace_state> with(std::string_view key, std::string_view value) const;

  static bool valid_key(std::string_view key) noexcept;
  static bool valid_value(std::string_view value) noexcept;

  friend bool operator==(const trace_state& a, const trace_state& b) noexcept {
    return a.entries_ == b.entries_ || a.entries() == b.entries();
  }

 private:
  explicit trace_state(entry_list entries);
  static const entry_list& no_entries() noexcept;
  std::shared_ptr<const entry_list> entries_;  // null when empty
};

}  // namespace lumen::trace
