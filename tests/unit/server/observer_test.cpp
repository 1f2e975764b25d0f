// The observer hooks: every incoming request and notification, and every outgoing request, is
// started, made current around its handler, and finished exactly once with its answer.
#include <lumen/server/server.hpp>

#include "../../support/capture_sink.hpp"

#include <gtest/gtest.h>

#include <mutex>

namespace lumen::server {
namespace {

using namespace std::chrono_literals;

struct record {
  std::string method;
  std::string direction;
  std::string origin_transport;
  std::string ambient;
  bool finished = false;
  bool answered = false;
  int error_code = 0;
  bool active_during_handler = false;
  std::string exception;
};

class recording_observer : public operation_observer {
 public:
  class scope : public operation_scope {
   public:
    scope(recording_observer& o, std::size_t index) : owner_(o), index_(index) {}
    std::shared_ptr<void> activate() override {
      owner_.set_active(index_);
      return std::shared_ptr<void>(nullptr, [this](void*) { owner_.set_active(std::nullopt); });
    }
    void finish(const jsonrpc::message* answer) override {
      std::lock_guard lock(owner_.mutex_);
      auto& r = owner_.records_[index_];
      EXPECT_FALSE(r.finished) << "finished twice: " << r.method;
      r.finished = true;
      r.answered = answer != nullptr;
      if (answer) {
        if (auto* e = std::get_if<jsonrpc::error_response>(answer)) r.error_code = e->error.code;
      }
    }
    void record_exception(const std::exception& e) override {
      std::lock_guard lock(owner_.mutex_);
      owner_.records_[index_].exception = e.what();
    }
    void inject(json::object& meta) const override { meta["traceparent"] = "injected-" + std::to_string(index_); }

   private:
    recording_observer& owner_;
    std::size_t index_;
  };

  std::shared_ptr<operation_scope> start_incoming(const session&, const incoming_message& m,
                                                  const inbound_context& origin) override {
    return add({std::string(m.method), "in", std::string(to_string(origin.network_transport)), origin.ambient_traceparent});
  }

  std::shared_ptr<operation_scope> start_outgoing(const session&, jsonrpc::request& request,
                                                  const operation_scope* parent) override {
    auto s = add({request.method, "out", "", ""});
    json::object meta;
    if (parent) parent->inject(meta);
    request.params["_meta"] = meta;
    return s;
  }

  void set_active(std::optional<std::size_t> i) {
    std::lock_guard lock(mutex_);
    active_ = i;
    if (i) records_[*i].active_during_handler = true;
  }

  std::vector<record> records() {
    std::lock_guard lock(mutex_);
    return records_;
  }

 private:
  std::shared_ptr<operation_scope> add(record r) {
    std::lock_guard lock(mutex_);
    records_.push_back(std::move(r));
    return std::make_shared<scope>(*this, records_.size() - 1);
  }
  std::mutex mutex_;
  std::vector<record> records_;
  std::optional<std::size_t> active_;
};

TEST(Observer, SeesEveryOperationOnceWithItsOutcome) {
  auto observer = std::make_shared<recording_observer>();
  server srv({.name = "t", .version = "1"}, {.observer = observer});
  srv.add_tool({.name = "ok"}, [](const json::object&, request_context&) { return protocol::call_tool_result::text("x"); });
  srv.add_tool({.name = "ask"}, [](const json::object&, request_context& ctx) {
    ctx.create_message({{"messages", json::array{}}, {"maxTokens", 1}});
    return protocol::call_tool_result::text("asked");
  });
  auto sink = std::make_shared<test::capture_sink>();
  auto s = srv.connect(sink);
  inbound_context origin;
  origin.network_transport = network_transport::tcp;
  origin.ambient_traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  s->receive(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"sampling":{}},"clientInfo":{"name":"c","version":"1"}}})", origin);
  s->receive(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", origin);
  s->receive(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ok"}})", origin);
  s->receive(R"({"jsonrpc":"2.0","id":3,"method":"nope"})", origin);
  s->receive(R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"ask"}})", origin);
  auto out = sink->wait_for([](const json::object& o) { return test::is_method(o, "sampling/createMessage"); });
  EXPECT_EQ(out.at("params").at("_meta").at("traceparent").as_string(), "injected-4");  // parent is the tools/call
  s->receive(json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", out.at("id")},
                                          {"result", {{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "y"}}}, {"model", "m"}}}}),
             origin);
  sink->wait_response(4);
  sink->wait_response(3);
  ASSERT_TRUE(s->wait_idle(5s));

  auto records = observer->records();
  ASSERT_EQ(records.size(), 6u);
  EXPECT_EQ(records[0].method, "initialize");
  EXPECT_EQ(records[1].method, "notifications/initialized");
  EXPECT_EQ(records[2].method, "tools/call");
  EXPECT_EQ(records[5].method, "sampling/createMessage");
  EXPECT_EQ(records[5].direction, "out");
  for (const auto& r : records) EXPECT_TRUE(r.finished) << r.method;
  EXPECT_EQ(records[0].origin_transport, "tcp");
  EXPECT_EQ(records[0].ambient, origin.ambient_traceparent);
  EXPECT_TRUE(records[0].answered);
  EXPECT_FALSE(records[1].answered);  // a notification has no answer
  EXPECT_TRUE(records[2].active_during_handler);
  auto nope = std::find_if(records.begin(), records.end(), [](const record& r) { return r.method == "nope"; });
  ASSERT_NE(nope, records.end());
  EXPECT_EQ(nope->error_code, -32601);
  EXPECT_EQ(s->network_transport(), network_transport::tcp) << "the session remembers its initialize's transport";
}

TEST(Observer, TransportAndAmbientKindsSpellTheirAttributeValues) {
  EXPECT_EQ(to_string(network_transport::pipe), "pipe");
  EXPECT_EQ(to_string(network_transport::tcp), "tcp");
  EXPECT_EQ(to_string(ambient_kind::transport), "transport");
  EXPECT_EQ(to_string(ambient_kind::environment), "environment");
  inbound_context defaults;
  EXPECT_EQ(defaults.network_transport, network_transport::pipe);
  EXPECT_EQ(defaults.ambient_kind, ambient_kind::transport);
}

TEST(Observer, CancelledRequestFinishesWithoutAnswer) {
  auto observer = std::make_shared<recording_observer>();
  server srv({.name = "t", .version = "1"}, {.observer = observer});
  srv.add_tool({.name = "wait"}, [](const json::object&, request_context& ctx) {
    ctx.cancellation().wait_for(5s);
    return protocol::call_tool_result::text("late");
  });
  auto sink = std::make_shared<test::capture_sink>();
  auto s = srv.connect(sink);
  s->receive(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}})");
  s->receive(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"wait"}})");
  while (s->in_flight() == 0) std::this_thread::sleep_for(1ms);
  s->receive(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2}})");
  ASSERT_TRUE(s->wait_idle(5s));
  auto records = observer->records();
  auto call = std::find_if(records.begin(), records.end(), [](const record& r) { return r.method == "tools/call"; });
  ASSERT_NE(call, records.end());
  EXPECT_TRUE(call->finished);
  EXPECT_FALSE(call->answered);
}

}  // namespace
}  // namespace lumen::server
