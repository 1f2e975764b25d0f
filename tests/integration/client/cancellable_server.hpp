// Test support: Lumen's own server with one tool, `wait_for_cancel`, whose handler reports
// progress once (so the client knows it runs), then waits for its request to be cancelled and
// reports what its request context observed: the request id and the client's reason. Runs
// in-process (for HTTP) or as this test program re-executed over stdio (LUMEN_CANCELLABLE_SERVER
// set), where each observation is written to stderr as `observed {"requestId":...,"reason":...}`.
#pragma once

#include <lumen/json.hpp>
#include <lumen/server/server.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lumen::test {

/// Receives {"requestId": id, "reason": text} once the handler has seen its cancellation.
using cancellation_observer = std::function<void(const json::object& observation)>;

std::unique_ptr<server::server> make_cancellable_server(cancellation_observer observe);

/// The command that starts this test program as the stdio server (with the variable below set).
std::vector<std::string> cancellable_server_command();
inline constexpr const char* cancellable_server_variable = "LUMEN_CANCELLABLE_SERVER";

/// The observation in a stderr line of the stdio server; an empty object for other lines.
json::object parse_observation_line(std::string_view line);

}  // namespace lumen::test
