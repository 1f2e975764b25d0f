// Resource detection from the environment.
#include <lumen/sdk/resource.hpp>

#include <lumen/core/env.hpp>
#include <lumen/core/key_value_list.hpp>
#include <lumen/version.hpp>

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
  set(r.attributes, "telemetry.sdk.version", std::string(lumen::version));
  set(r.attributes, "service.name", service_name.empty() ? "unknown_service:" + executable_name() : std::string(service_name));
  if (!service_version.empty()) set(r.attributes, "service.version", std::string(service_version));
  if (auto attrs = core::env::get("OTEL_RESOURCE_ATTRIBUTES")) {
    auto list = core::parse_key_value_list(*attrs);
    if (list.malformed > 0) core::env::warn_once("OTEL_RESOURCE_ATTRIBUTES", *attrs, "key=value pairs separated by commas");
    for (auto& [key, value] : list.entries) set(r.attributes, key, std::move(value));
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
