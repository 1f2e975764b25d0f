// Explicit-bucket histograms.
#include <lumen/telemetry/metrics.hpp>

#include <algorithm>
#include <array>

namespace lumen::telemetry {

const std::vector<double>& mcp_duration_boundaries() {
  static const std::vector<double> b{0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300};
  return b;
}

const std::vector<double>& http_duration_boundaries() {
  static const std::vector<double> b{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10};
  return b;
}

namespace {

std::int64_t now_unix_nano() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A stable key for an attribute set: by name, values tagged by kind. The attributes are visited
// in name order through an index, so the set itself is only sorted when it is stored.
std::string attribute_key(const metric_attributes& attributes) {
  std::array<std::size_t, 16> small{};
  std::vector<std::size_t> large;
  std::size_t* order = small.data();
  if (attributes.size() > small.size()) {
    large.resize(attributes.size());
    order = large.data();
  }
  std::size_t length = 0;
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    order[i] = i;
    length += attributes[i].first.size() + 24;
  }
  // Insertion sort: stable, and no allocation for these few names.
  for (std::size_t i = 1; i < attributes.size(); ++i) {
    for (std::size_t j = i; j > 0 && attributes[order[j]].first < attributes[order[j - 1]].first; --j) {
      std::swap(order[j], order[j - 1]);
    }
  }
  std::string key;
  key.reserve(length);
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    const auto& [name, value] = attributes[order[i]];
    key += name;
    key += '\x1f';
    key += static_cast<char>('0' + value.index());
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>) {
            key += v;
          } else if constexpr (std::is_same_v<T, bool>) {
            key += v ? '1' : '0';
          } else {
            key += std::to_string(v);
          }
        },
        value);
    key += '\x1e';
  }
  return key;
}

}  // namespace

histogram::histogram(std::string name, std::string unit, std::string description, std::vector<double> boundaries)
    : name_(std::move(name)),
      unit_(std::move(unit)),
      description_(std::move(description)),
      boundaries_(std::move(boundaries)),
      start_unix_nano_(now_unix_nano()) {}

void histogram::record(double value, metric_attributes attributes) {
  std::string key = attribute_key(attributes);
  auto bucket = static_cast<std::size_t>(std::lower_bound(boundaries_.begin(), boundaries_.end(), value) -
                                         boundaries_.begin());
  std::lock_guard lock(mutex_);
  auto [it, inserted] = points_.try_emplace(std::move(key));
  histogram_point& p = it->second;
  if (inserted) {
    std::stable_sort(attributes.begin(), attributes.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    p.attributes = std::move(attributes);
    p.bucket_counts.assign(boundaries_.size() + 1, 0);
    p.min = value;
    p.max = value;
  }
  ++p.count;
  p.sum += value;
  p.min = std::min(p.min, value);
  p.max = std::max(p.max, value);
  ++p.bucket_counts[bucket];
}

std::vector<histogram_point> histogram::points() const {
  std::lock_guard lock(mutex_);
  std::vector<histogram_point> out;
  out.reserve(points_.size());
  for (const auto& [key, p] : points_) out.push_back(p);
  return out;
}

histogram& meter::get_histogram(std::string_view name, std::string_view unit, std::string_view description,
                                const std::vector<double>& boundaries) {
  std::lock_guard lock(mutex_);
  for (auto& h : histograms_) {
    if (h->name() == name) return *h;
  }
  histograms_.push_back(std::make_shared<histogram>(std::string(name), std::string(unit), std::string(description),
                                                    boundaries));
  return *histograms_.back();
}

std::vector<std::shared_ptr<const histogram>> meter::histograms() const {
  std::lock_guard lock(mutex_);
  return {histograms_.begin(), histograms_.end()};
}

std::shared_ptr<const histogram> meter::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  for (const auto& h : histograms_) {
    if (h->name() == name) return h;
  }
  return nullptr;
}

}  // namespace lumen::telemetry
