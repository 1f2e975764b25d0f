// Server-Sent Events on the wire for Streamable HTTP: event ids that name their stream, and the
// text of message and priming events.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lumen::transport {

/// An SSE event id, unique within a session: the stream it was sent on (0 is the standalone GET
/// stream, 1.. the POST streams in order) and its position in that stream (0 is the priming event).
/// On the wire: "{stream}-{sequence}" in decimal.
struct event_id {
  std::uint64_t stream = 0;
  std::uint64_t sequence = 0;

  std::string to_string() const;
  /// Parses the wire form; nullopt for anything else (a Last-Event-ID from a client is untrusted).
  static std::optional<event_id> parse(std::string_view text) noexcept;
  friend bool operator==(const event_id&, const event_id&) = default;
};

/// One `message` event carrying `data` (a serialized JSON-RPC message; a line break in it starts
/// another `data:` line, as SSE requires).
std::string format_sse_event(std::string_view id, std::string_view data);
/// The priming event (an id and empty data) that lets a client resume a stream before any message
/// was sent on it, with the `retry` field (milliseconds) when given.
std::string format_priming_event(std::string_view id, std::optional<std::chrono::milliseconds> retry);

}  // namespace lumen::transport
