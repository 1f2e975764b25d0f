// Test support: drives a server through a real session over a capture_sink, as a client would
// (JSON-RPC text in, recorded messages out).
#pragma once

#include <lumen/json.hpp>
#include <lumen/server/server.hpp>

#include "capture_sink.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace lumen::test {

/// The text of a JSON-RPC request (params omitted when empty).
inline std::string rpc_request(int id, std::string_view method, json::object params = {}) {
  json::object o{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.empty()) o.emplace("params", std::move(params));
  return json::serialize(o);
}

/// The `error.code` of a response.
inline int rpc_error_code(const json::value& response) {
  return static_cast<int>(response.at("error").at("code").as_int64());
}

/// One client session of a server: initialized on construction, then `call` sends a request and
/// waits for its answer.
class session_driver {
 public:
  explicit session_driver(server::server& srv, std::string_view version = "2025-11-25")
      : session_(srv.connect(sink_)) {
    session_->receive(rpc_request(0, "initialize",
                                  {{"protocolVersion", version},
                                   {"capabilities", json::object{}},
                                   {"clientInfo", {{"name", "driver"}, {"version", "1"}}}}));
    initialize_result_ = sink_->wait_response(0).at("result").as_object();
    session_->receive(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  }

  /// Sends request `method` and returns its whole response (result or error).
  json::value call(std::string_view method, json::object params = {}) {
    const int id = ++last_id_;
    session_->receive(rpc_request(id, method, std::move(params)));
    return sink_->wait_response(id);
  }
  /// The `result` of request `method` (throws when it was an error).
  json::object result(std::string_view method, json::object params = {}) {
    return call(method, std::move(params)).at("result").as_object();
  }

  const json::object& initialize_result() const noexcept { return initialize_result_; }
  capture_sink& sink() const noexcept { return *sink_; }
  server::session& session() const noexcept { return *session_; }

 private:
  std::shared_ptr<capture_sink> sink_ = std::make_shared<capture_sink>();
  std::shared_ptr<server::session> session_;
  json::object initialize_result_;
  int last_id_ = 0;
};

}  // namespace lumen::test
