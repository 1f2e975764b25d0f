// The command line every example server shares: `--stdio`, or Streamable HTTP on `--host`/`--port`
// (0 picks a free port) at `--path`, optionally `--stateless`, with `--threads` io threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace lumen::transport {

struct serve_options {
  bool stdio = false;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/mcp";
  bool stateless = false;
  std::size_t threads = 2;
};

/// Parses --stdio, --host H, --port N, --path P, --stateless, --threads N (also `--opt=value`).
/// `--stdio` selects stdio, any other option HTTP; with neither, `defaults.stdio` decides. Throws
/// std::invalid_argument naming the bad argument.
serve_options parse_serve_options(int argc, char** argv, serve_options defaults = {});

}  // namespace lumen::transport
