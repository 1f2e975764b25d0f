// The entity producing telemetry (service.name, service.version, telemetry.sdk.*), merged with
// OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME; and the instrumentation scope.
#pragma once

#include <lumen/trace/attributes.hpp>

#include <string>

namespace lumen::sdk {

struct resource {
  trace::attribute_list attributes;

  /// telemetry.sdk.{name,language,version}, service.name (OTEL_SERVICE_NAME, then
  /// OTEL_RESOURCE_ATTRIBUTES' service.name, then `service_name`, then
  /// unknown_service:<executable>), service.version when given, and every OTEL_RESOURCE_ATTRIBUTES
  /// pair (percent-decoded).
  static resource create(std::string_view service_name = {}, std::string_view service_version = {});
  std::string service_name() const;
};

struct instrumentation_scope {
  std::string name;
  std::string version;
};

}  // namespace lumen::sdk
