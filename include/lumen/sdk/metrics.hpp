// Metrics Lumen records by the semantic conventions (operation, session and HTTP request
// durations): explicit-bucket histograms keyed by attribute sets, readable in-process and exported
// over OTLP (cumulative temporality).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace lumen::sdk {

/// A metric attribute value (the OTLP scalar kinds).
using metric_value = std::variant<std::string, bool, std::int64_t, double>;
/// An attribute set; order does not matter (it is normalised by key).
using metric_attributes = std::vector<std::pair<std::string, metric_value>>;

/// A view of one attribute, for recording without building an attribute set: the hot path, where
/// a known series is found without allocating (the set is copied only for a new series).
using metric_value_view = std::variant<std::string_view, bool, std::int64_t, double>;
struct metric_attribute_view {
  std::string_view key;
  metric_value_view value;
};

/// One data point of a histogram: everything recorded under one attribute set since start.
struct histogram_point {
  metric_attributes attributes;
  std::uint64_t count = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
  std::vector<std::uint64_t> bucket_counts;  // boundaries.size() + 1 buckets
};

/// A thread-safe explicit-bucket histogram.
class histogram {
 public:
  histogram(std::string name, std::string unit, std::string description, std::vector<double> boundaries);

  void record(double value, const metric_attributes& attributes);
  /// The same, from views (order does not matter here either).
  void record_views(double value, std::span<const metric_attribute_view> attributes);

  const std::string& name() const noexcept { return name_; }
  const std::string& unit() const noexcept { return unit_; }
  const std::string& description() const noexcept { return description_; }
  const std::vector<double>& boundaries() const noexcept { return boundaries_; }
  /// Start of the cumulative window (Unix nanoseconds).
  std::int64_t start_unix_nano() const noexcept { return start_unix_nano_; }
  /// The points, ordered by attribute set.
  std::vector<histogram_point> points() const;

 private:
  std::string name_, unit_, description_;
  std::vector<double> boundaries_;
  std::int64_t start_unix_nano_;
  mutable std::mutex mutex_;
  // Keyed by an order-independent hash of the attribute set; a hash shared by two sets is told
  // apart by comparing the sets.
  std::multimap<std::uint64_t, histogram_point> points_;
  histogram_point* last_ = nullptr;  // the series recorded last, tried first
};

/// Owns the histograms of a process (one per name).
class meter {
 public:
  /// The histogram `name`, created on first use.
  histogram& get_histogram(std::string_view name, std::string_view unit, std::string_view description,
                           const std::vector<double>& boundaries);
  /// Every histogram, for export or inspection.
  std::vector<std::shared_ptr<const histogram>> histograms() const;
  /// A histogram by name, or nullptr.
  std::shared_ptr<const histogram> find(std::string_view name) const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<histogram>> histograms_;
};

}  // namespace lumen::sdk
