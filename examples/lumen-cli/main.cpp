// lumen-cli: use any MCP server from the shell, printing JSON.
//   lumen-cli (--url URL | --stdio "COMMAND ARGS...") [--header "Name: value"]... [--timeout MS]
//             [--verbose] (tools | call NAME [JSON] | resources | read URI | prompts | get NAME [JSON])
// Exits non-zero with a one-line error on failure (including a tool result with isError).
#include <lumen/client/client.hpp>
#include <lumen/client/http_transport.hpp>
#include <lumen/client/stdio_transport.hpp>
#include <lumen/version.hpp>

#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace lumen;

constexpr const char* usage =
    "usage: lumen-cli (--url URL | --stdio \"COMMAND ARGS...\") [--header \"Name: value\"]... [--timeout MS]\n"
    "                 [--verbose] (tools | call NAME [JSON] | resources | read URI | prompts | get NAME [JSON])\n";

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void pretty(std::ostream& out, const json::value& v, int indent = 0) {
  auto pad = [&](int n) { out << std::string(static_cast<std::size_t>(n) * 2, ' '); };
  if (v.is_object() && !v.get_object().empty()) {
    out << "{\n";
    bool first = true;
    for (const auto& [k, member] : v.get_object()) {
      if (!first) out << ",\n";
      first = false;
      pad(indent + 1);
      out << json::serialize(json::string(k)) << ": ";
      pretty(out, member, indent + 1);
    }
    out << '\n';
    pad(indent);
    out << '}';
  } else if (v.is_array() && !v.get_array().empty()) {
    out << "[\n";
    bool first = true;
    for (const auto& element : v.get_array()) {
      if (!first) out << ",\n";
      first = false;
      pad(indent + 1);
      pretty(out, element, indent + 1);
    }
    out << '\n';
    pad(indent);
    out << ']';
  } else {
    out << json::serialize(v);
  }
}

json::object parse_object(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) throw usage_error("arguments must be a JSON object, got: " + text);
  return v.get_object();
}

int run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string url;
  std::string command_line;
  client::header_list headers;
  std::chrono::milliseconds timeout = std::chrono::seconds(60);
  bool verbose = false;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw usage_error(args[i] + " needs a value");
      return args[++i];
    };
    if (args[i] == "--url") {
      url = value();
    } else if (args[i] == "--stdio") {
      command_line = value();
    } else if (args[i] == "--header") {
      auto h = value();
      auto colon = h.find(':');
      if (colon == std::string::npos) throw usage_error("--header needs \"Name: value\"");
      auto v = h.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      headers.emplace_back(h.substr(0, colon), v);
    } else if (args[i] == "--timeout") {
      timeout = std::chrono::milliseconds(std::stoll(value()));
    } else if (args[i] == "--verbose") {
      verbose = true;
    } else if (args[i] == "--help" || args[i] == "-h") {
      std::cout << usage;
      return 0;
    } else {
      rest.push_back(args[i]);
    }
  }
  if (url.empty() == command_line.empty()) throw usage_error("give exactly one of --url and --stdio");
  if (rest.empty()) throw usage_error("no command given");

  std::unique_ptr<client::transport> transport;
  if (!url.empty()) {
    transport = std::make_unique<client::http_transport>(client::http_options{.url = url, .headers = headers});
  } else {
    auto command = client::split_command_line(command_line);
    if (command.empty()) throw usage_error("--stdio needs a command");
    client::stdio_options options{.command = std::move(command)};
    if (!verbose) options.stderr_sink = [](std::string_view) {};
    transport = std::make_unique<client::stdio_transport>(std::move(options));
  }
  client::client c(std::move(transport),
                   {.info = {.name = "lumen-cli", .version = std::string(lumen::version)},
                    .request_timeout = timeout,
                    .on_error = [verbose](const client::client_error& e) {
                      if (verbose) std::cerr << "lumen-cli: " << e.what() << '\n';
                    }});

  const std::string& what = rest[0];
  auto arg = [&](std::size_t i, const char* name) -> const std::string& {
    if (rest.size() <= i) throw usage_error(what + " needs " + name);
    return rest[i];
  };
  auto check_arity = [&](std::size_t max) {
    if (rest.size() > max) throw usage_error("too many arguments for " + what);
  };
  json::value output;
  bool tool_failed = false;
  if (what == "tools") {
    check_arity(1);
    c.connect();
    output = c.list_all_tools();
  } else if (what == "call") {
    check_arity(3);
    const auto& name = arg(1, "a tool name");
    json::object arguments = rest.size() > 2 ? parse_object(rest[2]) : json::object{};
    c.connect();
    auto result = c.call_tool(name, std::move(arguments));
    tool_failed = result.is_error;
    output = result.to_json();
  } else if (what == "resources") {
    check_arity(1);
    c.connect();
    output = c.list_all_resources();
  } else if (what == "read") {
    check_arity(2);
    const auto& uri = arg(1, "a URI");
    c.connect();
    output = c.read_resource(uri);
  } else if (what == "prompts") {
    check_arity(1);
    c.connect();
    output = c.list_all_prompts();
  } else if (what == "get") {
    check_arity(3);
    const auto& name = arg(1, "a prompt name");
    std::map<std::string, std::string> arguments;
    if (rest.size() > 2) {
      for (const auto& [k, v] : parse_object(rest[2])) {
        arguments.emplace(k, v.is_string() ? std::string(v.get_string()) : json::serialize(v));
      }
    }
    c.connect();
    output = c.get_prompt(name, arguments);
  } else {
    throw usage_error("unknown command \"" + what + "\"");
  }
  c.close();
  pretty(std::cout, output);
  std::cout << '\n';
  if (tool_failed) {
    std::cerr << "lumen-cli: the tool reported an error (isError)\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const usage_error& e) {
    std::cerr << "lumen-cli: " << e.what() << '\n' << usage;
    return 2;
  } catch (const std::exception& e) {
    std::string text = e.what();
    for (auto& ch : text) {
      if (ch == '\n') ch = ' ';
    }
    std::cerr << "lumen-cli: " << text << '\n';
    return 1;
  }
}
