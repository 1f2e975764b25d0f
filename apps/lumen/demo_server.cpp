// The demo's MCP server features.
#include "demo_server.hpp"

#include <lumen/protocol/content.hpp>
#include <lumen/server/typed_tool.hpp>

#include <boost/describe.hpp>

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <thread>

namespace lumen::app {

namespace {

using server::request_context;
using protocol::call_tool_result;

enum class temperature_unit { celsius, fahrenheit };
BOOST_DESCRIBE_ENUM(temperature_unit, celsius, fahrenheit)

struct weather_args {
  std::string city;
  std::optional<temperature_unit> unit;
  static std::map<std::string_view, std::string_view> lumen_descriptions() {
    return {{"city", "City name, e.g. Lisbon"}, {"unit", "celsius (default) or fahrenheit"}};
  }
};
BOOST_DESCRIBE_STRUCT(weather_args, (), (city, unit))

struct weather_report {
  std::string city;
  double temperature;
  std::string unit;
  std::string conditions;
};
BOOST_DESCRIBE_STRUCT(weather_report, (), (city, temperature, unit, conditions))

struct convert_args {
  double amount;
  std::string from;
  std::string to;
};
BOOST_DESCRIBE_STRUCT(convert_args, (), (amount, from, to))

struct search_args {
  std::string query;
  std::optional<int> limit;
};
BOOST_DESCRIBE_STRUCT(search_args, (), (query, limit))

struct inventory_args {
  std::string sku;
};
BOOST_DESCRIBE_STRUCT(inventory_args, (), (sku))

const std::map<std::string, std::pair<double, std::string>> weather_by_city{
    {"lisbon", {21.5, "sunny"}}, {"oslo", {3.0, "snow showers"}}, {"paris", {14.0, "light rain"}},
    {"tokyo", {18.5, "cloudy"}}};

const std::map<std::string, double> usd_rates{{"USD", 1.0}, {"EUR", 0.92}, {"GBP", 0.79}, {"JPY", 151.3}};

const std::map<std::string, std::string> docs{
    {"lumen://docs/tracing", "Tracing: the MCP span's parent is the _meta context; the HTTP span is a Link."},
    {"lumen://docs/transports", "Transports: stdio and Streamable HTTP, with a mountable endpoint."},
    {"lumen://docs/tools", "Tools: typed with Boost.Describe, or raw JSON."}};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Simulated latency so the waterfall shows real durations.
void work_for(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

}  // namespace

void add_demo_features(server::server& srv) {
  srv.add_tool(
      {.name = "get_weather",
       .title = "Current weather",
       .description = "Current temperature and conditions for a city",
       .annotations = {.read_only_hint = true, .open_world_hint = true}},
      [](const weather_args& in) -> weather_report {
        work_for(std::chrono::milliseconds(15));
        auto it = weather_by_city.find(lower(in.city));
        if (it == weather_by_city.end()) throw std::runtime_error("no weather station for " + in.city);
        bool f = in.unit == temperature_unit::fahrenheit;
        double t = f ? it->second.first * 9 / 5 + 32 : it->second.first;
        return {in.city, t, f ? "fahrenheit" : "celsius", it->second.second};
      });

  srv.add_tool(
      {.name = "convert_currency", .description = "Converts an amount between USD, EUR, GBP and JPY"},
      [](const convert_args& in) -> protocol::call_tool_result {
        work_for(std::chrono::milliseconds(5));
        auto from = usd_rates.find(in.from);
        auto to = usd_rates.find(in.to);
        if (from == usd_rates.end() || to == usd_rates.end()) {
          return protocol::call_tool_result::error("unknown currency; use USD, EUR, GBP or JPY");
        }
        double value = in.amount / from->second * to->second;
        return protocol::call_tool_result::text(std::to_string(std::round(value * 100) / 100) + " " + in.to);
      });

  srv.add_tool(
      {.name = "search_docs", .description = "Searches the documentation; returns links to matching pages"},
      [](const search_args& in, request_context& ctx) {
        protocol::call_tool_result r = protocol::call_tool_result::text("Results for \"" + in.query + "\":");
        int n = 0;
        for (const auto& [uri, text] : docs) {
          ctx.report_progress(++n, static_cast<double>(docs.size()));
          work_for(std::chrono::milliseconds(4));
          if (lower(text).find(lower(in.query)) != std::string::npos && n <= in.limit.value_or(10)) {
            r.add(protocol::resource_link(uri, uri.substr(uri.rfind('/') + 1), "text/plain"));
          }
        }
        return r;
      });

  srv.add_tool(
      {.name = "check_inventory", .description = "Stock level of a product (the warehouse is flaky)"},
      [](const inventory_args& in) -> protocol::call_tool_result {
        work_for(std::chrono::milliseconds(25));
        if (in.sku.starts_with("X")) throw std::runtime_error("warehouse service unavailable");
        return protocol::call_tool_result::text(in.sku + ": 42 in stock");
      });

  for (const auto& [uri, text] : docs) {
    srv.add_resource({.uri = uri, .name = uri.substr(uri.rfind('/') + 1), .mime_type = "text/plain"},
                     [text = text](const std::string& u, request_context&) {
                       return std::vector<json::object>{protocol::text_resource(u, text, "text/plain")};
                     });
  }
  srv.add_prompt({.name = "trip_planner",
                  .description = "Plans a trip using the weather tool",
                  .arguments = {{.name = "city", .required = true}}},
                 [](const server::prompt_arguments& args, request_context&) {
                   return server::prompt_result{
                       "Trip planning",
                       {{"user", protocol::text_content("Plan a day in " + args.at("city") +
                                                        "; check the weather with get_weather first.")}}};
                 });
}

}  // namespace lumen::app
