// Test support: a tiny HTTP/1.1 server on 127.0.0.1 whose answers a test scripts byte by byte, to
// play MCP servers that misbehave (error statuses, cut SSE streams, expired sessions).
#pragma once

#include <lumen/json.hpp>

#include <arpa/inet.h>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace lumen::test {

struct http_request {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  /// The JSON-RPC method of a POST body (empty when none).
  std::string rpc_method() const {
    try {
      auto v = json::parse(body);
      if (auto const* m = v.as_object().if_contains("method")) return std::string(m->as_string());
    } catch (...) {
    }
    return {};
  }
  json::value rpc_id() const {
    try {
      auto v = json::parse(body);
      if (auto const* id = v.as_object().if_contains("id")) return *id;
    } catch (...) {
    }
    return nullptr;
  }
};

class http_connection {
 public:
  explicit http_connection(int fd) : fd_(fd) {}
  void write(const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += static_cast<std::size_t>(n);
    }
  }
  /// A whole response with a body.
  void respond(int status, const std::string& content_type, const std::string& body,
               const std::string& extra_headers = {}) {
    write("HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + content_type +
          "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers + "Connection: close\r\n\r\n" + body);
  }
  void respond_json(const json::value& v, const std::string& extra_headers = {}) {
    respond(200, "application/json", json::serialize(v), extra_headers);
  }
  /// Starts an SSE response (the body ends when the connection closes).
  void start_sse(const std::string& extra_headers = {}) {
    write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n" + extra_headers +
          "Connection: close\r\n\r\n");
  }
  /// Blocks until the client closes the connection (or the server stops).
  void wait_closed() {
    char buf[256];
    while (::recv(fd_, buf, sizeof buf, 0) > 0) {
    }
  }
  void accepted() { write("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"); }

 private:
  int fd_;
};

class scripted_http_server {
 public:
  using handler = std::function<void(const http_request&, http_connection&)>;

  explicit scripted_http_server(handler h) : handler_(std::move(h)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 64);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~scripted_http_server() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    accept_thread_.join();
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/mcp"; }

  /// Every request received so far.
  std::vector<http_request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      std::lock_guard lock(mutex_);
      open_fds_.push_back(fd);
      threads_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    std::string data;
    char buf[8192];
    std::size_t header_end;
    while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return finish(fd);
      data.append(buf, static_cast<std::size_t>(n));
    }
    http_request req;
    std::string head = data.substr(0, header_end);
    auto first_end = head.find("\r\n");
    std::string first = head.substr(0, first_end);
    req.method = first.substr(0, first.find(' '));
    req.target = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
    std::size_t pos = first_end == std::string::npos ? head.size() : first_end + 2;
    while (pos < head.size()) {
      auto end = head.find("\r\n", pos);
      if (end == std::string::npos) end = head.size();
      std::string line = head.substr(pos, end - pos);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        req.headers[name] = value;
      }
      pos = end + 2;
    }
    std::size_t length = req.headers.contains("content-length") ? std::stoul(req.headers["content-length"]) : 0;
    req.body = data.substr(header_end + 4);
    while (req.body.size() < length) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      req.body.append(buf, static_cast<std::size_t>(n));
    }
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(req);
    }
    http_connection conn(fd);
    handler_(req, conn);
    finish(fd);
  }

  void finish(int fd) {
    ::shutdown(fd, SHUT_WR);
    std::lock_guard lock(mutex_);
    std::erase(open_fds_, fd);
    ::close(fd);
  }

  handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  mutable std::mutex mutex_;
  std::vector<std::thread> threads_;
  std::vector<int> open_fds_;
  std::vector<http_request> requests_;
};

/// The result of initialize, as a plain JSON response body.
inline json::object initialize_response(const json::value& id) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"result",
           {{"protocolVersion", "2025-11-25"},
            {"capabilities", {{"tools", json::object{}}}},
            {"serverInfo", {{"name", "scripted"}, {"version", "0"}}}}}};
}

inline json::object result_response(const json::value& id, json::value result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

inline std::string sse_event(const json::value& message, const std::string& id = {}) {
  std::string e = "event: message\n";
  if (!id.empty()) e += "id: " + id + "\n";
  return e + "data: " + json::serialize(message) + "\n\n";
}

}  // namespace lumen::test
