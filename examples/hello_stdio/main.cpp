// The smallest Lumen server: one typed tool, served over stdio (or Streamable HTTP with --port N).
#include <lumen/server/server.hpp>
#include <lumen/transport/serve.hpp>

#include <boost/describe.hpp>

struct greet_args {
  std::string name;
};
BOOST_DESCRIBE_STRUCT(greet_args, (), (name))

int main(int argc, char** argv) {
  lumen::server::server srv({.name = "hello", .version = "1.0.0"});
  srv.add_tool({.name = "greet", .description = "Says hello to someone"},
               [](const greet_args& in) { return "Hello, " + in.name + "!"; });
  return lumen::transport::serve(srv, argc, argv, {.stdio = true});
}
