// The demo's MCP server: a few realistic tools, resources and prompts.
#pragma once

#include <lumen/server/server.hpp>

namespace lumen::app {

/// Registers the demo's tools (get_weather, convert_currency, search_docs, check_inventory),
/// resources and prompts on `srv`.
void add_demo_features(server::server& srv);

}  // namespace lumen::app
