// Starts receiver.mjs (the OTLP/HTTP receiver decoding with OpenTelemetry JS's schema) in `mode`
// and reads the port it listens on.
#pragma once

#include "../../support/child_process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

namespace lumen::test {

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
