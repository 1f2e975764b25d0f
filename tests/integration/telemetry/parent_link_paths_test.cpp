// The parent/link rule (docs/architecture.md#parent-and-link) on the three real paths into a
// server: Lumen's own HTTP server (its HTTP span, parented by the traceparent header, is the
// ambient context), the mountable endpoint in a host (the host hands its span context over with
// the request), and stdio (TRACEPARENT in the environment of the process running the transport:
// this test process, and a real child process exporting over OTLP).
// Checked on recorded spans: parent ids, link ids and lumen.link.kind, trace ids, and that each
// operation has exactly one span.
#include "../../support/child_process.hpp"
#include "../../support/parent_link_table.hpp"
#include "otlp_json_receiver.hpp"
#include "telemetry_fixture.hpp"

#include <lumen/transport/stdio.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <cstdlib>
#include <poll.h>
#include <thread>
#include <unistd.h>

namespace lumen::test {
namespace {

using namespace std::chrono_literals;

using parent_link::ambient_input;
using parent_link::ambient_tp;
using parent_link::meta_input;
using parent_link::meta_tp;
using given_ambient_row = parent_link::row;  // the ambient context is a given span context (host span, TRACEPARENT)
const std::string invalid_tp = "00-zz-not-valid-01";

trace::span_context parsed(const std::string& tp) { return *trace::parse_traceparent(tp); }

json::object meta_of(meta_input m) {
  if (m == meta_input::valid) return {{"traceparent", meta_tp}, {"progressToken", 5}};
  // An invalid traceparent is absent (W3C), and tracestate counts only with a valid one.
  if (m == meta_input::invalid) return {{"traceparent", invalid_tp}, {"tracestate", "a=1"}};
  return {};
}

std::string ambient_of(ambient_input a) {
  if (a == ambient_input::valid) return ambient_tp;
  if (a == ambient_input::same_as_meta) return meta_tp;
  return {};
}

std::string row_name(const ::testing::TestParamInfo<given_ambient_row>& info) { return info.param.name; }

/// Checks the MCP span against a row whose ambient context was given as `ambient_tp`.
void expect_rule(const sdk::span_data& span, const given_ambient_row& r, std::string_view link_kind,
                 std::string_view transport) {
  EXPECT_EQ(span.kind, trace::span_kind::server);
  if (r.expected_parent) {
    auto expected = parsed(*r.expected_parent);
    EXPECT_EQ(span.parent.span_id(), expected.span_id());
    EXPECT_EQ(span.context.trace_id(), expected.trace_id());
    EXPECT_TRUE(span.parent.is_remote());
  } else {
    EXPECT_FALSE(span.parent.is_valid());
    EXPECT_NE(span.context.trace_id(), parsed(meta_tp).trace_id());
    EXPECT_NE(span.context.trace_id(), parsed(ambient_tp).trace_id());
  }
  if (r.expect_link) {
    ASSERT_EQ(span.links.size(), 1u);
    EXPECT_TRUE(span.links[0].context.same_span(parsed(ambient_tp)));
    EXPECT_EQ(string_attribute(span.links[0].attributes, "lumen.link.kind"), link_kind);
  } else {
    EXPECT_TRUE(span.links.empty());
  }
  EXPECT_EQ(string_attribute(span.attributes, "network.transport"), transport);
}

// ---- The mountable endpoint in a host ----

/// The host side of one request: collects the endpoint's answer (whole or streamed).
class collecting_channel final : public transport::response_channel {
 public:
  void respond(transport::http_response r) override {
    std::lock_guard lock(mutex_);
    response_ = std::move(r);
    done_ = true;
    cv_.notify_all();
  }
  void start_stream(transport::header_fields headers) override {
    std::lock_guard lock(mutex_);
    response_.status = 200;
    response_.headers = std::move(headers);
  }
  bool send(std::string chunk) override {
    std::lock_guard lock(mutex_);
    response_.body += chunk;
    return true;
  }
  void end_stream() override {
    std::lock_guard lock(mutex_);
    done_ = true;
    cv_.notify_all();
  }
  bool is_open() const override {
    std::lock_guard lock(mutex_);
    return !done_;
  }
  /// The complete response (status 0 when none came in time).
  transport::http_response wait() {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, 10s, [&] { return done_; })) return {.status = 0};
    return response_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  transport::http_response response_;
  bool done_ = false;
};

/// A host framework's request to the endpoint, with the host's span context as the ambient one.
transport::http_response host_post(transport::mcp_endpoint& endpoint, const std::string& session_id,
                                   std::string body, const std::string& host_span_traceparent) {
  transport::http_request req;
  req.method = "POST";
  req.target = "/mcp";
  req.headers = {{"Host", "127.0.0.1"}, {"Accept", "application/json, text/event-stream"},
                 {"Content-Type", "application/json"}};
  if (!session_id.empty()) {
    req.headers.emplace_back("Mcp-Session-Id", session_id);
    req.headers.emplace_back("MCP-Protocol-Version", "2025-11-25");
  }
  req.body = std::move(body);
  req.peer_address = "127.0.0.1";
  req.peer_port = 40000;
  req.ambient_traceparent = host_span_traceparent;
  auto channel = std::make_shared<collecting_channel>();
  endpoint.handle(std::move(req), channel);
  return channel->wait();
}

std::string header_of(const transport::http_response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (transport::iequals(k, name)) return v;
  }
  return {};
}

