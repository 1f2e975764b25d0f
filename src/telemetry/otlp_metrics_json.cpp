// ExportMetricsServiceRequest in OTLP/JSON: lowerCamelCase names, enums as integers, 64-bit
// integers (times, counts) as strings.
#include <lumen/telemetry/otlp_metrics.hpp>

#include <lumen/json.hpp>

namespace lumen::telemetry {

namespace {

json::object any_value(const metric_value& v) {
  return std::visit(
      [](const auto& x) -> json::object {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return {{"stringValue", x}};
        } else if constexpr (std::is_same_v<T, bool>) {
          return {{"boolValue", x}};
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return {{"intValue", std::to_string(x)}};
        } else {
          return {{"doubleValue", x}};
        }
      },
      v);
}

json::array key_values(const metric_attributes& attributes) {
  json::array a;
  for (const auto& [key, value] : attributes) a.push_back(json::object{{"key", key}, {"value", any_value(value)}});
  return a;
}

json::array key_values(const trace::attribute_list& attributes) {
  json::array a;
  for (const auto& kv : attributes) {
    // Resource attributes are scalars (service.*, telemetry.sdk.*, OTEL_RESOURCE_ATTRIBUTES).
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> || std::is_same_v<T, std::int64_t> ||
                        std::is_same_v<T, double>) {
            a.push_back(json::object{{"key", kv.key.str()}, {"value", any_value(metric_value(x))}});
          }
        },
        kv.value);
  }
  return a;
}

json::object point_json(const histogram& h, const histogram_point& p, std::int64_t now) {
  json::array counts, bounds;
  for (auto c : p.bucket_counts) counts.push_back(json::value(std::to_string(c)));
  for (double b : h.boundaries()) bounds.push_back(b);
  return {{"attributes", key_values(p.attributes)},
          {"startTimeUnixNano", std::to_string(h.start_unix_nano())},
          {"timeUnixNano", std::to_string(now)},
          {"count", std::to_string(p.count)},
          {"sum", p.sum},
          {"bucketCounts", std::move(counts)},
          {"explicitBounds", std::move(bounds)},
          {"min", p.min},
          {"max", p.max}};
}

}  // namespace

std::string encode_otlp_metrics_json(const metric_snapshot& snapshot) {
  json::array metrics;
  for (const auto& h : snapshot.histograms) {
    const auto points = h->points();
    if (points.empty()) continue;
    json::array data_points;
    for (const auto& p : points) data_points.push_back(point_json(*h, p, snapshot.time_unix_nano));
    metrics.push_back(json::object{
        {"name", h->name()},
        {"description", h->description()},
        {"unit", h->unit()},
        {"histogram", json::object{{"dataPoints", std::move(data_points)}, {"aggregationTemporality", 2}}}});
  }
  if (metrics.empty()) return {};
  json::object scope_metrics{
      {"scope", json::object{{"name", snapshot.scope.name}, {"version", snapshot.scope.version}}},
      {"metrics", std::move(metrics)}};
  json::object resource_metrics;
  if (snapshot.resource) resource_metrics.emplace("resource", json::object{{"attributes", key_values(snapshot.resource->attributes)}});
  resource_metrics.emplace("scopeMetrics", json::array{std::move(scope_metrics)});
  return json::serialize(json::object{{"resourceMetrics", json::array{std::move(resource_metrics)}}});
}

}  // namespace lumen::telemetry
