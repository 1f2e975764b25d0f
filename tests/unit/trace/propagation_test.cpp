// W3C Trace Context and Baggage: every valid and invalid case, table-driven.
#include <lumen/trace/propagation.hpp>

#include <gtest/gtest.h>

namespace lumen::trace {
namespace {

struct traceparent_case {
  const char* name;
  std::string value;
  bool valid;
};

class Traceparent : public ::testing::TestWithParam<traceparent_case> {};

TEST_P(Traceparent, ParsesOnlyValidValues) {
  const auto& c = GetParam();
  EXPECT_EQ(parse_traceparent(c.value).has_value(), c.valid) << c.value;
}

const std::string tid = "4bf92f3577b34da6a3ce929d0e0e4736";
const std::string sid = "00f067aa0ba902b7";

INSTANTIATE_TEST_SUITE_P(
    W3C, Traceparent,
    ::testing::Values(
        traceparent_case{"Valid", "00-" + tid + "-" + sid + "-01", true},
        traceparent_case{"ValidNotSampled", "00-" + tid + "-" + sid + "-00", true},
        traceparent_case{"FutureVersionWithMoreFields", "01-" + tid + "-" + sid + "-01-what-the-future", true},
        traceparent_case{"FutureVersionExactLength", "cc-" + tid + "-" + sid + "-01", true},
        traceparent_case{"FutureVersionExtraWithoutDash", "01-" + tid + "-" + sid + "-01x", false},
        traceparent_case{"Version00WithTrailingData", "00-" + tid + "-" + sid + "-01-", false},
        traceparent_case{"VersionFF", "ff-" + tid + "-" + sid + "-01", false},
        traceparent_case{"UppercaseTraceId", "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + sid + "-01", false},
        traceparent_case{"UppercaseVersion", "0A-" + tid + "-" + sid + "-01", false},
        traceparent_case{"ZeroTraceId", "00-00000000000000000000000000000000-" + sid + "-01", false},
        traceparent_case{"ZeroSpanId", "00-" + tid + "-0000000000000000-01", false},
        traceparent_case{"ShortTraceId", "00-" + tid.substr(1) + "-" + sid + "-01", false},
        traceparent_case{"ShortSpanId", "00-" + tid + "-" + sid.substr(1) + "-01", false},
        traceparent_case{"NonHex", "00-" + tid + "-" + sid + "-0g", false},
        traceparent_case{"WrongSeparator", "00_" + tid + "-" + sid + "-01", false},
        traceparent_case{"Empty", "", false},
        traceparent_case{"Whitespace", " 00-" + tid + "-" + sid + "-01", false}),
    [](const auto& test_info) { return test_info.param.name; });

TEST(Traceparent, FieldsAndFlags) {
  auto ctx = parse_traceparent("00-" + tid + "-" + sid + "-03");
  ASSERT_TRUE(ctx);
  EXPECT_EQ(ctx->trace_id().to_hex(), tid);
  EXPECT_EQ(ctx->span_id().to_hex(), sid);
  EXPECT_TRUE(ctx->is_sampled());
  EXPECT_TRUE(ctx->is_random());
  EXPECT_TRUE(ctx->is_remote());
  EXPECT_EQ(format_traceparent(*ctx), "00-" + tid + "-" + sid + "-03");
}

TEST(Traceparent, UnknownFlagBitsAreNotPropagated) {
  auto ctx = parse_traceparent("00-" + tid + "-" + sid + "-ff");
  ASSERT_TRUE(ctx);
  EXPECT_EQ(format_traceparent(*ctx), "00-" + tid + "-" + sid + "-03");
}

TEST(Traceparent, FutureVersionIsFormattedAsVersion00) {
  auto ctx = parse_traceparent("01-" + tid + "-" + sid + "-01-extra");
  ASSERT_TRUE(ctx);
  EXPECT_EQ(format_traceparent(*ctx).substr(0, 3), "00-");
}

struct tracestate_case {
  const char* name;
  std::string value;
  bool valid;
  std::size_t members;
};

class Tracestate : public ::testing::TestWithParam<tracestate_case> {};

TEST_P(Tracestate, Level2Grammar) {
  const auto& c = GetParam();
  auto ts = trace_state::parse(c.value);
  EXPECT_EQ(ts.has_value(), c.valid) << c.value;
  if (ts && c.valid) {
    EXPECT_EQ(ts->size(), c.members);
  }
}

std::string many_members(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += (i ? "," : "") + std::string("k") + std::to_string(i) + "=v";
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    W3C, Tracestate,
    ::testing::Values(tracestate_case{"Simple", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", true, 2},
                      tracestate_case{"EmptyMembersAndWhitespace", " a=1 ,, \tb=2 ,", true, 2},
                      tracestate_case{"MultiTenantKey", "foo@bar=1", true, 1},
                      tracestate_case{"AtSignsLevel2", "foo@bar@baz=1", true, 1},
                      tracestate_case{"TrailingAtSign", "foo@=1", true, 1},
                      tracestate_case{"KeyStartsWithDigit", "1abc=x", true, 1},
                      tracestate_case{"ValueWithLeadingSpace", "a= x", true, 1},
                      tracestate_case{"UppercaseKey", "FOO=1", false, 0},
                      tracestate_case{"DotInKey", "foo.bar=1", false, 0},
                      tracestate_case{"SpaceInKey", "foo =1", false, 0},
                      tracestate_case{"AtStart", "@foo=1", false, 0},
                      tracestate_case{"NoEquals", "foo", false, 0},
                      tracestate_case{"EmptyValue", "foo=", false, 0},
                      tracestate_case{"ValueEndsInSpace", "foo=bar ", true, 1},
                      tracestate_case{"ValueWithComma", "foo=a=b", false, 0},
                      tracestate_case{"DuplicateKeys", "a=1,a=2", false, 0},
                      tracestate_case{"ThirtyTwoMembers", many_members(32), true, 32},
                      tracestate_case{"ThirtyThreeMembers", many_members(33), false, 0},
                      tracestate_case{"KeyTooLong", std::string(257, 'a') + "=1", false, 0}),
    [](const auto& test_info) { return test_info.param.name; });

TEST(Tracestate, VendorUpdateMovesEntryToFront) {
  auto ts = trace_state::parse("a=1,b=2,c=3");
  ASSERT_TRUE(ts);
  auto updated = ts->with("b", "9");
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->to_header(), "b=9,a=1,c=3");
  EXPECT_FALSE(ts->with("B", "1"));
}

TEST(Tracestate, TruncationDropsLongEntriesFirstThenFromTheEnd) {
  std::string long_value(200, 'x');
  auto ts = trace_state::parse("a=1,long=" + long_value + ",b=2,c=3");
  ASSERT_TRUE(ts);
  EXPECT_EQ(ts->to_header(11), "a=1,b=2,c=3");
  EXPECT_EQ(ts->to_header(8), "a=1,b=2");
}

TEST(TraceContextPropagator, SeveralTraceparentHeadersAreIgnored) {
  std::vector<std::pair<std::string, std::string>> headers{{"traceparent", "00-" + tid + "-" + sid + "-01"},
                                                           {"TraceParent", "00-" + tid + "-" + sid + "-01"}};
  header_carrier carrier(headers);
  EXPECT_FALSE(extract(carrier).span.is_valid());
}

TEST(TraceContextPropagator, HeadersAreCaseInsensitiveAndTracestateJoined) {
  std::vector<std::pair<std::string, std::string>> headers{
      {"TRACEPARENT", "00-" + tid + "-" + sid + "-01"}, {"tracestate", "a=1"}, {"Tracestate", "b=2"}};
  header_carrier carrier(headers);
  auto ctx = extract(carrier);
  ASSERT_TRUE(ctx.span.is_valid());
  EXPECT_EQ(ctx.span.trace_state().to_header(), "a=1,b=2");
}

TEST(TraceContextPropagator, InvalidTracestateIsDroppedWholeButTraceparentKept) {
  json::object meta{{"traceparent", "00-" + tid + "-" + sid + "-01"}, {"tracestate", "a=1,a=2"}};
  json_carrier carrier(meta);
  auto ctx = extract(carrier);
  ASSERT_TRUE(ctx.span.is_valid());
  EXPECT_TRUE(ctx.span.trace_state().empty());
}

TEST(TraceContextPropagator, TracestateWithoutTraceparentIsIgnored) {
  json::object meta{{"tracestate", "a=1"}};
  json_carrier carrier(meta);
  EXPECT_FALSE(extract(carrier).span.is_valid());
}

TEST(TraceContextPropagator, InjectKeepsOtherMetaMembers) {
  json::object meta{{"progressToken", 7}};
  json_carrier carrier(meta);
  auto ctx = *parse_traceparent("00-" + tid + "-" + sid + "-01", "v=1");
  baggage bag;
  bag.set("user", "alice");
  inject(ctx, bag, carrier);
  EXPECT_EQ(meta.at("progressToken").as_int64(), 7);
  EXPECT_EQ(meta.at("traceparent").as_string(), "00-" + tid + "-" + sid + "-01");
  EXPECT_EQ(meta.at("tracestate").as_string(), "v=1");
  EXPECT_EQ(meta.at("baggage").as_string(), "user=alice");
}

TEST(EnvironmentCarrier, ReadsUpperCaseVariables) {
  ::setenv("TRACEPARENT", ("00-" + tid + "-" + sid + "-01").c_str(), 1);
  ::setenv("TRACESTATE", "env=1", 1);
  environment_carrier env;
  auto ctx = extract(env);
  ::unsetenv("TRACEPARENT");
  ::unsetenv("TRACESTATE");
  ASSERT_TRUE(ctx.span.is_valid());
  EXPECT_EQ(ctx.span.trace_state().to_header(), "env=1");
}

TEST(Baggage, ParsesPercentEncodingAndProperties) {
  auto b = baggage::parse("userId=alice, serverNode=DF%2028 ,isProduction=false;prop=1");
  EXPECT_EQ(b.get("userId").value_or(""), "alice");
  EXPECT_EQ(b.get("serverNode").value_or(""), "DF 28");
  EXPECT_EQ(b.entries().back().metadata, "prop=1");
  EXPECT_EQ(b.to_header(), "userId=alice,serverNode=DF%2028,isProduction=false;prop=1");
}

TEST(Baggage, SkipsMalformedMembers) {
  auto b = baggage::parse("good=1,noequals,bad key=2,=x,bad=%zz,ok=2");
  ASSERT_EQ(b.entries().size(), 2u);
  EXPECT_EQ(b.get("ok").value_or(""), "2");
}

TEST(Baggage, EnforcesMemberAndSizeLimits) {
  std::string many;
  for (int i = 0; i < 100; ++i) many += (i ? "," : "") + std::string("k") + std::to_string(i) + "=v";
  EXPECT_EQ(baggage::parse(many).entries().size(), 64u);
  std::string big = "a=" + std::string(5000, 'x') + ",b=" + std::string(5000, 'y');
  EXPECT_EQ(baggage::parse(big).entries().size(), 1u);
}

}  // namespace
}  // namespace lumen::trace
