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
        traceparent_case{"UppercaseSpanId", "00-" + tid + "-00F067AA0BA902B7-01", false},
        traceparent_case{"UppercaseFlags", "00-" + tid + "-" + sid + "-0A", false},
        traceparent_case{"LowercaseFlagsWithUnknownBits", "00-" + tid + "-" + sid + "-0a", true},
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
                      tracestate_case{"KeyTooLong", std::string(257, 'a') + "=1", false, 0},
                      tracestate_case{"KeyOf256Characters", std::string(256, 'a') + "=1", true, 1},
                      tracestate_case{"KeyOf256CharactersWithTenant", std::string(250, 'a') + "@vend=1", true, 1},
                      tracestate_case{"ValueOf256Characters", "a=" + std::string(256, 'v'), true, 1},
                      tracestate_case{"ValueOf257Characters", "a=" + std::string(257, 'v'), false, 0},
                      tracestate_case{"ValueWithInnerSpace", "a=x y", true, 1},
                      tracestate_case{"ValueWithTab", "a=x\ty", false, 0},
                      tracestate_case{"ValueWithNewline", "a=x\ny", false, 0},
                      tracestate_case{"ValueWithNul", std::string("a=x\0y", 5), false, 0},
                      tracestate_case{"ValueWithDel", "a=x\x7fy", false, 0},
                      tracestate_case{"ValueWithNonAscii", "a=caf\xc3\xa9", false, 0},
                      tracestate_case{"KeyWithNonAscii", "caf\xc3\xa9=1", false, 0},
                      tracestate_case{"ValueWithPrintablePunctuation", "a=!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~", true, 1},
                      tracestate_case{"EmptyKey", "=1", false, 0}),
    [](const auto& test_info) { return test_info.param.name; });

TEST(Tracestate, VendorUpdateMovesEntryToFront) {
  auto ts = trace_state::parse("a=1,b=2,c=3");
  ASSERT_TRUE(ts);
  auto updated = ts->with("b", "9");
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->to_header(), "b=9,a=1,c=3");
  EXPECT_FALSE(ts->with("B", "1"));
}

TEST(Tracestate, CopiesShareTheListAndAnUpdateLeavesTheOriginal) {
  auto ts = trace_state::parse("a=1,b=2");
  ASSERT_TRUE(ts);
  const trace_state copy = *ts;
  EXPECT_EQ(copy.entries().data(), ts->entries().data()) << "a copy shares the list";
  EXPECT_EQ(copy, *ts);
  auto updated = copy.with("a", "7");
  ASSERT_TRUE(updated);
  EXPECT_EQ(copy.to_header(), "a=1,b=2");
  EXPECT_EQ(ts->to_header(), "a=1,b=2");
  EXPECT_NE(*updated, *ts);
  EXPECT_EQ(*updated, *trace_state::parse("a=7,b=2")) << "equal lists compare equal, shared or not";
  // No entries at all: the same as no tracestate.
  EXPECT_EQ(*trace_state::parse(""), trace_state{});
  EXPECT_TRUE(trace_state::parse(" , ")->empty());
  EXPECT_EQ(trace_state{}.to_header(), "");
  EXPECT_EQ(trace_state{}.get("a"), std::nullopt);
}

TEST(Tracestate, TruncationDropsLongEntriesFirstThenFromTheEnd) {
  std::string long_value(200, 'x');
  auto ts = trace_state::parse("a=1,long=" + long_value + ",b=2,c=3");
  ASSERT_TRUE(ts);
  EXPECT_EQ(ts->to_header(11), "a=1,b=2,c=3");
  EXPECT_EQ(ts->to_header(8), "a=1,b=2");
}

std::string entry(char key, std::size_t value_length) { return std::string(1, key) + "=" + std::string(value_length, 'v'); }

TEST(TraceContextPropagator, InjectTruncatesTracestateTo512CharactersByWholeEntriesLongOnesFirst) {
  // Five 103-character entries (519 characters with commas) and one of 150 characters.
  std::vector<std::string> entries{entry('a', 101), entry('l', 148), entry('b', 101), entry('c', 101), entry('d', 101),
                                   entry('e', 101)};
  std::string header;
  for (const auto& e : entries) header += (header.empty() ? "" : ",") + e;
  auto ctx = parse_traceparent("00-" + tid + "-" + sid + "-01", header);
  ASSERT_TRUE(ctx);
  ASSERT_EQ(ctx->trace_state().size(), 6u);
  std::vector<std::pair<std::string, std::string>> headers;
  header_carrier carrier(headers);
  inject(*ctx, {}, carrier);
  auto injected = carrier.get("tracestate").value_or("");
  EXPECT_LE(injected.size(), 512u);
  // The long entry goes first, then entries from the end until the rest fits.
  EXPECT_EQ(injected, entries[0] + "," + entries[2] + "," + entries[3] + "," + entries[4]);
}