class MountedHostParentLink : public ::testing::TestWithParam<given_ambient_row> {};

TEST_P(MountedHostParentLink, FollowsTheRule) {
  const auto& r = GetParam();
  const std::string host_span = ambient_of(r.ambient);
  auto recorder = std::make_shared<span_recorder>();
  auto tel = recording_runtime(recorder);
  server::server srv({.name = "mounted", .version = "1"}, {.observer = tel->server_observer()});
  srv.add_tool({.name = "echo"}, [](const json::object&, server::request_context&) { return protocol::call_tool_result::text("x"); });
  transport::mcp_endpoint endpoint(srv);

  auto init = host_post(endpoint, "", initialize_body(), host_span);
  ASSERT_EQ(init.status, 200u) << init.body;
  auto sid = header_of(init, "Mcp-Session-Id");
  ASSERT_FALSE(sid.empty());
  ASSERT_EQ(host_post(endpoint, sid, R"({"jsonrpc":"2.0","method":"notifications/initialized"})", host_span).status, 202u);
  ASSERT_TRUE(recorder->wait_total(2));
  recorder->clear();

  auto call = host_post(endpoint, sid, call_body_with_meta(2, "echo", meta_of(r.meta)), host_span);
  ASSERT_EQ(call.status, 200u) << call.body;
  auto spans = recorder->wait_named("tools/call echo");
  ASSERT_EQ(spans.size(), 1u);
  expect_rule(spans[0], r, "transport", "tcp");
  endpoint.shutdown();
  EXPECT_EQ(recorder->spans().size(), 1u) << "exactly one span for the call: none lost, none duplicated";
}

INSTANTIATE_TEST_SUITE_P(Rows, MountedHostParentLink, ::testing::ValuesIn(parent_link::rows), row_name);

// ---- stdio in this process (run_stdio over pipes), with TRACEPARENT in the environment ----

/// Sets (or, with an empty value, unsets) an environment variable for one test. Declared before
/// anything that starts threads, so no thread reads the environment while it changes.
class scoped_env {
 public:
  scoped_env(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value.empty() ? ::unsetenv(name) : ::setenv(name, value.c_str(), 1);
  }
  ~scoped_env() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

/// Both ends of a pipe, closed on destruction.
struct pipe_pair {
  int read_end = -1;
  int write_end = -1;
  pipe_pair() {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error(std::strerror(errno));
    read_end = fds[0];
    write_end = fds[1];
  }
  ~pipe_pair() {
    close_write();
    if (read_end >= 0) ::close(read_end);
  }
  void close_write() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
  pipe_pair(const pipe_pair&) = delete;
  pipe_pair& operator=(const pipe_pair&) = delete;
};

/// The client end of a stdio session: writes lines to the server's stdin, reads its stdout.
class stdio_peer {
 public:
  stdio_peer(int to_server, int from_server) : to_(to_server), from_(from_server) {}

  void send(const std::string& line) {
    std::string data = line + "\n";
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(to_, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      ASSERT_GT(n, 0) << std::strerror(errno);
      done += static_cast<std::size_t>(n);
    }
  }

