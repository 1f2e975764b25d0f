// Explicit-bucket histograms.
#include <lumen/sdk/metrics.hpp>
#include <lumen/trace/clock.hpp>

#include <algorithm>
#include <cstring>

namespace lumen::sdk {

namespace {

inline std::uint64_t mix(std::uint64_t x) noexcept {
  // splitmix64's finaliser: spreads every input bit over the word.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A cheap fingerprint of a string (its length and its first and last 8 bytes): the set's hash
// only picks candidates, equality is always checked, so a string that shares both ends with
// another only costs a comparison.
inline std::uint64_t fingerprint(std::string_view s) noexcept {
  std::uint64_t head = 0, tail = 0;
  const std::size_t n = s.size();
  if (n >= 8) {
    // Fixed-size loads (the two may overlap): no length-dependent copy.
    std::memcpy(&head, s.data(), 8);
    std::memcpy(&tail, s.data() + n - 8, 8);
  } else {
    for (std::size_t i = 0; i < n; ++i) head |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[i])) << (8 * i);
  }
  return mix(head ^ (static_cast<std::uint64_t>(n) << 56)) ^ tail;
}

std::uint64_t value_hash(const metric_value_view& v) noexcept {
  const std::uint64_t h = std::visit(
      [](const auto& x) -> std::uint64_t {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          return fingerprint(x);
        } else if constexpr (std::is_same_v<T, double>) {
          std::uint64_t bits;
          std::memcpy(&bits, &x, sizeof bits);
          return bits;
        } else {
          return static_cast<std::uint64_t>(x);
        }
      },
      v);
  return h + v.index();
}

// Order-independent: each value hashed on its own, the results summed. Keys are left out (they
// are nearly always the same few constants, and equality is checked anyway).
std::uint64_t set_hash(std::span<const metric_attribute_view> attributes) noexcept {
  std::uint64_t h = attributes.size();
  for (const auto& a : attributes) h += mix(value_hash(a.value));
  return h;
}

// Equal text, without a call to memcmp for the short keys and values metrics are made of: two
// fixed-size loads per side (which may overlap) compare up to 16 bytes.
inline bool same_text(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  if (n > 16) return std::memcmp(a.data(), b.data(), n) == 0;
  if (n >= 8) {
    std::uint64_t a0, a1, b0, b1;
    std::memcpy(&a0, a.data(), 8);
    std::memcpy(&b0, b.data(), 8);
    std::memcpy(&a1, a.data() + n - 8, 8);
    std::memcpy(&b1, b.data() + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

bool same_value(const metric_value& stored, const metric_value_view& v) noexcept {
  if (stored.index() != v.index()) return false;
  return std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          return same_text(std::get<std::string>(stored), x);
        } else {
          return std::get<T>(stored) == x;
        }
      },
      v);
}

bool same_attribute(const std::pair<std::string, metric_value>& stored, const metric_attribute_view& a) noexcept {
  return same_text(stored.first, a.key) && same_value(stored.second, a.value);
}

// Points keep their set in the order first recorded: a caller that records in a fixed order (the
// usual case) matches position by position; any other order still matches, by search.
bool same_set(const metric_attributes& stored, std::span<const metric_attribute_view> attributes) noexcept {
  if (stored.size() != attributes.size()) return false;
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    if (same_attribute(stored[i], attributes[i])) continue;
    bool found = false;
    for (const auto& s : stored) {
      if (same_attribute(s, attributes[i])) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

bool key_less(const std::pair<std::string, metric_value>& a, const std::pair<std::string, metric_value>& b) {
  return a.first < b.first;
}

metric_attributes owned(std::span<const metric_attribute_view> attributes) {
  metric_attributes out;
  out.reserve(attributes.size());
  for (const auto& [key, value] : attributes) {
    out.emplace_back(std::string(key), std::visit(
                                           [](const auto& x) -> metric_value {
                                             using T = std::decay_t<decltype(x)>;
                                             if constexpr (std::is_same_v<T, std::string_view>) {
                                               return std::string(x);
                                             } else {
                                               return x;
                                             }
                                           },
                                           value));
  }
  return out;
}

}  // namespace

histogram::histogram(std::string name, std::string unit, std::string description, std::vector<double> boundaries)
    : name_(std::move(name)),
      unit_(std::move(unit)),
      description_(std::move(description)),
      boundaries_(std::move(boundaries)),
      start_unix_nano_(trace::now_unix_nano()) {}

void histogram::record(double value, const metric_attributes& attributes) {
  // Not the hot path (observers record views): one small vector is fine.
  std::vector<metric_attribute_view> views;
  views.reserve(attributes.size());
  for (const auto& [key, v] : attributes) {
    views.push_back({key, std::visit([](const auto& x) -> metric_value_view { return x; }, v)});
  }
  record_views(value, views);
}

void histogram::record_views(double value, std::span<const metric_attribute_view> attributes) {
  auto bucket = static_cast<std::size_t>(std::lower_bound(boundaries_.begin(), boundaries_.end(), value) -
                                         boundaries_.begin());
  std::lock_guard lock(mutex_);
  // A series is usually recorded again and again (one tool, one route): the last one is tried
  // first, by comparison alone.
  histogram_point* p = last_ && same_set(last_->attributes, attributes) ? last_ : nullptr;
  if (!p) {
    const std::uint64_t hash = set_hash(attributes);
    for (auto [it, end] = points_.equal_range(hash); it != end; ++it) {
      if (same_set(it->second.attributes, attributes)) {
        p = &it->second;
        break;
      }
    }
    if (!p) {
      p = &points_.emplace(hash, histogram_point{})->second;
      p->attributes = owned(attributes);
      p->bucket_counts.assign(boundaries_.size() + 1, 0);
      p->min = value;
      p->max = value;
    }
    last_ = p;  // map nodes do not move
  }
  ++p->count;
  p->sum += value;
  p->min = std::min(p->min, value);
  p->max = std::max(p->max, value);
  ++p->bucket_counts[bucket];
}

std::vector<histogram_point> histogram::points() const {
  std::lock_guard lock(mutex_);
  std::vector<histogram_point> out;
  out.reserve(points_.size());
  for (const auto& [hash, p] : points_) {
    out.push_back(p);
    std::stable_sort(out.back().attributes.begin(), out.back().attributes.end(), key_less);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.attributes < b.attributes; });
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

}  // namespace lumen::sdk
