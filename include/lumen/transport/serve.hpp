// Running a server from a command line: `--stdio`, or Streamable HTTP on `--host`/`--port`
// (0 picks a free port) at `--path`, optionally `--stateless`. Over HTTP the first line of
// standard output is `listening on http://HOST:PORT/PATH` once the server is ready; over stdio
// nothing but MCP is written to standard output.
#pragma once

#include <lumen/server/server.hpp>
#include <lumen/transport/cli_options.hpp>
#include <lumen/transport/http_server.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace lumen::transport {

/// Serves until SIGINT or SIGTERM (HTTP) or end of input (stdio); returns the exit code.
/// `setup` may add routes to the HTTP server before it starts.
int serve(server::server& srv, const serve_options& options,
          std::shared_ptr<http_request_observer> observer = nullptr,
          const std::function<void(http_server&)>& setup = {});

/// parse_serve_options, or, for a bad argument, a one-line error and the usage on stderr and
/// nullopt (the caller exits with 2).
std::optional<serve_options> parse_serve_options_or_usage(int argc, char** argv, serve_options defaults = {});

/// The command line of every example server (see parse_serve_options), then serve(): a bad
/// argument prints a one-line error and the usage to stderr and returns 2.
///   int main(int argc, char** argv) { ...; return lumen::transport::serve(srv, argc, argv); }
int serve(server::server& srv, int argc, char** argv, serve_options defaults = {});

}  // namespace lumen::transport
