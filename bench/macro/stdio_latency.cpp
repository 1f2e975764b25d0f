// Round-trip latency of tools/call over stdio: launches a server command, initializes, then sends
// N sequential tools/call requests of the `echo` tool and prints one JSON line of percentiles.
// Usage: bench_stdio_latency N COMMAND [ARGS...]
#include <lumen/json.hpp>

#include "../../tests/support/child_process.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>

int main(int argc, char** argv) {
  using namespace std::chrono;
  if (argc < 3) {
    std::cerr << "usage: bench_stdio_latency N COMMAND [ARGS...]\n";
    return 2;
  }
  const int n = std::atoi(argv[1]);
  std::vector<std::string> command(argv + 2, argv + argc);
  lumen::test::child_process server(command);
  auto call = [&](const std::string& line, std::string_view expect_id) {
    server.write(line);
    for (;;) {
      auto reply = server.read_line(seconds(30));
      if (!reply) throw std::runtime_error("the server did not answer");
      auto v = lumen::json::parse(*reply);
      if (v.as_object().contains("id") && lumen::json::serialize(v.at("id")) == expect_id) return v;
    }
  };
  try {
    call(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}})" "\n", "0");
    server.write(R"({"jsonrpc":"2.0","method":"notifications/initialized"})" "\n");
    std::vector<double> micros;
    micros.reserve(static_cast<std::size_t>(n));
    for (int i = 1; i <= n + 100; ++i) {
      std::string id = std::to_string(i);
      auto start = steady_clock::now();
      auto r = call(R"({"jsonrpc":"2.0","id":)" + id +
                        R"(,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello"}}})" "\n",
                    id);
      auto us = duration<double, std::micro>(steady_clock::now() - start).count();
      if (i > 100) micros.push_back(us);  // the first 100 are warm-up
      if (!r.as_object().contains("result")) throw std::runtime_error("tools/call failed: " + lumen::json::serialize(r));
    }
    std::sort(micros.begin(), micros.end());
    auto pct = [&](double p) { return micros[static_cast<std::size_t>(p * static_cast<double>(micros.size() - 1))]; };
    double mean = 0;
    for (double m : micros) mean += m;
    mean /= static_cast<double>(micros.size());
    std::cout << R"({"calls":)" << micros.size() << R"(,"mean_us":)" << mean << R"(,"p50_us":)" << pct(0.5)
              << R"(,"p99_us":)" << pct(0.99) << "}\n";
    server.close_stdin();
    server.wait(seconds(5));
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_stdio_latency: " << e.what() << '\n';
    return 1;
  }
}
