// Command-line serving over stdio or Streamable HTTP.
#include <lumen/transport/serve.hpp>

#include <lumen/log.hpp>
#include <lumen/transport/stdio.hpp>
#include <lumen/transport/stop_signal.hpp>

#include <iostream>
#include <memory>
#include <stdexcept>

namespace lumen::transport {

int serve(server::server& srv, const serve_options& options, std::shared_ptr<http_request_observer> observer,
          const std::function<void(http_server&)>& setup) {
  if (options.stdio) {
    run_stdio(srv);
    return 0;
  }
  stop_signal stop;  // before anything can fail or a thread can start
  endpoint_options eo;
  eo.path = options.path;
  eo.stateless = options.stateless;
  mcp_endpoint endpoint(srv, eo);
  std::unique_ptr<http_server> server;
  try {
    server = std::make_unique<http_server>(
        http_server_options{.host = options.host, .port = options.port, .threads = options.threads, .observer = std::move(observer)});
  } catch (const std::exception& e) {
    log::write(log::level::error, e.what());
    return 1;
  }
  http_server& http = *server;
  http.mount(endpoint);
  if (setup) setup(http);
  http.start();
  std::cout << "listening on " << http.base_url() << options.path << std::endl;
  int received = stop.wait();
  log::write(log::level::info, "stopping (" + std::string(stop_signal::name(received)) + ")");
  endpoint.shutdown();
  http.stop();
  return 0;
}

std::optional<serve_options> parse_serve_options_or_usage(int argc, char** argv, serve_options defaults) {
  try {
    return parse_serve_options(argc, argv, std::move(defaults));
  } catch (const std::invalid_argument& e) {
    std::string program = argc > 0 ? argv[0] : "server";
    program = program.substr(program.find_last_of('/') + 1);
    std::cerr << program << ": " << e.what() << "\nusage: " << program
              << " [--stdio | --host H --port N --path P --stateless --threads N]\n";
    return std::nullopt;
  }
}

int serve(server::server& srv, int argc, char** argv, serve_options defaults) {
  auto options = parse_serve_options_or_usage(argc, argv, std::move(defaults));
  return options ? serve(srv, *options) : 2;
}

}  // namespace lumen::transport