  /// The next line from the server as JSON (null on timeout or end of output).
  json::value receive() {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
        auto line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return json::parse(line);
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return nullptr;
      pollfd p{from_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[4096];
      ssize_t n = ::read(from_, chunk, sizeof chunk);
      if (n <= 0) return nullptr;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  int to_;
  int from_;
  std::string buffer_;
};

class StdioTransportParentLink : public ::testing::TestWithParam<given_ambient_row> {};

TEST_P(StdioTransportParentLink, FollowsTheRule) {
  const auto& r = GetParam();
  scoped_env traceparent("TRACEPARENT", ambient_of(r.ambient));
  scoped_env tracestate("TRACESTATE", "");
  auto recorder = std::make_shared<span_recorder>();
  auto tel = recording_runtime(recorder);
  server::server srv({.name = "stdio", .version = "1"}, {.observer = tel->server_observer()});
  srv.add_tool({.name = "echo"}, [](const json::object&, server::request_context&) { return protocol::call_tool_result::text("x"); });

  pipe_pair stdin_pipe, stdout_pipe;
  std::thread transport([&] {
    transport::run_stdio(srv, {.input_fd = stdin_pipe.read_end, .output_fd = stdout_pipe.write_end});
  });
  stdio_peer client(stdin_pipe.write_end, stdout_pipe.read_end);
  client.send(initialize_body());
  auto init = client.receive();
  client.send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  client.send(call_body_with_meta(2, "echo", meta_of(r.meta)));
  auto call = client.receive();
  // End of input ends the session; run_stdio returns once its handlers are done.
  stdin_pipe.close_write();
  transport.join();
  ASSERT_TRUE(init.is_object() && init.as_object().contains("result")) << init;
  ASSERT_TRUE(call.is_object() && call.as_object().contains("result")) << call;

  auto spans = recorder->spans();
  EXPECT_EQ(spans.size(), 3u) << "initialize, notifications/initialized and the call: none lost, none duplicated";
  EXPECT_EQ(count_named(spans, "initialize"), 1u);
  EXPECT_EQ(count_named(spans, "notifications/initialized"), 1u);
  ASSERT_EQ(count_named(spans, "tools/call echo"), 1u);
  for (const auto& s : spans) {
    if (s.name == "tools/call echo") expect_rule(s, r, "environment", "pipe");
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, StdioTransportParentLink, ::testing::ValuesIn(parent_link::rows), row_name);

// ---- stdio in a real child process (examples/feature_tour), exporting OTLP/JSON to this test ----

const std::string feature_tour = std::string(LUMEN_BINARY_DIR) + "/examples/feature_tour";

class StdioChildProcessParentLink : public ::testing::TestWithParam<given_ambient_row> {};

TEST_P(StdioChildProcessParentLink, FollowsTheRule) {
  const auto& r = GetParam();
  ASSERT_EQ(::access(feature_tour.c_str(), X_OK), 0) << feature_tour << ": build the feature_tour target";
  otlp_json_receiver receiver;
  // An empty TRACEPARENT is no ambient context (and overrides one this process may have).
  child_process child({feature_tour}, {"TRACEPARENT=" + ambient_of(r.ambient), "TRACESTATE=", "LUMEN_TELEMETRY=full",
                                       "OTEL_SDK_DISABLED=false", "OTEL_TRACES_SAMPLER=parentbased_always_on",
                                       "OTEL_EXPORTER_OTLP_PROTOCOL=http/json",
                                       "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=" + receiver.traces_endpoint()});
  ASSERT_TRUE(child.write(initialize_body() + "\n"));
  auto init = child.read_line();
  ASSERT_TRUE(child.write(std::string(R"({"jsonrpc":"2.0","method":"notifications/initialized"})") + "\n"));
  ASSERT_TRUE(child.write(call_body_with_meta(2, "echo", meta_of(r.meta), {{"message", "hi"}}) + "\n"));
  auto call = child.read_line();
  ASSERT_TRUE(init && json::parse(*init).as_object().contains("result")) << init.value_or("no answer");
  ASSERT_TRUE(call && json::parse(*call).as_object().contains("result")) << call.value_or("no answer");
  // End of input ends the server; its telemetry is flushed (exported to us) before it exits.
  child.close_stdin();
  ASSERT_EQ(child.wait(std::chrono::seconds(20)), 0);

  auto spans = receiver.spans();
  EXPECT_EQ(spans.size(), 3u) << "initialize, notifications/initialized and the call: none lost, none duplicated";
  const received_span* mcp = nullptr;
  for (const auto& s : spans) {
    if (s.name == "tools/call echo") {
      EXPECT_EQ(mcp, nullptr) << "one span for the call";
      mcp = &s;
    }
  }
  ASSERT_NE(mcp, nullptr);
  EXPECT_EQ(mcp->kind, 2) << "SERVER";
  EXPECT_EQ(mcp->string_attributes.at("network.transport"), "pipe");
  if (r.expected_parent) {
    auto expected = parsed(*r.expected_parent);
    EXPECT_EQ(mcp->parent_span_id, expected.span_id().to_hex());
    EXPECT_EQ(mcp->trace_id, expected.trace_id().to_hex());
  } else {
    EXPECT_EQ(mcp->parent_span_id, "");
    EXPECT_NE(mcp->trace_id, parsed(meta_tp).trace_id().to_hex());
    EXPECT_NE(mcp->trace_id, parsed(ambient_tp).trace_id().to_hex());
  }
  if (r.expect_link) {
    ASSERT_EQ(mcp->links.size(), 1u);
    EXPECT_EQ(mcp->links[0].trace_id, parsed(ambient_tp).trace_id().to_hex());
    EXPECT_EQ(mcp->links[0].span_id, parsed(ambient_tp).span_id().to_hex());
    ASSERT_EQ(mcp->links[0].string_attributes.count("lumen.link.kind"), 1u);
    EXPECT_EQ(mcp->links[0].string_attributes.at("lumen.link.kind"), "environment");
  } else {
    EXPECT_TRUE(mcp->links.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, StdioChildProcessParentLink, ::testing::ValuesIn(parent_link::rows), row_name);

// ---- Lumen's own HTTP server: the ambient context is its HTTP span ----

/// On Lumen's HTTP server the ambient context is the HTTP span it starts for the request (a new
/// span, parented by the traceparent header when there is one), so it can never be the same span
/// as `_meta`'s; the rule's other rows apply.
struct lumen_http_row {
  const char* name;
  meta_input meta;
  bool traceparent_header;
  bool expect_meta_parent;  // else the HTTP span is the parent
};

const std::string header_tp = "00-55555555555555555555555555555555-6666666666666666-01";

const lumen_http_row lumen_http_rows[] = {
    {"MetaAndHeader_ParentMetaLinkHttpSpan", meta_input::valid, true, true},
    {"MetaNoHeader_ParentMetaLinkHttpSpan", meta_input::valid, false, true},
    {"InvalidMetaAndHeader_ParentHttpSpan", meta_input::invalid, true, false},
    {"AbsentMetaAndHeader_ParentHttpSpan", meta_input::absent, true, false},
    {"NoContext_ParentHttpSpanOfANewTrace", meta_input::absent, false, false},
    {"InvalidMetaNoHeader_ParentHttpSpanOfANewTrace", meta_input::invalid, false, false},
};

void PrintTo(const lumen_http_row& r, std::ostream* out) { *out << r.name; }

class LumenHttpParentLink : public ::testing::TestWithParam<lumen_http_row> {};

TEST_P(LumenHttpParentLink, FollowsTheRule) {
  const auto& r = GetParam();
  traced_http_server s;
  s.srv.add_tool({.name = "echo"}, [](const json::object&, server::request_context&) { return protocol::call_tool_result::text("x"); });
  mcp_http_client c(s.port());
  c.open_session();
  ASSERT_TRUE(s.recorder->wait_total(4));
  s.recorder->clear();

  http_test_client::headers_t headers;
  if (r.traceparent_header) headers.emplace_back("traceparent", header_tp);
  auto answer = c.call(call_body_with_meta(2, "echo", meta_of(r.meta)), headers);
  ASSERT_TRUE(answer.as_object().contains("result")) << answer;
  auto http = s.recorder->wait_one("POST /mcp");
  auto mcp = s.recorder->wait_one("tools/call echo");
  auto spans = s.recorder->spans();
  EXPECT_EQ(spans.size(), 2u) << "one HTTP span and one MCP span: none lost, none duplicated";

  // The HTTP span: a child of the header's context, or a new root.
  if (r.traceparent_header) {
    EXPECT_EQ(http.parent.span_id(), parsed(header_tp).span_id());
    EXPECT_EQ(http.context.trace_id(), parsed(header_tp).trace_id());
  } else {
    EXPECT_FALSE(http.parent.is_valid());
    EXPECT_NE(http.context.trace_id(), parsed(meta_tp).trace_id());
  }
  EXPECT_EQ(mcp.kind, trace::span_kind::server);
  if (r.expect_meta_parent) {
    EXPECT_EQ(mcp.parent.span_id(), parsed(meta_tp).span_id());
    EXPECT_EQ(mcp.context.trace_id(), parsed(meta_tp).trace_id());
    ASSERT_EQ(mcp.links.size(), 1u);
    EXPECT_TRUE(mcp.links[0].context.same_span(http.context)) << "the link is the HTTP span of this request";
    EXPECT_EQ(string_attribute(mcp.links[0].attributes, "lumen.link.kind"), "transport");
  } else {
    EXPECT_EQ(mcp.parent.span_id(), http.context.span_id());
    EXPECT_EQ(mcp.context.trace_id(), http.context.trace_id());
    EXPECT_TRUE(mcp.links.empty());
  }
  EXPECT_EQ(string_attribute(mcp.attributes, "network.transport"), "tcp");
  EXPECT_EQ(string_attribute(mcp.attributes, "client.address"), "127.0.0.1");
}

INSTANTIATE_TEST_SUITE_P(Rows, LumenHttpParentLink, ::testing::ValuesIn(lumen_http_rows),
                         [](const auto& test_info) { return std::string(test_info.param.name); });

}  // namespace
}  // namespace lumen::test
