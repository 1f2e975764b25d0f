// The stdio transport: newline-delimited JSON-RPC on stdin/stdout, one session per process.
#pragma once

#include <lumen/server/server.hpp>

#include <chrono>

namespace lumen::transport {

/// Where run_stdio reads and writes, and how it ends.
struct stdio_options {
  /// The descriptor MCP messages are read from.
  int input_fd = 0;
  /// The descriptor MCP messages are written to.
  int output_fd = 1;
  /// On end of input, how long in-flight handlers may run before they are cancelled.
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(5);
  /// Sets SIGPIPE to ignored for the whole process (and leaves it so), so that writing to a
  /// closed output is an error that ends the session rather than a signal that kills the
  /// process. False for a program that manages SIGPIPE itself (it must then not let it kill).
  bool ignore_sigpipe = true;
};

/// Serves one MCP session over the given file descriptors until end of input or a broken pipe.
/// stdout carries only MCP messages; Lumen's diagnostics go to stderr.
void run_stdio(server::server& srv, const stdio_options& options = {});

}  // namespace lumen::transport
