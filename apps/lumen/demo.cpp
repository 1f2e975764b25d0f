// `lumen demo`: an MCP server with realistic tools behind Lumen's instrumented HTTP layer, the
// embedded trace viewer, and a scripted traced client that produces traces with and without
// `_meta` context. Serves until Ctrl-C.
#include "demo_server.hpp"

#include <lumen/client/client.hpp>
#include <lumen/client/http_transport.hpp>
#include <lumen/telemetry/client_instrumentation.hpp>
#include <lumen/telemetry/telemetry.hpp>
#include <lumen/transport/http_server.hpp>
#include <lumen/transport/serve.hpp>
#include <lumen/transport/stop_signal.hpp>
#include <lumen/version.hpp>
#include <lumen/viewer/trace_viewer.hpp>

#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace lumen::app {

namespace {

struct demo_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  bool run_client = true;
  std::size_t store_capacity = 5000;
};

demo_options parse(const std::vector<std::string>& args) {
  demo_options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
      return args[++i];
    };
    if (args[i] == "--host") {
      o.host = value();
    } else if (args[i] == "--port") {
      const std::string& v = value();
      std::size_t used = 0;
      unsigned long n = 0;
      try {
        n = std::stoul(v, &used);
      } catch (const std::exception&) {
      }
      if (used != v.size() || n > 65535) throw std::invalid_argument("--port needs a number from 0 to 65535");
      o.port = static_cast<std::uint16_t>(n);
    } else if (args[i] == "--no-client") {
      o.run_client = false;
    } else if (args[i] == "--store-capacity") {
      o.store_capacity = std::stoul(value());
    } else {
      throw std::invalid_argument("unknown argument \"" + args[i] + "\"");
    }
  }
  return o;
}

// A simulated instrumented gateway between the client and the server: it starts its own trace
// (as edge proxies often do) and forwards its span in the `traceparent` header, while `_meta`
// still carries the client's context. The server's MCP span then has the client span as parent
// and a Link into the gateway's trace.
client::request_interceptor through_gateway(client::request_interceptor client_side,
                                            std::shared_ptr<telemetry::runtime> gateway) {
  return [client_side = std::move(client_side), gateway = std::move(gateway)](client::outgoing_message& m) {
    client_side(m);
    auto span = gateway->tracer()->start_span(
        "POST /mcp", {.kind = trace::span_kind::server, .root = true,
                      .attributes = {{"http.request.method", std::string("POST")}, {"http.route", std::string("/mcp")}}});
    std::erase_if(m.headers, [](const auto& h) { return transport::iequals(h.first, "traceparent") || transport::iequals(h.first, "tracestate"); });
    m.headers.emplace_back("traceparent", trace::format_traceparent(span.context()));
    auto inner = std::move(m.on_complete);
    m.on_complete = [inner = std::move(inner), span](const json::value* result, const client::client_error* error) mutable {
      if (inner) inner(result, error);
      span.end();
    };
    if (!m.id) span.end();
  };
}

// The scripted session: a traced Lumen client (CLIENT spans, context in _meta and headers), the
// same through an instrumented gateway (the Link crosses into the gateway's trace), then an
// untraced client (no _meta: the MCP spans hang under the HTTP spans).
void run_scripted_client(const std::string& url, const std::shared_ptr<telemetry::runtime>& client_telemetry,
                         const std::shared_ptr<telemetry::runtime>& gateway_telemetry) {
  struct step {
    std::string label;
    std::function<void(client::client&)> run;
  };
  std::vector<step> traced{
      {"tools/list", [](client::client& c) { c.list_all_tools(); }},
      {"get_weather Lisbon", [](client::client& c) { c.call_tool("get_weather", {{"city", "Lisbon"}}); }},
      {"get_weather Oslo (fahrenheit)", [](client::client& c) { c.call_tool("get_weather", {{"city", "Oslo"}, {"unit", "fahrenheit"}}); }},
      {"get_weather Atlantis (tool error)", [](client::client& c) { c.call_tool("get_weather", {{"city", "Atlantis"}}); }},
      {"convert_currency 100 USD->EUR", [](client::client& c) { c.call_tool("convert_currency", {{"amount", 100}, {"from", "USD"}, {"to", "EUR"}}); }},
      {"search_docs tracing (progress)", [](client::client& c) { c.call_tool("search_docs", {{"query", "tracing"}}); }},
      {"check_inventory X-42 (handler throws)", [](client::client& c) { c.call_tool("check_inventory", {{"sku", "X-42"}}); }},
      {"resources/read", [](client::client& c) { c.read_resource("lumen://docs/tracing"); }},
      {"prompts/get trip_planner", [](client::client& c) { c.get_prompt("trip_planner", {{"city", "Paris"}}); }},
  };
  std::vector<step> gatewayed{
      {"get_weather Paris (through the gateway)", [](client::client& c) { c.call_tool("get_weather", {{"city", "Paris"}}); }},
  };
  std::vector<step> untraced{
      {"get_weather Tokyo (no _meta)", [](client::client& c) { c.call_tool("get_weather", {{"city", "Tokyo"}}); }},
      {"check_inventory A-7 (no _meta)", [](client::client& c) { c.call_tool("check_inventory", {{"sku", "A-7"}}); }},
  };
  const std::size_t total = traced.size() + gatewayed.size() + untraced.size();
  std::size_t done = 0;
  auto run = [&](client::client& c, std::vector<step>& steps) {
    for (auto& s : steps) {
      ++done;
      std::cout << "  [" << done << "/" << total << "] " << s.label << std::endl;
      try {
        s.run(c);
      } catch (const std::exception& e) {
        std::cout << "        (failed as scripted: " << e.what() << ")" << std::endl;
      }
    }
  };
  {
    client::client c(std::make_unique<client::http_transport>(client::http_options{.url = url}),
                     {.info = {.name = "lumen-demo-client", .version = std::string(lumen::version)},
                      .interceptor = telemetry::client_interceptor(client_telemetry, server::network_transport::tcp),
                      .on_session_end = telemetry::client_session_observer(client_telemetry)});
    c.connect();
    run(c, traced);
    c.close();
  }
  {
    client::client c(std::make_unique<client::http_transport>(client::http_options{.url = url}),
                     {.info = {.name = "lumen-demo-client", .version = std::string(lumen::version)},
                      .interceptor = through_gateway(telemetry::client_interceptor(client_telemetry, server::network_transport::tcp), gateway_telemetry),
                      .on_session_end = telemetry::client_session_observer(client_telemetry)});
    c.connect();
    run(c, gatewayed);
    c.close();
  }
  {
    client::client c(std::make_unique<client::http_transport>(client::http_options{.url = url}),
                     {.info = {.name = "plain-client", .version = std::string(lumen::version)}});
    c.connect();
    run(c, untraced);
    c.close();
  }
}

}  // namespace

