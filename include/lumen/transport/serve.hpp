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

/// Serves `srv` as `options` say until end of input (stdio) or, over HTTP, until stopped: by
/// SIGINT or SIGTERM when `options.handle_signals` is set (the default), else once `options.stop`
/// is requested. A stop is graceful: the endpoint answers the requests in flight and ends its
/// streams, then the HTTP server stops. Returns the exit code (0; 1 when it cannot listen).
/// `setup` may add routes to the HTTP server before it starts.
///
/// Signals, only with `options.handle_signals`:
///  - HTTP: for as long as serve() runs, SIGINT and SIGTERM are caught (a stop_signal: the
///    handler only wakes serve(), which then stops as above) and SIGPIPE is ignored; the previous
///    dispositions come back when serve() returns.
///  - stdio: SIGPIPE is ignored (see stdio_options::ignore_sigpipe), so that a closed stdout ends
///    the session instead of the process; SIGINT and SIGTERM keep their dispositions.
/// With `handle_signals` false, serve() changes no signal disposition.
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
