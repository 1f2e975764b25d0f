// Reading OTEL_* environment variables by the specification's rules: empty means unset,
// booleans are true only for a case-insensitive "true", invalid values warn once and fall back.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lumen::core::env {

/// The variable's value; nullopt when unset or empty.
std::optional<std::string> get(const char* name);
bool get_bool(const char* name, bool fallback = false);
/// A non-negative integer; `fallback` (with one warning) when invalid.
std::int64_t get_int(const char* name, std::int64_t fallback);
std::chrono::milliseconds get_millis(const char* name, std::chrono::milliseconds fallback);
/// Writes one warning per variable to stderr.
void warn_once(const char* name, std::string_view value, std::string_view expected);

}  // namespace lumen::core::env
