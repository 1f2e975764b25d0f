// Command-line options of example servers.
#include <lumen/transport/cli_options.hpp>

#include <optional>
#include <stdexcept>
#include <string>

namespace lumen::transport {

namespace {

unsigned long parse_number(const std::string& flag, const std::string& v, unsigned long min, unsigned long max) {
  std::size_t used = 0;
  unsigned long n = 0;
  try {
    if (!v.empty() && v.front() != '-' && v.front() != '+') n = std::stoul(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v.size() || n < min || n > max) {
    throw std::invalid_argument(flag + " needs a number from " + std::to_string(min) + " to " + std::to_string(max) +
                                ", got \"" + v + "\"");
  }
  return n;
}

}  // namespace

serve_options parse_serve_options(int argc, char** argv, serve_options o) {
  bool explicit_stdio = false;
  bool http_flags = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::optional<std::string> inline_value;
    if (auto eq = a.find('='); a.starts_with("--") && eq != std::string::npos) {
      inline_value = a.substr(eq + 1);
      a.resize(eq);
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    auto no_value = [&] {
      if (inline_value) throw std::invalid_argument(a + " takes no value");
    };
    if (a == "--stdio") {
      no_value();
      explicit_stdio = true;
      continue;
    }
    http_flags = true;
    if (a == "--stateless") {
      no_value();
      o.stateless = true;
    } else if (a == "--host") {
      o.host = value();
      if (o.host.empty()) throw std::invalid_argument("--host needs a non-empty value");
    } else if (a == "--path") {
      o.path = value();
      if (o.path.empty() || o.path.front() != '/') throw std::invalid_argument("--path must start with /");
    } else if (a == "--port") {
      o.port = static_cast<std::uint16_t>(parse_number(a, value(), 0, 65535));
    } else if (a == "--threads") {
      o.threads = parse_number(a, value(), 1, 256);
    } else {
      throw std::invalid_argument("unknown argument \"" + std::string(argv[i]) + "\"");
    }
  }
  // --stdio wins; any HTTP option selects HTTP; otherwise the caller's default stands.
  if (explicit_stdio) {
    o.stdio = true;
  } else if (http_flags) {
    o.stdio = false;
  }
  return o;
}

}  // namespace lumen::transport
