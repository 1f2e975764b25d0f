// ExportMetricsServiceRequest in OTLP/JSON: lowerCamelCase names, enums as integers, 64-bit
// integers (times, counts) as strings.
#include <lumen/exporter/otlp_metrics.hpp>

#include <lumen/json.hpp>
#include <lumen/exporter/detail/otlp_json_values.hpp>

namespace lumen::exporter {

namespace {

using exporter::detail::otlp_json_key_values;

json::object point_json(const sdk::histogram& h, const sdk::histogram_point& p, std::int64_t now) {
  json::array counts, bounds;
  for (auto c : p.bucket_counts) counts.push_back(json::value(std::to_string(c)));
  for (double b : h.boundaries()) bounds.push_back(b);
  return {{"attributes", otlp_json_key_values(detail::to_attribute_list(p.attributes))},
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
  if (snapshot.resource) resource_metrics.emplace("resource", json::object{{"attributes", otlp_json_key_values(snapshot.resource->attributes)}});
  resource_metrics.emplace("scopeMetrics", json::array{std::move(scope_metrics)});
  return json::serialize(json::object{{"resourceMetrics", json::array{std::move(resource_metrics)}}});
}

}  // namespace lumen::exporter
