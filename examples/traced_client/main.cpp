// A plain MCP client: connects to a server (a command over stdio, or a URL over Streamable
// HTTP), lists its tools and calls one. (Tracing of the client's requests comes later.)
//   traced_client --stdio "./feature_tour"          traced_client http://127.0.0.1:8080/mcp
#include <lumen/client/client.hpp>
#include <lumen/client/http_transport.hpp>
#include <lumen/client/stdio_transport.hpp>
#include <lumen/version.hpp>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
  using namespace lumen;
  if (argc < 2) {
    std::cerr << "usage: traced_client (URL | --stdio \"COMMAND ARGS...\") [TOOL [JSON-ARGUMENTS]]\n";
    return 2;
  }
  int next = 2;
  std::unique_ptr<client::transport> transport;
  if (std::string(argv[1]) == "--stdio" && argc > 2) {
    transport = std::make_unique<client::stdio_transport>(
        client::stdio_options{.command = client::split_command_line(argv[2])});
    next = 3;
  } else {
    transport = std::make_unique<client::http_transport>(client::http_options{.url = argv[1]});
  }
  try {
    client::client c(std::move(transport), {.info = {.name = "traced-client", .version = std::string(lumen::version)}});
    c.on_log([](protocol::log_level level, const std::optional<std::string>&, const json::value& data) {
      std::cerr << "[" << protocol::to_string(level) << "] " << json::serialize(data) << '\n';
    });
    c.connect();
    std::cout << "connected to " << c.server_info().name << " (MCP " << c.protocol_version() << ")\n";
    for (const auto& tool : c.list_all_tools()) std::cout << "  tool " << tool.at("name").as_string().c_str() << '\n';
    if (argc > next) {
      json::object arguments = argc > next + 1 ? json::parse(argv[next + 1]).as_object() : json::object{};
      auto result = c.call_tool(argv[next], std::move(arguments));
      std::cout << (result.is_error ? "error: " : "result: ") << result.text() << '\n';
      return result.is_error ? 1 : 0;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "traced_client: " << e.what() << '\n';
    return 1;
  }
}
