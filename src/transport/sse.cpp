// Server-Sent Events formatting and event ids.
#include <lumen/transport/sse.hpp>

#include <charconv>

namespace lumen::transport {

std::string event_id::to_string() const {
  char buffer[48];
  auto* end = std::to_chars(buffer, buffer + 20, stream).ptr;
  *end++ = '-';
  end = std::to_chars(end, buffer + sizeof buffer, sequence).ptr;
  return std::string(buffer, end);
}

std::optional<event_id> event_id::parse(std::string_view text) noexcept {
  auto dash = text.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == text.size() || text.size() > 41) return std::nullopt;
  event_id id;
  auto parse_part = [](std::string_view part, std::uint64_t& out) {
    if (part.empty() || part.front() < '0' || part.front() > '9') return false;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc() && ptr == part.data() + part.size();
  };
  if (!parse_part(text.substr(0, dash), id.stream) || !parse_part(text.substr(dash + 1), id.sequence)) {
    return std::nullopt;
  }
  return id;
}

std::string format_sse_event(std::string_view id, std::string_view data) {
  std::string e;
  e.reserve(data.size() + id.size() + 32);
  e += "id: ";
  e += id;
  e += "\nevent: message\n";
  while (true) {
    auto nl = data.find('\n');
    e += "data: ";
    auto line = data.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    e += line;
    e += '\n';
    if (nl == std::string_view::npos) break;
    data.remove_prefix(nl + 1);
  }
  e += '\n';
  return e;
}

std::string format_priming_event(std::string_view id, std::optional<std::chrono::milliseconds> retry) {
  std::string e = "id: ";
  e += id;
  e += '\n';
  if (retry) {
    e += "retry: ";
    e += std::to_string(retry->count());
    e += '\n';
  }
  e += "data: \n\n";
  return e;
}

}  // namespace lumen::transport
