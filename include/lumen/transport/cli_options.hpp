// The command line every example server shares: `--stdio`, or Streamable HTTP on `--host`/`--port`
// (0 picks a free port) at `--path`, optionally `--stateless`, with `--threads` io threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stop_token>
#include <string>

namespace lumen::transport {

/// How serve() runs a server: the transport and its settings (from the command line), and who
/// owns the process's signals.
struct serve_options {
  /// Serve over stdin/stdout instead of HTTP.
  bool stdio = false;
  /// The HTTP listen address and port (0 picks a free one).
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  /// The MCP endpoint's path.
  std::string path = "/mcp";
  /// A stateless endpoint (no sessions).
  bool stateless = false;
  /// HTTP io threads.
  std::size_t threads = 2;
  /// Whether serve() installs process-wide signal handling while it runs (serve.hpp says which
  /// signals and what they do). serve() is the helper a main() calls, so it does by default; a
  /// program that owns its signals sets false, and serve() then installs none. Not a command-line
  /// option.
  bool handle_signals = true;
  /// With `handle_signals` false, an HTTP serve() stops once this is requested (from any thread);
  /// a default stop_token never is. Not a command-line option.
  std::stop_token stop;
};

/// Parses --stdio, --host H, --port N, --path P, --stateless, --threads N (also `--opt=value`).
/// `--stdio` selects stdio, any other option HTTP; with neither, `defaults.stdio` decides. Throws
/// std::invalid_argument naming the bad argument.
serve_options parse_serve_options(int argc, char** argv, serve_options defaults = {});

}  // namespace lumen::transport
