// JSON-RPC parsing: every malformed input class gets the right spec-shaped error.
#include <lumen/jsonrpc/parse.hpp>

#include <gtest/gtest.h>

#include <string>

namespace lumen::jsonrpc {
namespace {

error_response expect_error(std::string_view text, int code) {
  auto r = parse(text);
  auto* e = std::get_if<error_response>(&r);
  EXPECT_NE(e, nullptr) << "expected an error for: " << text;
  if (!e) return {};
  EXPECT_EQ(e->error.code, code) << e->error.message;
  return *e;
}

template <class T>
T expect_message(std::string_view text) {
  auto r = parse(text);
  auto* m = std::get_if<message>(&r);
  EXPECT_NE(m, nullptr) << "expected a message for: " << text;
  if (!m) return {};
  auto* t = std::get_if<T>(m);
  EXPECT_NE(t, nullptr) << "wrong message kind for: " << text;
  return t ? *t : T{};
}

TEST(JsonRpcParse, RequestWithIntegerId) {
  auto r = expect_message<request>(R"({"jsonrpc":"2.0","id":7,"method":"ping"})");
  EXPECT_TRUE(r.id.is_integer());
  EXPECT_EQ(r.id.as_integer(), 7);
  EXPECT_EQ(r.method, "ping");
  EXPECT_TRUE(r.params.empty());
}

TEST(JsonRpcParse, RequestWithStringIdAndParams) {
  auto r = expect_message<request>(R"({"jsonrpc":"2.0","id":"a-1","method":"tools/call","params":{"name":"x"}})");
  EXPECT_EQ(r.id.as_string(), "a-1");
  EXPECT_EQ(r.params.at("name").as_string(), "x");
}

TEST(JsonRpcParse, NotificationHasNoId) {
  auto n = expect_message<notification>(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  EXPECT_EQ(n.method, "notifications/initialized");
}

TEST(JsonRpcParse, ResponseAndErrorResponse) {
  auto ok = expect_message<response>(R"({"jsonrpc":"2.0","id":3,"result":{"x":1}})");
  EXPECT_EQ(ok.id.as_integer(), 3);
  EXPECT_EQ(ok.result.at("x").as_int64(), 1);
  auto err = expect_message<error_response>(R"({"jsonrpc":"2.0","id":"q","error":{"code":-32601,"message":"nope","data":5}})");
  ASSERT_TRUE(err.id);
  EXPECT_EQ(err.id->as_string(), "q");
  EXPECT_EQ(err.error.code, -32601);
  EXPECT_EQ(err.error.message, "nope");
  ASSERT_TRUE(err.error.data);
  EXPECT_EQ(err.error.data->as_int64(), 5);
}

TEST(JsonRpcParse, NotJsonIsParseError) {
  auto e = expect_error("this is not json", error_codes::parse_error);
  EXPECT_FALSE(e.id);
}

TEST(JsonRpcParse, TruncatedIsParseError) {
  expect_error(R"({"jsonrpc":"2.0","id":1,"method":"pi)", error_codes::parse_error);
}

TEST(JsonRpcParse, EmptyIsParseError) {
  auto e = expect_error("   ", error_codes::parse_error);
  EXPECT_NE(e.error.message.find("empty"), std::string::npos);
}

TEST(JsonRpcParse, WrongJsonrpcVersionIsInvalidRequestWithId) {
  auto e = expect_error(R"({"jsonrpc":"1.0","id":9,"method":"ping"})", error_codes::invalid_request);
  ASSERT_TRUE(e.id);
  EXPECT_EQ(e.id->as_integer(), 9);
  expect_error(R"({"id":9,"method":"ping"})", error_codes::invalid_request);
}

TEST(JsonRpcParse, BadIdTypesAreInvalidRequest) {
  for (auto text : {R"({"jsonrpc":"2.0","id":null,"method":"ping"})", R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})",
                    R"({"jsonrpc":"2.0","id":true,"method":"ping"})", R"({"jsonrpc":"2.0","id":{},"method":"ping"})",
                    R"({"jsonrpc":"2.0","id":[1],"method":"ping"})"}) {
    auto e = expect_error(text, error_codes::invalid_request);
    EXPECT_FALSE(e.id) << text;
  }
}

TEST(JsonRpcParse, ParamsNotAnObject) {
  auto e = expect_error(R"({"jsonrpc":"2.0","id":1,"method":"x","params":"str"})", error_codes::invalid_request);
  EXPECT_EQ(e.id->as_integer(), 1);
  expect_error(R"({"jsonrpc":"2.0","id":1,"method":"x","params":[1,2]})", error_codes::invalid_params);
  expect_error(R"({"jsonrpc":"2.0","id":1,"method":"x","params":7})", error_codes::invalid_request);
}

TEST(JsonRpcParse, MethodNotAStringIsInvalidRequest) {
  expect_error(R"({"jsonrpc":"2.0","id":1,"method":42})", error_codes::invalid_request);
}

TEST(JsonRpcParse, NonObjectMessagesAreInvalidRequest) {
  expect_error("42", error_codes::invalid_request);
  expect_error("\"ping\"", error_codes::invalid_request);
  expect_error("null", error_codes::invalid_request);
}

TEST(JsonRpcParse, ResponseNeedsExactlyOneOfResultAndError) {
  expect_error(R"({"jsonrpc":"2.0","id":1})", error_codes::invalid_request);
  expect_error(R"({"jsonrpc":"2.0","id":1,"result":1,"error":{"code":1,"message":"m"}})", error_codes::invalid_request);
  expect_error(R"({"jsonrpc":"2.0","id":1,"error":{"code":"x","message":"m"}})", error_codes::invalid_request);
}

TEST(JsonRpcParse, ArrayIsReturnedAsBatch) {
  auto r = parse(R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"n"}])");
  auto* b = std::get_if<batch>(&r);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->elements.size(), 2u);
}

