// The cancellable test server (see cancellable_server.hpp).
#include "cancellable_server.hpp"

#include <lumen/transport/stdio.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>

namespace lumen::test {

namespace {

constexpr std::string_view observation_prefix = "observed ";

}  // namespace

std::unique_ptr<server::server> make_cancellable_server(cancellation_observer observe) {
  auto srv = std::make_unique<server::server>(protocol::implementation{.name = "cancellable", .version = "1.0.0"});
  srv->add_tool({.name = "wait_for_cancel", .description = "Waits until the client cancels this call"},
                [observe = std::move(observe)](const json::object&, server::request_context& ctx) {
                  ctx.report_progress(1);
                  if (!ctx.cancellation().wait_for(std::chrono::minutes(2))) {
                    return protocol::call_tool_result::text("never cancelled");
                  }
                  observe({{"requestId", ctx.id().to_json()}, {"reason", ctx.cancellation().reason()}});
                  return protocol::call_tool_result::text("cancelled");
                });
  return srv;
}

std::vector<std::string> cancellable_server_command() { return {"/proc/self/exe"}; }

json::object parse_observation_line(std::string_view line) {
  if (!line.starts_with(observation_prefix)) return {};
  boost::system::error_code ec;
  auto v = json::parse(line.substr(observation_prefix.size()), ec);
  return !ec && v.is_object() ? v.get_object() : json::object{};
}

namespace {

// Runs before main() when this program was started as the stdio server: it never returns.
const bool started_as_server = [] {
  if (std::getenv(cancellable_server_variable) == nullptr) return false;
  auto srv = make_cancellable_server([](const json::object& observation) {
    std::cerr << observation_prefix << json::serialize(observation) << std::endl;
  });
  transport::run_stdio(*srv);
  std::_Exit(0);
}();

}  // namespace

}  // namespace lumen::test