int run_demo(const std::vector<std::string>& args) {
  demo_options o;
  try {
    o = parse(args);
  } catch (const std::exception& e) {
    std::cerr << "lumen demo: " << e.what() << "\nusage: lumen demo [--host HOST] [--port PORT] [--no-client]\n";
    return 2;
  }
  transport::stop_signal stop;

  auto store = std::make_shared<sdk::span_store>(o.store_capacity);
  auto server_telemetry = telemetry::runtime::create(
      {.service_name = "lumen-demo", .service_version = std::string(lumen::version), .mode = telemetry::telemetry_mode::full, .span_store = store});
  server::server srv({.name = "lumen-demo", .version = std::string(lumen::version), .title = "Lumen demo server"},
                     {.instructions = "Weather, currency, docs and inventory tools for the Lumen demo.",
                      .observer = server_telemetry->server_observer()});
  add_demo_features(srv);

  std::unique_ptr<transport::http_server> http;
  try {
    http = std::make_unique<transport::http_server>(
        transport::http_server_options{.host = o.host, .port = o.port, .threads = 2, .observer = server_telemetry->http_observer()});
  } catch (const std::exception& e) {
    std::cerr << "lumen demo: " << e.what() << "\n";
    return 1;
  }
  transport::mcp_endpoint endpoint(srv, {});
  http->mount(endpoint);
  viewer::trace_viewer viewer(store, "/_lumen/traces", true);  // the demo is for looking at traces
  http->route(viewer.base_path(), [&viewer](transport::http_request req, std::shared_ptr<transport::response_channel> ch) {
    auto r = viewer.handle(req.method, req.target);
    if (!r) return ch->respond({404, {}, {}});
    ch->respond({r->status, {{"Content-Type", r->content_type}}, std::move(r->body)});
  }, true);
  http->start();
  const std::string url = http->base_url() + "/mcp";
  std::cout << "listening on " << url << std::endl;
  std::cout << "Lumen demo: MCP server \"lumen-demo\" (tools get_weather, convert_currency, search_docs, check_inventory)"
            << std::endl;

  if (o.run_client) {
    std::cout << "running the scripted client:" << std::endl;
    auto client_telemetry = telemetry::runtime::create(
        {.service_name = "lumen-demo-client", .service_version = std::string(lumen::version), .mode = telemetry::telemetry_mode::full, .span_store = store});
    auto gateway_telemetry = telemetry::runtime::create(
        {.service_name = "edge-gateway", .service_version = std::string(lumen::version), .mode = telemetry::telemetry_mode::full, .span_store = store});
    try {
      run_scripted_client(url, client_telemetry, gateway_telemetry);
    } catch (const std::exception& e) {
      std::cerr << "lumen demo: the scripted client failed: " << e.what() << "\n";
    }
    client_telemetry->force_flush();
    gateway_telemetry->force_flush();
  }
  server_telemetry->force_flush();
  std::cout << "trace viewer: " << http->base_url() << viewer.base_path() << "/" << std::endl;
  std::cout << "demo ready: " << store->list_traces({.limit = 10000}).size() << " traces, " << store->size()
            << " spans. Open the viewer in a browser; Ctrl-C stops the demo." << std::endl;

  stop.wait();
  std::cout << "stopping" << std::endl;
  endpoint.shutdown();
  http->stop();
  return 0;
}

}  // namespace lumen::app
