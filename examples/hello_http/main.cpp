// The smallest Streamable HTTP server: one tool, served at http://127.0.0.1:PORT/mcp.
//   hello_http --port 8080        (or --port 0 for a free port; --stdio for stdio)
#include <lumen/transport/serve.hpp>

int main(int argc, char** argv) {
  using namespace lumen;
  server::server srv({.name = "hello-http", .version = "1.0.0"});
  srv.add_tool({.name = "greet",
                .description = "Greets someone by name",
                .input_schema = {{"type", "object"},
                                 {"properties", {{"name", {{"type", "string"}}}}},
                                 {"required", json::array{"name"}}}},
               [](const json::object& args, server::request_context&) {
                 return protocol::call_tool_result::text("Hello, " + std::string(get_string(args, "name").value_or("world")) + "!");
               });
  return transport::serve(srv, argc, argv);
}
