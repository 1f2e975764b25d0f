// ExportMetricsServiceRequest, protobuf wire format (opentelemetry-proto metrics/v1 field numbers).
#include <lumen/exporter/otlp_metrics.hpp>

#include <lumen/exporter/detail/protobuf_writer.hpp>

#include <cstring>

namespace lumen::exporter {

namespace {

using exporter::detail::pb_writer;

constexpr std::uint64_t cumulative_temporality = 2;  // AGGREGATION_TEMPORALITY_CUMULATIVE

void encode_point(pb_writer& w, const sdk::histogram& h, const sdk::histogram_point& p, std::int64_t now) {
  auto dp = w.begin(1);  // Histogram.data_points
  w.fixed64_field(2, static_cast<std::uint64_t>(h.start_unix_nano()));
  w.fixed64_field(3, static_cast<std::uint64_t>(now));
  w.fixed64_field(4, p.count);
  w.double_field(5, p.sum);
  auto counts = w.begin(6);  // packed fixed64
  for (auto c : p.bucket_counts) {
    for (int i = 0; i < 8; ++i) w.out += static_cast<char>((c >> (8 * i)) & 0xff);
  }
  w.end(counts);
  auto bounds = w.begin(7);  // packed double
  for (double b : h.boundaries()) {
    std::uint64_t v;
    std::memcpy(&v, &b, sizeof v);
    for (int i = 0; i < 8; ++i) w.out += static_cast<char>((v >> (8 * i)) & 0xff);
  }
  w.end(bounds);
  exporter::detail::write_key_values(w, 9, detail::to_attribute_list(p.attributes));
  w.double_field(11, p.min);
  w.double_field(12, p.max);
  w.end(dp);
}

}  // namespace

trace::attribute_list detail::to_attribute_list(const sdk::metric_attributes& attributes) {
  trace::attribute_list list;
  list.reserve(attributes.size());
  for (const auto& [key, value] : attributes) {
    list.emplace_back(key, std::visit([](const auto& v) { return trace::attribute_value(v); }, value));
  }
  return list;
}

std::string encode_otlp_metrics_protobuf(const metric_snapshot& snapshot) {
  pb_writer w;
  bool any = false;
  auto rm = w.begin(1);  // ExportMetricsServiceRequest.resource_metrics
  if (snapshot.resource) {
    auto res = w.begin(1);
    exporter::detail::write_key_values(w, 1, snapshot.resource->attributes);
    w.end(res);
  }
  auto sm = w.begin(2);  // ResourceMetrics.scope_metrics
  auto scope = w.begin(1);
  w.string_field(1, snapshot.scope.name);
  w.string_field(2, snapshot.scope.version);
  w.end(scope);
  for (const auto& h : snapshot.histograms) {
    const auto points = h->points();
    if (points.empty()) continue;
    any = true;
    auto metric = w.begin(2);  // ScopeMetrics.metrics
    w.string_field(1, h->name());
    w.string_field(2, h->description());
    w.string_field(3, h->unit());
    auto hist = w.begin(9);  // Metric.histogram
    for (const auto& p : points) encode_point(w, *h, p, snapshot.time_unix_nano);
    w.uint_field(2, cumulative_temporality);
    w.end(hist);
    w.end(metric);
  }
  w.end(sm);
  w.end(rm);
  if (!any) return {};
  return std::move(w.out);
}

}  // namespace lumen::exporter
