// A deliberately bad MCP server over stdio, run by re-executing the test program.
//   malformed  answers every request after initialize with a line that is not JSON
//   wrong_id   answers with an id the client never sent
//   null_error answers with an error whose id is null
//   die        exits with status 3 (after a line on stderr) on the first request after initialize
//   silent     never answers requests after initialize; logs notifications it gets to stderr
//   paged      tools/list in three pages
//   echo       answers every request with {"method":..., "params":...}
//   record     answers like echo, and writes every request it gets to stderr too (`got METHOD {message}`)
//   old        answers initialize with an unsupported protocol revision
#include "fake_server.hpp"

#include <lumen/json.hpp>

#include <cstdlib>
#include <iostream>
#include <string>
#include <unistd.h>

namespace lumen::test {

std::vector<std::string> fake_server_command() { return {"/proc/self/exe"}; }

namespace {

void send(const json::value& v) { std::cout << json::serialize(v) << std::endl; }

json::object result(const json::value& id, json::value r) { return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(r)}}; }

[[noreturn]] void run(const std::string& mode) {
  std::string line;
  while (std::getline(std::cin, line)) {
    json::value msg;
    try {
      msg = json::parse(line);
    } catch (...) {
      continue;
    }
    auto& o = msg.as_object();
    std::string method = o.contains("method") ? std::string(o.at("method").as_string()) : "";
    if (!o.contains("id") || method.empty()) {
      if (!method.empty()) std::cerr << "got " << method << " " << json::serialize(o) << std::endl;
      continue;  // notifications and responses
    }
    const json::value& id = o.at("id");
    if (mode == "record") std::cerr << "got " << method << " " << json::serialize(o) << std::endl;
    if (method == "initialize") {
      send(result(id, {{"protocolVersion", mode == "old" ? "1999-01-01" : "2025-11-25"},
                       {"capabilities", {{"tools", json::object{}}}},
                       {"serverInfo", {{"name", "fake-" + mode}, {"version", "0"}}}}));
      continue;
    }
    if (mode == "malformed") {
      std::cout << "this is not json {" << std::endl;
    } else if (mode == "wrong_id") {
      send(result(id.is_int64() ? json::value(id.as_int64() + 1000) : json::value("nope"), json::object{}));
    } else if (mode == "null_error") {
      send({{"jsonrpc", "2.0"}, {"id", nullptr}, {"error", {{"code", -32700}, {"message", "Parse error"}}}});
    } else if (mode == "die") {
      std::cerr << "fatal: the fake server gives up" << std::endl;
      std::_Exit(3);
    } else if (mode == "silent") {
      // never answers
    } else if (mode == "paged" && method == "tools/list") {
      auto const* params = o.if_contains("params");
      std::string cursor;
      if (params && params->as_object().contains("cursor")) cursor = params->as_object().at("cursor").as_string().c_str();
      json::object page;
      json::array tools;
      int first = cursor.empty() ? 0 : std::stoi(cursor);
      for (int i = first; i < first + 2 && i < 5; ++i) tools.push_back({{"name", "t" + std::to_string(i)}, {"inputSchema", {{"type", "object"}}}});
      page["tools"] = std::move(tools);
      if (first + 2 < 5) page["nextCursor"] = std::to_string(first + 2);
      send(result(id, std::move(page)));
    } else {
      send(result(id, {{"method", method}, {"params", o.contains("params") ? o.at("params") : json::object{}}}));
    }
  }
  std::_Exit(0);
}

// Runs before main() when this program was started as a fake server.
const bool started_as_server = [] {
  if (const char* mode = std::getenv("LUMEN_FAKE_SERVER")) run(mode);
  return false;
}();

}  // namespace

}  // namespace lumen::test
