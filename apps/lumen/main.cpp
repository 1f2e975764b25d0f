// The `lumen` command: `lumen demo` runs the demo (an MCP server with the embedded trace viewer,
// driven by a scripted traced client); `lumen version` prints the version.
#include <lumen/version.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace lumen::app {
int run_demo(const std::vector<std::string>& args);
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto usage = [] {
    std::cerr << "usage: lumen demo [--host HOST] [--port PORT] [--no-client]\n"
                 "       lumen version\n";
  };
  if (args.empty()) {
    usage();
    return 2;
  }
  std::string command = args.front();
  args.erase(args.begin());
  if (command == "demo") return lumen::app::run_demo(args);
  if (command == "version" || command == "--version") {
    std::cout << "lumen " << lumen::version << '\n';
    return 0;
  }
  if (command == "help" || command == "--help" || command == "-h") {
    usage();
    return 0;
  }
  std::cerr << "lumen: unknown command \"" << command << "\"\n";
  usage();
  return 2;
}
