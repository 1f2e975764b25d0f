// Resource detection from the environment.
#include <lumen/sdk/resource.hpp>

#include <lumen/core/env.hpp>

#include <cctype>
#include <unistd.h>

namespace lumen::sdk {

namespace {

std::string executable_name() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "unknown";
  std::string path(buf, static_cast<std::size_t>(n));
  return path.substr(path.rfind('/') + 1);
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      auto hex = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

void set(trace::attribute_list& list, std::string_view key, std::string value) {
  for (auto& a : list) {
    if (a.key == key) {
      a.value = std::move(value);
      return;
    }
  }
  list.emplace_back(std::string(key), std::move(value));
}

}  // namespace

resource resource::create(std::string_view service_name, std::string_view service_version) {
  resource r;
  set(r.attributes, "telemetry.sdk.name", "lumen");
  set(r.attributes, "telemetry.sdk.language", "cpp");
  set(r.attributes, "telemetry.sdk.version", "0.1.0");
  set(r.attributes, "service.name", service_name.empty() ? "unknown_service:" + executable_name() : std::string(service_name));
  if (!service_version.empty()) set(r.attributes, "service.version", std::string(service_version));
  if (auto attrs = core::env::get("OTEL_RESOURCE_ATTRIBUTES")) {
    std::string_view rest = *attrs;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto pair = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos || trim(pair.substr(0, eq)).empty()) {
        core::env::warn_once("OTEL_RESOURCE_ATTRIBUTES", *attrs, "key=value pairs separated by commas");
        continue;
      }
      set(r.attributes, trim(pair.substr(0, eq)), percent_decode(trim(pair.substr(eq + 1))));
    }
  }
  if (auto name = core::env::get("OTEL_SERVICE_NAME")) set(r.attributes, "service.name", *name);
  return r;
}

std::string resource::service_name() const {
  if (auto const* v = trace::find_attribute(attributes, "service.name")) {
    if (auto const* s = std::get_if<std::string>(v)) return *s;
  }
  return {};
}

}  // namespace lumen::sdk
