// Command-line serving over stdio or Streamable HTTP.
#include <lumen/transport/serve.hpp>

#include <lumen/transport/stdio.hpp>

#include <csignal>
#include <iostream>
#include <pthread.h>
#include <stdexcept>

namespace lumen::transport {

serve_options parse_serve_options(int argc, char** argv, serve_options o) {
  bool explicit_stdio = false;
  bool http_flags = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a != "--stdio") http_flags = true;
    if (a == "--stdio") {
      explicit_stdio = true;
    } else if (a == "--stateless") {
      o.stateless = true;
    } else if (a == "--host") {
      o.host = value();
    } else if (a == "--path") {
      o.path = value();
      if (o.path.empty() || o.path.front() != '/') throw std::invalid_argument("--path must start with /");
    } else if (a == "--port" || a == "--threads") {
      std::string v = value();
      std::size_t used = 0;
      unsigned long n = 0;
      try {
        n = std::stoul(v, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != v.size() || (a == "--port" && n > 65535) || (a == "--threads" && (n == 0 || n > 256))) {
        throw std::invalid_argument(a + " needs a number" + (a == "--port" ? " from 0 to 65535" : " from 1 to 256") +
                                    ", got \"" + v + "\"");
      }
      if (a == "--port") {
        o.port = static_cast<std::uint16_t>(n);
      } else {
        o.threads = n;
      }
    } else {
      throw std::invalid_argument("unknown argument \"" + a + "\"");
    }
  }
  // --stdio wins; any HTTP option selects HTTP; otherwise the caller's default stands.
  if (explicit_stdio) {
    o.stdio = true;
  } else if (http_flags) {
    o.stdio = false;
  }
  return o;
}

int serve(server::server& srv, const serve_options& options, std::shared_ptr<http_request_observer> observer,
          const std::function<void(http_server&)>& setup) {
  if (options.stdio) {
    run_stdio(srv);
    return 0;
  }
  // Block the stop signals in every thread; this one waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  endpoint_options eo;
  eo.path = options.path;
  eo.stateless = options.stateless;
  mcp_endpoint endpoint(srv, eo);
  http_server http({.host = options.host, .port = options.port, .threads = options.threads, .observer = std::move(observer)});
  http.mount(endpoint);
  if (setup) setup(http);
  http.start();
  std::cout << "listening on " << http.base_url() << options.path << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  std::cerr << "lumen: stopping (" << (received == SIGINT ? "SIGINT" : "SIGTERM") << ")\n";
  endpoint.shutdown();
  http.stop();
  return 0;
}

}  // namespace lumen::transport
