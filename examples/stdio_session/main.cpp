// A scripted MCP session over stdio: launches a server program, speaks raw JSON-RPC to it over
// pipes, and prints every exchange. Usage: stdio_session SERVER_PROGRAM [ARGS...]
#include <lumen/json.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using namespace lumen;

struct child {
  pid_t pid = -1;
  int to = -1;    // child's stdin
  int from = -1;  // child's stdout
  std::string buffered;
};

child launch(char** argv) {
  int in[2], out[2];
  if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error(std::strerror(errno));
  child c;
  c.pid = ::fork();
  if (c.pid < 0) throw std::runtime_error(std::strerror(errno));
  if (c.pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::close(in[1]);
    ::close(out[0]);
    ::execvp(argv[0], argv);
    std::perror("exec");
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  c.to = in[1];
  c.from = out[0];
  return c;
}

void send(child& c, const json::value& message) {
  std::string line = json::serialize(message) + "\n";
  if (::write(c.to, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    throw std::runtime_error("the server closed its input");
  }
}

json::value receive(child& c) {
  for (;;) {
    if (auto nl = c.buffered.find('\n'); nl != std::string::npos) {
      std::string line = c.buffered.substr(0, nl);
      c.buffered.erase(0, nl + 1);
      return json::parse(line);
    }
    char buf[4096];
    ssize_t n = ::read(c.from, buf, sizeof buf);
    if (n <= 0) throw std::runtime_error("the server closed its output");
    c.buffered.append(buf, static_cast<std::size_t>(n));
  }
}

std::string shorten(const json::value& v, std::size_t max = 160) {
  std::string s = json::serialize(v);
  return s.size() > max ? s.substr(0, max) + "..." : s;
}

int next_id = 0;

// Sends a request and prints messages until its response arrives; answers sampling requests.
json::value call(child& c, const std::string& method, json::object params = {}) {
  int id = ++next_id;
  json::object request{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.empty()) request.emplace("params", params);
  std::cout << "\n-> " << method << " " << (params.empty() ? "" : shorten(params)) << '\n';
  send(c, request);
  for (;;) {
    json::value m = receive(c);
    auto const& o = m.as_object();
    if (o.contains("method") && o.contains("id")) {
      std::cout << "   <- server asks: " << o.at("method").as_string() << " (the demo answers as a model)\n";
      send(c, json::object{{"jsonrpc", "2.0"}, {"id", o.at("id")},
                           {"result", {{"role", "assistant"},
                                       {"content", {{"type", "text"}, {"text", "42"}}},
                                       {"model", "demo-model"}}}});
      continue;
    }
    if (o.contains("method")) {
      std::cout << "   <- " << o.at("method").as_string() << " " << shorten(o.contains("params") ? o.at("params") : json::value()) << '\n';
      continue;
    }
    if (o.contains("id") && o.at("id") == json::value(id)) {
      if (o.contains("error")) {
        std::cout << "<- error " << shorten(o.at("error")) << '\n';
        return o.at("error");
      }
      std::cout << "<- " << shorten(o.at("result"), 400) << '\n';
      return o.at("result");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: stdio_session SERVER_PROGRAM [ARGS...]\n";
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  try {
    child c = launch(argv + 1);
    std::cout << "Lumen demo: a scripted MCP session with " << argv[1] << " over stdio\n";
    call(c, "initialize", {{"protocolVersion", "2025-11-25"},
                           {"capabilities", {{"sampling", json::object{}}}},
                           {"clientInfo", {{"name", "stdio_session"}, {"version", "1.0.0"}}}});
    send(c, json::object{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
    call(c, "tools/list");
    call(c, "tools/call", {{"name", "add"}, {"arguments", {{"a", 2}, {"b", 40}}}});
    call(c, "tools/call", {{"name", "add"}, {"arguments", {{"a", "two"}, {"b", 40}}}});
    call(c, "tools/call", {{"name", "slow"}, {"arguments", {{"steps", 3}, {"step_ms", 50}}},
                           {"_meta", {{"progressToken", "demo-progress"}}}});
    call(c, "tools/call", {{"name", "ask_llm"}, {"arguments", {{"question", "What is 6*7?"}}}});
    call(c, "resources/list");
    call(c, "resources/read", {{"uri", "lumen://notes/alpha"}});
    call(c, "resources/read", {{"uri", "lumen://notes/omega"}});
    call(c, "prompts/get", {{"name", "code_review"}, {"arguments", {{"code", "int main() {}"}, {"language", "c++"}}}});
    call(c, "completion/complete", {{"ref", {{"type", "ref/prompt"}, {"name", "code_review"}}},
                                    {"argument", {{"name", "language"}, {"value", "c"}}}});
    call(c, "no/such/method");
    ::close(c.to);  // end of input: the server finishes and exits
    int status = 0;
    ::waitpid(c.pid, &status, 0);
    std::cout << "\nThe server exited with status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1)
              << " after end of input. Demo complete.\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stdio_session: " << e.what() << '\n';
    return 1;
  }
}
