// HTTP message helpers.
#include <lumen/transport/http_message.hpp>

#include <strings.h>

namespace lumen::transport {

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string_view> http_request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::string_view http_request::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whether the parameters of one media range set q to zero.
bool q_is_zero(std::string_view params) noexcept {
  while (!params.empty()) {
    auto semi = params.find(';');
    auto p = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    auto eq = p.find('=');
    if (eq == std::string_view::npos || !iequals(trim(p.substr(0, eq)), "q")) continue;
    auto v = trim(p.substr(eq + 1));
    if (v.empty()) return false;
    for (char c : v) {
      if (c != '0' && c != '.') return false;
    }
    return true;
  }
  return false;
}

}  // namespace

bool accepts_media_type(std::string_view accept, std::string_view media_type) noexcept {
  auto slash = media_type.find('/');
  auto type = media_type.substr(0, slash);
  while (!accept.empty()) {
    auto comma = accept.find(',');
    auto range = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
    auto semi = range.find(';');
    auto name = trim(range.substr(0, semi));
    auto params = semi == std::string_view::npos ? std::string_view() : range.substr(semi + 1);
    bool match = iequals(name, media_type) || name == "*/*" ||
                 (name.size() == type.size() + 2 && iequals(name.substr(0, type.size()), type) &&
                  name.substr(type.size()) == "/*");
    if (match && !q_is_zero(params)) return true;
  }
  return false;
}

bool is_media_type(std::string_view content_type, std::string_view media_type) noexcept {
  return iequals(trim(content_type.substr(0, content_type.find(';'))), media_type);
}

}  // namespace lumen::transport