TEST(TraceContextPropagator, InjectKeepsATracestateOf512CharactersWhole) {
  // 512 characters exactly, with entries over 128 characters: nothing to drop.
  std::string header = entry('a', 250) + "," + entry('b', 250) + "," + entry('c', 4);
  ASSERT_EQ(header.size(), 512u);
  auto ctx = parse_traceparent("00-" + tid + "-" + sid + "-01", header);
  ASSERT_TRUE(ctx);
  std::vector<std::pair<std::string, std::string>> headers;
  header_carrier carrier(headers);
  inject(*ctx, {}, carrier);
  EXPECT_EQ(carrier.get("tracestate").value_or(""), header);
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

struct baggage_case {
  const char* name;
  std::string header;
  std::vector<baggage::entry> entries;  // key, decoded value, properties
  std::string formatted;                // to_header() of the result
};

class BaggageHeader : public ::testing::TestWithParam<baggage_case> {};

TEST_P(BaggageHeader, ParsesAndFormats) {
  const auto& c = GetParam();
  auto b = baggage::parse(c.header);
  ASSERT_EQ(b.entries().size(), c.entries.size()) << c.header;
  for (std::size_t i = 0; i < c.entries.size(); ++i) {
    EXPECT_EQ(b.entries()[i].key, c.entries[i].key);
    EXPECT_EQ(b.entries()[i].value, c.entries[i].value);
    EXPECT_EQ(b.entries()[i].metadata, c.entries[i].metadata);
  }
  EXPECT_EQ(b.to_header(), c.formatted);
}

std::string members(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += (i ? "," : "") + std::string("k") + std::to_string(i) + "=v";
  return s;
}

std::vector<baggage::entry> member_entries(int n) {
  std::vector<baggage::entry> out;
  for (int i = 0; i < n; ++i) out.push_back({"k" + std::to_string(i), "v", ""});
  return out;
}

// Two members of exactly `total` bytes with the comma: "a=xxx...,b=yyy...".
std::string two_members_of(std::size_t total) {
  std::size_t each = (total - 1) / 2;
  return "a=" + std::string(each - 2, 'x') + ",b=" + std::string(total - 1 - each - 2, 'y');
}

INSTANTIATE_TEST_SUITE_P(
    W3C, BaggageHeader,
    ::testing::Values(
        baggage_case{"Single", "k=v", {{"k", "v", ""}}, "k=v"},
        baggage_case{"OptionalWhitespace", " k = v ,\tl=w\t", {{"k", "v", ""}, {"l", "w", ""}}, "k=v,l=w"},
        baggage_case{"EmptyMembersSkipped", "k=v,,l=w,", {{"k", "v", ""}, {"l", "w", ""}}, "k=v,l=w"},
        baggage_case{"EmptyValue", "k=", {{"k", "", ""}}, "k="},
        baggage_case{"PercentEncodedSpaceCommaSemicolon", "k=a%20b%2Cc%3Bd", {{"k", "a b,c;d", ""}}, "k=a%20b%2Cc%3Bd"},
        baggage_case{"PercentEncodedUtf8", "k=caf%C3%A9", {{"k", "caf\xc3\xa9", ""}}, "k=caf%C3%A9"},
        baggage_case{"LowerCaseHexDecodes", "k=%c3%a9", {{"k", "\xc3\xa9", ""}}, "k=%C3%A9"},
        baggage_case{"PercentItselfIsEncoded", "k=100%25", {{"k", "100%", ""}}, "k=100%25"},
        baggage_case{"EqualsInValue", "k=a=b", {{"k", "a=b", ""}}, "k=a=b"},
        baggage_case{"OneProperty", "k=v;p", {{"k", "v", "p"}}, "k=v;p"},
        baggage_case{"PropertiesWithValues", "k=v;p1=x;p2", {{"k", "v", "p1=x;p2"}}, "k=v;p1=x;p2"},
        baggage_case{"PropertiesWithWhitespace", "k=v ; p1=x", {{"k", "v", "p1=x"}}, "k=v;p1=x"},
        baggage_case{"InvalidPercentSkipped", "a=%zz,b=%4,c=1", {{"c", "1", ""}}, "c=1"},
        baggage_case{"RawSpaceInValueSkipped", "a=x y,c=1", {{"c", "1", ""}}, "c=1"},
        baggage_case{"QuoteOrBackslashInValueSkipped", "a=x\"y,b=x\\y,c=1", {{"c", "1", ""}}, "c=1"},
        baggage_case{"KeyNotATokenSkipped", "a b=1,(k)=2,=3,c=1", {{"c", "1", ""}}, "c=1"},
        baggage_case{"NoEqualsSkipped", "novalue,c=1", {{"c", "1", ""}}, "c=1"},
        baggage_case{"DuplicateKeyLastWins", "k=1,k=2", {{"k", "2", ""}}, "k=2"},
        baggage_case{"SixtyFourMembers", members(64), member_entries(64), members(64)},
        baggage_case{"SixtyFiveMembersKeepSixtyFour", members(65), member_entries(64), members(64)},
        baggage_case{"Exactly8192Bytes", two_members_of(8192),
                     {{"a", std::string(4093, 'x'), ""}, {"b", std::string(4094, 'y'), ""}}, two_members_of(8192)},
        baggage_case{"Over8192BytesDropsAMember", two_members_of(8194),
                     {{"a", std::string(4094, 'x'), ""}}, "a=" + std::string(4094, 'x')},
        baggage_case{"AnOversizedMemberDoesNotHideLaterOnes", "big=" + std::string(9000, 'x') + ",small=1",
                     {{"small", "1", ""}}, "small=1"}),
    [](const auto& test_info) { return test_info.param.name; });

TEST(Baggage, FormattingEncodesValuesAndKeepsTheLimits) {
  baggage b;
  EXPECT_TRUE(b.set("k", "a b,c;d\"e\\f%\xc3\xa9"));
  EXPECT_FALSE(b.set("bad key", "x"));
  EXPECT_EQ(b.to_header(), "k=a%20b%2Cc%3Bd%22e%5Cf%25%C3%A9");
  EXPECT_EQ(baggage::parse(b.to_header()).get("k").value_or(""), "a b,c;d\"e\\f%\xc3\xa9") << "round trip";
  baggage many;
  for (int i = 0; i < 70; ++i) many.set("k" + std::to_string(i), "v");
  EXPECT_EQ(baggage::parse(many.to_header()).entries().size(), 64u);
  baggage big;
  big.set("a", std::string(5000, 'x'));
  big.set("b", std::string(5000, 'y'));
  EXPECT_EQ(big.to_header(), "a=" + std::string(5000, 'x'));
}

TEST(BaggagePropagator, ExtractsTheBaggageHeaderCaseInsensitivelyAndJoined) {
  std::vector<std::pair<std::string, std::string>> headers{{"Baggage", "user=alice%20b;p=1"}, {"BAGGAGE", "team=core"}};
  header_carrier carrier(headers);
  auto ctx = extract(carrier);
  EXPECT_FALSE(ctx.span.is_valid()) << "baggage without traceparent is still baggage";
  ASSERT_EQ(ctx.baggage.entries().size(), 2u);
  EXPECT_EQ(ctx.baggage.get("user").value_or(""), "alice b");
  EXPECT_EQ(ctx.baggage.entries()[0].metadata, "p=1");
  EXPECT_EQ(ctx.baggage.get("team").value_or(""), "core");
}

TEST(BaggagePropagator, ExtractsFromTheBaggageEnvironmentVariable) {
  ::setenv("BAGGAGE", "user=alice%20b,isProduction=false", 1);
  environment_carrier env;
  auto ctx = extract(env);
  ::unsetenv("BAGGAGE");
  EXPECT_EQ(ctx.baggage.get("user").value_or(""), "alice b");
  EXPECT_EQ(ctx.baggage.get("isProduction").value_or(""), "false");
  environment_carrier out;
  baggage bag;
  bag.set("k", "v w");
  inject(span_context{}, bag, out);
  ASSERT_EQ(out.assignments.size(), 1u);
  EXPECT_EQ(out.assignments[0], (std::pair<std::string, std::string>{"BAGGAGE", "k=v%20w"}));
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
