// OTEL_* environment variables.
#include <lumen/core/env.hpp>

#include <lumen/log.hpp>

#include <cstdlib>
#include <mutex>
#include <set>

namespace lumen::core::env {

std::optional<std::string> get(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

bool get_bool(const char* name, bool fallback) {
  auto v = get(name);
  if (!v) return fallback;
  std::string lower;
  for (char c : *v) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "true") return true;
  if (lower != "false") warn_once(name, *v, "true or false; treating it as false");
  return false;
}

std::int64_t get_int(const char* name, std::int64_t fallback) {
  auto v = get(name);
  if (!v) return fallback;
  char* end = nullptr;
  long long n = std::strtoll(v->c_str(), &end, 10);
  if (end == v->c_str() || *end != '\0' || n < 0) {
    warn_once(name, *v, "a non-negative integer; using " + std::to_string(fallback));
    return fallback;
  }
  return n;
}

std::chrono::milliseconds get_millis(const char* name, std::chrono::milliseconds fallback) {
  return std::chrono::milliseconds(get_int(name, fallback.count()));
}

void warn_once(const char* name, std::string_view value, std::string_view expected) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  std::lock_guard lock(mutex);
  if (!warned.insert(name).second) return;
  log::write(log::level::warning,
             "ignoring " + std::string(name) + "=\"" + std::string(value) + "\": expected " + std::string(expected));
}

}  // namespace lumen::core::env
