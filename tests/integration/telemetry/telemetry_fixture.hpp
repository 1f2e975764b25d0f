// Test support for the telemetry integration tests: a span exporter that records spans as they end
// and wakes waiting tests (no sleeps), and an MCP server with telemetry served by Lumen's own HTTP
// server on 127.0.0.1 (port 0), with a client that opens sessions over a real socket.
#pragma once

#include "../http/fixture.hpp"

#include <lumen/server/server.hpp>
#include <lumen/telemetry/telemetry.hpp>
#include <lumen/sdk/span_processor.hpp>
#include <lumen/sdk/sampler.hpp>
#include <lumen/transport/http_server.hpp>
#include <lumen/transport/streamable_http.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace lumen::test {

/// Records every exported span; tests wait on it for spans to end (spans may end after the
/// response reached the client, on the server's threads).
class span_recorder final : public sdk::span_exporter {
 public:
  sdk::export_result export_spans(const std::vector<std::unique_ptr<sdk::span_data>>& batch) override {
    {
      std::lock_guard lock(mutex_);
      for (const auto& s : batch) spans_.push_back(*s);
    }
    cv_.notify_all();
    return sdk::export_result::success;
  }

  std::vector<sdk::span_data> spans() const {
    std::lock_guard lock(mutex_);
    return spans_;
  }

  void clear() {
    std::lock_guard lock(mutex_);
    spans_.clear();
  }

  /// Waits until at least `total` spans have ended; false on timeout.
  bool wait_total(std::size_t total, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return spans_.size() >= total; });
  }

  /// Waits until `count` spans named `name` have ended and returns those seen (fewer on timeout).
  std::vector<sdk::span_data> wait_named(std::string_view name, std::size_t count = 1,
                                           std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    std::vector<sdk::span_data> found;
    cv_.wait_for(lock, timeout, [&] {
      found.clear();
      for (const auto& s : spans_) {
        if (s.name == name) found.push_back(s);
      }
      return found.size() >= count;
    });
    return found;
  }

  /// The single span named `name`, waiting for it; fails the test when there is none.
  sdk::span_data wait_one(std::string_view name) {
    auto found = wait_named(name);
    if (found.empty()) {
      ADD_FAILURE() << "no span named \"" << name << "\" ended";
      return {};
    }
    return found.front();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<sdk::span_data> spans_;
};

inline std::optional<std::string> string_attribute(const trace::attribute_list& attributes, std::string_view key) {
  auto const* v = trace::find_attribute(attributes, key);
  if (!v || !std::holds_alternative<std::string>(*v)) return std::nullopt;
  return std::get<std::string>(*v);
}

inline std::optional<std::int64_t> int_attribute(const trace::attribute_list& attributes, std::string_view key) {
  auto const* v = trace::find_attribute(attributes, key);
  if (!v || !std::holds_alternative<std::int64_t>(*v)) return std::nullopt;
  return std::get<std::int64_t>(*v);
}

inline bool has_attribute(const sdk::span_data& s, std::string_view key) {
  return trace::find_attribute(s.attributes, key) != nullptr;
}

inline std::size_t count_named(const std::vector<sdk::span_data>& spans, std::string_view name) {
  std::size_t n = 0;
  for (const auto& s : spans) n += s.name == name;
  return n;
}

/// A telemetry runtime in full mode whose spans go only to `recorder` (as each ends), sampled by
/// ParentBased(AlwaysOn) whatever the environment says.
inline std::shared_ptr<telemetry::runtime> recording_runtime(const std::shared_ptr<span_recorder>& recorder,
                                                             telemetry::telemetry_options options = {}) {
  options.service_name = "telemetry-it";
  options.mode = telemetry::telemetry_mode::full;
  options.default_span_store_capacity = 0;
  options.processors.push_back(std::make_shared<sdk::simple_span_processor>(recorder));
  options.sampler = sdk::parent_based_sampler(sdk::always_on_sampler());
  return telemetry::runtime::create(std::move(options));
}

/// An MCP server with telemetry on Lumen's HTTP server. Tests register their tools, resources
/// and prompts on `srv` before they send requests.
class traced_http_server {
 public:
  explicit traced_http_server(telemetry::telemetry_options options = {}, transport::endpoint_options endpoint = {})
      : recorder(std::make_shared<span_recorder>()),
        tel(recording_runtime(recorder, std::move(options))),
        srv(protocol::implementation{.name = "telemetry-it", .version = "1.0.0"}, {.observer = tel->server_observer()}),
        endpoint_(srv, std::move(endpoint)),
        http_(transport::http_server_options{.observer = tel->http_observer()}) {
    http_.mount(endpoint_);
    http_.start();
  }
  ~traced_http_server() {
    endpoint_.shutdown();
    http_.stop();
  }
  traced_http_server(const traced_http_server&) = delete;
  traced_http_server& operator=(const traced_http_server&) = delete;

  std::uint16_t port() const { return http_.port(); }

  std::shared_ptr<span_recorder> recorder;
  std::shared_ptr<telemetry::runtime> tel;
  server::server srv;

 private:
  transport::mcp_endpoint endpoint_;
  transport::http_server http_;
};

/// An MCP client over one real HTTP connection, speaking just enough of Streamable HTTP.
class mcp_http_client {
 public:
  explicit mcp_http_client(std::uint16_t port) : http_(port) {}

  /// initialize and notifications/initialized; the server then has ended four spans (an HTTP
  /// and an MCP span for each).
  void open_session() {
    auto r = http_.request("POST", "/mcp", post_headers, initialize_body());
    ASSERT_EQ(r.status, 200u) << r.body;
    session_id_ = r.header("Mcp-Session-Id").value_or("");
    ASSERT_FALSE(session_id_.empty());
    auto n = post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    ASSERT_EQ(n.status, 202u) << n.body;
  }

  /// POSTs one message in the session, with extra header fields (e.g. traceparent, User-Agent).
  http_reply post(const std::string& body, const http_test_client::headers_t& extra = {}) {
    auto h = post_headers;
    if (!session_id_.empty()) {
      h.emplace_back("Mcp-Session-Id", session_id_);
      h.emplace_back("MCP-Protocol-Version", "2025-11-25");
    }
    h.insert(h.end(), extra.begin(), extra.end());
    return http_.request("POST", "/mcp", h, body);
  }

  /// POSTs a request and returns its JSON-RPC answer (the body is JSON: these tools don't stream).
  json::value call(const std::string& body, const http_test_client::headers_t& extra = {}) {
    auto r = post(body, extra);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.status == 200 ? json::parse(r.body) : json::value();
  }

  http_test_client& http() { return http_; }
  const std::string& session_id() const { return session_id_; }

 private:
  http_test_client http_;
  std::string session_id_;
};

/// A tools/call request body with `params._meta` (e.g. a traceparent).
inline std::string call_body_with_meta(int id, std::string_view tool, json::object meta, json::object arguments = {}) {
  json::object params{{"name", tool}, {"arguments", std::move(arguments)}};
  if (!meta.empty()) params["_meta"] = std::move(meta);
  return json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", std::move(params)}});
}

}  // namespace lumen::test
