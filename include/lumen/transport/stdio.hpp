// The stdio transport: newline-delimited JSON-RPC on stdin/stdout, one session per process.
#pragma once

#include <lumen/server/server.hpp>

#include <chrono>

namespace lumen::transport {

struct stdio_options {
  int input_fd = 0;
  int output_fd = 1;
  /// On end of input, how long in-flight handlers may run before they are cancelled.
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(5);
};

/// Serves one MCP session over the given file descriptors until end of input or a broken pipe.
/// stdout carries only MCP messages; Lumen's diagnostics go to stderr.
void run_stdio(server::server& srv, const stdio_options& options = {});

}  // namespace lumen::transport
