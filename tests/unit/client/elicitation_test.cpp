// Elicitation helpers: schema defaults fill what the user left out (SEP-1034).
#include <lumen/client/elicitation.hpp>
#include <lumen/client/errors.hpp>

#include <gtest/gtest.h>

namespace lumen::client {
namespace {

TEST(ElicitationDefaults, FillsOnlyMissingPropertiesThatHaveDefaults) {
  auto schema = json::parse(R"({"type":"object","properties":{
      "name":{"type":"string","default":"John Doe"},
      "age":{"type":"integer","default":30},
      "verified":{"type":"boolean","default":true},
      "note":{"type":"string"}}})").as_object();
  auto content = apply_elicitation_defaults(schema, {{"name", "Ada"}});
  EXPECT_EQ(content.at("name").as_string(), "Ada");
  EXPECT_EQ(content.at("age").as_int64(), 30);
  EXPECT_EQ(content.at("verified").as_bool(), true);
  EXPECT_FALSE(content.contains("note"));
}

TEST(ElicitationDefaults, AcceptWrapsContent) {
  auto r = elicitation_accept({{"x", 1}});
  EXPECT_EQ(r.at("action").as_string(), "accept");
  EXPECT_EQ(r.at("content").at("x").as_int64(), 1);
  EXPECT_EQ(elicitation_decline().at("action").as_string(), "decline");
}

TEST(ClientError, CarriesTheRpcCodeAndData) {
  auto e = client_error::from_rpc({-32002, "Resource not found", json::object{{"uri", "x"}}});
  EXPECT_EQ(e.kind(), error_kind::rpc_error);
  EXPECT_EQ(e.code(), -32002);
  EXPECT_EQ(e.data()->at("uri").as_string(), "x");
  EXPECT_EQ(to_string(error_kind::timeout), "timeout");
}

}  // namespace
}  // namespace lumen::client
