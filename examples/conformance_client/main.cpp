// The client program the official MCP conformance suite drives in client mode:
//   conformance client --command "conformance_client" --scenario NAME
// The suite passes the server URL as the last argument and the scenario in
// MCP_CONFORMANCE_SCENARIO. The program connects over Streamable HTTP, lists the tools, and
// does what the scenario expects of a client. OAuth is always on: the auth/* scenarios' servers
// answer 401 and approve every authorization request by redirecting at once, so a headless handler
// stands in for the user; pre-registered credentials come from MCP_CONFORMANCE_CONTEXT.
#include <lumen/client/client.hpp>
#include <lumen/client/elicitation.hpp>
#include <lumen/client/http_transport.hpp>
#include <lumen/client/oauth.hpp>
#include <lumen/version.hpp>

#include <cstdlib>
#include <stdexcept>
#include <iostream>
#include <string>

namespace {

using namespace lumen;

// Arguments for a tool from its input schema: numbers get 1, strings "test", booleans true.
json::object sample_arguments(const json::object& tool) {
  json::object args;
  auto const* schema = get_object(tool, "inputSchema");
  auto const* properties = schema ? get_object(*schema, "properties") : nullptr;
  if (!properties) return args;
  for (const auto& [name, property] : *properties) {
    auto type = property.is_object() ? get_string(property.get_object(), "type").value_or("string") : "string";
    if (type == "number" || type == "integer") {
      args.emplace(name, 1);
    } else if (type == "boolean") {
      args.emplace(name, true);
    } else {
      args.emplace(name, "test");
    }
  }
  return args;
}

// The suite's scenario context (JSON), e.g. {"name": ..., "client_id": ..., "client_secret": ...}.
json::object conformance_context() {
  const char* text = std::getenv("MCP_CONFORMANCE_CONTEXT");
  if (!text) return {};
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) throw std::runtime_error("MCP_CONFORMANCE_CONTEXT is not a JSON object");
  return value.as_object();
}

client::oauth::auth_options conformance_auth() {
  client::oauth::auth_options auth;
  auth.authorize = client::oauth::headless_authorization_handler();
  auth.client_name = "lumen-conformance-client";
  auth.redirect_uri = "http://localhost:3000/callback";
  // The Client ID Metadata Document URL the suite expects (it never fetches it).
  auth.client_metadata_url = "https://conformance-test.local/client-metadata.json";
  auto context = conformance_context();
  if (auto id = get_string(context, "client_id")) {
    auth.client = client::oauth::client_credentials{
        .client_id = std::string(*id), .client_secret = std::string(get_string(context, "client_secret").value_or(""))};
  }
  return auth;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: conformance_client URL (scenario in MCP_CONFORMANCE_SCENARIO)\n";
    return 2;
  }
  std::string url = argv[argc - 1];
  const char* scenario_env = std::getenv("MCP_CONFORMANCE_SCENARIO");
  std::string scenario = scenario_env ? scenario_env : "initialize";
  try {
    client::client c(std::make_unique<client::http_transport>(client::http_options{.url = url, .auth = conformance_auth()}),
                     {.info = {.name = "lumen-conformance-client", .version = std::string(lumen::version)},
                      .request_timeout = std::chrono::seconds(20)});
    // Accept every elicitation, filling in the defaults the schema declares (SEP-1034).
    c.set_elicitation_handler([](const json::object& params) {
      auto const* schema = get_object(params, "requestedSchema");
      return client::elicitation_accept(client::apply_elicitation_defaults(schema ? *schema : json::object{}));
    });
    c.set_sampling_handler([](const json::object&) {
      return json::object{{"role", "assistant"},
                          {"content", {{"type", "text"}, {"text", "This is a test response."}}},
                          {"model", "lumen-conformance"},
                          {"stopReason", "endTurn"}};
    });
    c.connect();
    json::array tools = c.list_all_tools();

    if (scenario == "tools_call") {
      c.call_tool("add_numbers", {{"a", 5}, {"b", 3}});
    } else if (scenario == "elicitation-sep1034-client-defaults") {
      c.call_tool("test_client_elicitation_defaults");
    } else if (scenario == "sse-retry") {
      c.call_tool("test_reconnection");
    } else if (scenario != "initialize") {
      // Any other scenario: exercise every tool the server offers.
      for (const auto& tool : tools) {
        const auto& t = tool.as_object();
        c.call_tool(std::string(get_string(t, "name").value_or("")), sample_arguments(t));
      }
    }
    c.close();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "conformance_client: " << e.what() << '\n';
    return 1;
  }
}
