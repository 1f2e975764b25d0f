// The smallest Streamable HTTP server: one tool, served at http://127.0.0.1:PORT/mcp.
//   hello_http --port 8080        (or --port 0 for a free port; --stdio for stdio)
#include <lumen/transport/serve.hpp>

#include <iostream>

int main(int argc, char** argv) {
  using namespace lumen;
  transport::serve_options options;
  try {
    options = transport::parse_serve_options(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "hello_http: " << e.what() << "\nusage: hello_http [--host H] [--port N] [--path P] [--stateless | --stdio]\n";
    return 2;
  }
  server::server srv({.name = "hello-http", .version = "1.0.0"});
  srv.add_tool({.name = "greet",
                .description = "Greets someone by name",
                .input_schema = {{"type", "object"},
                                 {"properties", {{"name", {{"type", "string"}}}}},
                                 {"required", json::array{"name"}}}},
               [](const json::object& args, server::request_context&) {
                 return server::tool_result::text("Hello, " + std::string(get_string(args, "name").value_or("world")) + "!");
               });
  return transport::serve(srv, options);
}
