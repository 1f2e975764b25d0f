// Starts receiver.mjs (the OTLP/HTTP receiver decoding with OpenTelemetry JS's schema) in `mode`
// and reads the port it listens on.
#pragma once

#include "../../support/child_process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace lumen::test {

/// The receiver's URL for `path` (e.g. "/v1/traces").
inline std::string receiver_url(std::uint16_t port, std::string_view path) {
  return "http://127.0.0.1:" + std::to_string(port) + std::string(path);
}

inline std::unique_ptr<child_process> start_receiver(const std::string& mode, std::uint16_t& port) {
  using namespace std::chrono_literals;
  const std::string script = std::string(LUMEN_SOURCE_DIR) + "/tests/integration/otlp/receiver.mjs";
  if (!std::filesystem::exists(std::string(LUMEN_SOURCE_DIR) + "/tests/node_modules/@opentelemetry/otlp-transformer")) {
    ADD_FAILURE() << "tests/node_modules is missing: run scripts/bootstrap (npm ci in tests/)";
    return nullptr;
  }
  auto p = std::make_unique<child_process>(std::vector<std::string>{"/usr/bin/env", "node", script, mode});
  auto line = p->read_line(20s);
  if (!line || !line->starts_with("listening on ")) {
    ADD_FAILURE() << "the receiver did not start";
    return nullptr;
  }
  port = static_cast<std::uint16_t>(std::stoi(line->substr(13)));
  return p;
}

}  // namespace lumen::test