TEST(JsonRpcParse, BatchElementsLeaveTheParseArena) {
  // Elements may be handled on several threads at once: they must not share the (single-threaded)
  // arena the text was parsed into.
  auto r = parse(R"([{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a"}}])");
  auto* b = std::get_if<batch>(&r);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->elements.at(0).storage().get(), json::storage_ptr().get());
  EXPECT_EQ(b->elements.at(0).at("params").storage().get(), json::storage_ptr().get());
}

TEST(JsonRpcParse, RequestParamsOutliveTheParseAndCopyIntoDefaultStorage) {
  json::object params;
  {
    auto req = expect_message<request>(R"({"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"echo","arguments":{"message":"hello"}}})");
    EXPECT_EQ(req.params.at("arguments").at("message").as_string(), "hello");
    params = req.params;  // assignment copies into the target's storage
  }
  EXPECT_EQ(params.storage().get(), json::storage_ptr().get());
  EXPECT_EQ(params.at("name").as_string(), "echo");
}

TEST(JsonRpcParse, MessagesLargerThanTheArenasFirstBlockKeepEveryValue) {
  // Far past the arena's inline block: the tree grows into heap blocks of every size, with
  // strings, numbers (8-byte aligned) and nested containers interleaved.
  json::object args;
  for (int i = 0; i < 300; ++i) {
    args["key" + std::to_string(i)] = json::array{i, std::string(static_cast<std::size_t>(i % 37), 'a' + static_cast<char>(i % 26)),
                                                  json::object{{"d", i * 0.5}, {"big", std::int64_t{1} << 40}}};
  }
  const json::object params{{"name", "echo"}, {"arguments", args}};
  const std::string text = json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", 7}, {"method", "tools/call"}, {"params", params}});
  auto req = expect_message<request>(text);
  EXPECT_EQ(req.params, params);
  EXPECT_EQ(req.params.at("arguments").at("key299").at(1).as_string(), std::string(299 % 37, 'a' + 299 % 26));
  EXPECT_EQ(req.params.at("arguments").at("key5").at(2).at("big").as_int64(), std::int64_t{1} << 40);
}

TEST(JsonRpcSerialize, ResponseTextIsThatOfItsJsonForm) {
  json::value big = json::parse(R"({"content":[{"type":"text","text":")" + std::string(5000, 'x') +
                                R"("}],"n":1.5,"q":"a\"b\u0001"})");
  for (const message& m : {message(response{7, json::object{}}), message(response{"id \"quoted\"\n", big}),
                           message(response{-3, json::value(nullptr)}), message(response{"", json::array{1, 2}})}) {
    EXPECT_EQ(serialize(m), json::serialize(to_json(m)));
  }
}

TEST(JsonRpcParse, HugeMessageIsRejectedBeforeParsing) {
  parse_limits limits;
  limits.max_message_bytes = 1024;
  std::string big = R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":")" + std::string(2000, 'x') + "\"}}";
  auto r = parse(big, limits);
  auto* e = std::get_if<error_response>(&r);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->error.code, error_codes::invalid_request);
  EXPECT_NE(e->error.message.find("exceeds"), std::string::npos);
}

TEST(JsonRpcParse, DeeplyNestedIsParseErrorNotCrash) {
  std::string deep = R"({"jsonrpc":"2.0","id":1,"method":"x","params":{"a":)";
  for (int i = 0; i < 100000; ++i) deep += '[';
  auto e = expect_error(deep, error_codes::parse_error);
  EXPECT_NE(e.error.message.find("nesting"), std::string::npos);
}

TEST(JsonRpcParse, InvalidUtf8IsParseError) {
  std::string bad = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xC3\x28\"}";
  expect_error(bad, error_codes::parse_error);
}

TEST(JsonRpcSerialize, RoundTripsEveryKind) {
  std::vector<message> messages{
      request{request_id(5), "tools/list", json::object{{"cursor", "c"}}},
      notification{"notifications/progress", json::object{{"progress", 1}}},
      response{request_id("r"), json::object{{"ok", true}}},
      make_error(std::nullopt, error_codes::parse_error, "Parse error"),
      make_error(request_id(2), error_codes::resource_not_found, "nope", json::object{{"uri", "u"}}),
  };
  for (const auto& m : messages) {
    auto text = serialize(m);
    auto r = parse(text);
    auto* back = std::get_if<message>(&r);
    ASSERT_NE(back, nullptr) << text;
    EXPECT_EQ(serialize(*back), text);
  }
}

TEST(JsonRpcSerialize, NullIdForUnidentifiedErrors) {
  EXPECT_EQ(serialize(make_error(std::nullopt, -32700, "Parse error")),
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})");
}

TEST(RequestId, LargeUnsignedIsNotAnId) {
  EXPECT_FALSE(request_id::from_json(json::value(std::uint64_t{1} << 63)));
  EXPECT_TRUE(request_id::from_json(json::value(std::uint64_t{12})));
}

}  // namespace
}  // namespace lumen::jsonrpc
