// The histogram bucket boundaries the semantic conventions give.
#include <lumen/telemetry/semconv.hpp>

namespace lumen::telemetry::semconv {

const std::vector<double>& mcp_duration_boundaries() {
  static const std::vector<double> b{0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300};
  return b;
}

const std::vector<double>& http_duration_boundaries() {
  static const std::vector<double> b{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10};
  return b;
}

}  // namespace lumen::telemetry::semconv
