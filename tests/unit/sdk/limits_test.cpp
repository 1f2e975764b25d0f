// Span limits: value-length truncation (strings and each string of a string array, by
// character), count limits, and every OTEL_* limit variable read from the environment.
#include <lumen/sdk/tracer_provider.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace lumen::sdk {
namespace {
using namespace lumen::trace;

// Sets variables for one test and removes them after.
class env_vars {
 public:
  env_vars(std::initializer_list<std::pair<const char*, const char*>> vars) {
    for (auto [name, value] : vars) {
      ::setenv(name, value, 1);
      names_.push_back(name);
    }
  }
  ~env_vars() {
    for (const char* n : names_) ::unsetenv(n);
  }
  env_vars(const env_vars&) = delete;
  env_vars& operator=(const env_vars&) = delete;

 private:
  std::vector<const char*> names_;
};

struct recorder {
  std::shared_ptr<in_memory_exporter> exporter = std::make_shared<in_memory_exporter>();
  std::shared_ptr<tracer_provider> provider;
  std::shared_ptr<tracer> t;
  explicit recorder(span_limits limits) {
    provider = tracer_provider::create({.limits = limits, .processors = {std::make_shared<simple_span_processor>(exporter)}});
    t = provider->get_tracer("limits");
  }
  span_data only() const {
    auto spans = exporter->finished_spans();
    EXPECT_EQ(spans.size(), 1u);
    return spans.empty() ? span_data{} : spans[0];
  }
};

const std::string& str(const attribute_list& list, std::string_view key) {
  return std::get<std::string>(*find_attribute(list, key));
}

link_data a_link(attribute_list attributes = {}) {
  return {*parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), std::move(attributes), 0};
}

TEST(ValueLengthLimit, TruncatesStringsAndEachStringOfAStringArray) {
  span_limits limits;
  limits.attribute_value_length = 3;
  recorder r(limits);
  auto s = r.t->start_span("x", {.links = {a_link({{"link.attr", std::string("linkvalue")}})},
                                 .attributes = {{"at.start", std::string("starting")}}});
  s.set_attribute("s", std::string("abcdef"));
  s.set_attribute("exact", std::string("abc"));
  s.set_attribute("short", std::string("ab"));
  s.set_attribute("array", std::vector<std::string>{"abcdef", "xy", "0123"});
  s.set_attribute("int", std::int64_t{123456});
  s.set_attribute("bool", true);
  s.set_attribute("double", 1.23456);
  s.add_event("e", {{"event.attr", std::string("eventvalue")}});
  s.end();
  auto d = r.only();
  EXPECT_EQ(str(d.attributes, "s"), "abc");
  EXPECT_EQ(str(d.attributes, "exact"), "abc");
  EXPECT_EQ(str(d.attributes, "short"), "ab");
  EXPECT_EQ(str(d.attributes, "at.start"), "sta");
  EXPECT_EQ(std::get<std::vector<std::string>>(*find_attribute(d.attributes, "array")),
            (std::vector<std::string>{"abc", "xy", "012"}));
  EXPECT_EQ(std::get<std::int64_t>(*find_attribute(d.attributes, "int")), 123456);
  EXPECT_EQ(std::get<bool>(*find_attribute(d.attributes, "bool")), true);
  EXPECT_EQ(std::get<double>(*find_attribute(d.attributes, "double")), 1.23456);
  EXPECT_EQ(str(d.events.at(0).attributes, "event.attr"), "eve");
  EXPECT_EQ(str(d.links.at(0).attributes, "link.attr"), "lin");
  EXPECT_EQ(d.dropped_attributes, 0u) << "truncating is not dropping";
}

TEST(ValueLengthLimit, CountsCharactersAndNeverSplitsAUtf8Sequence) {
  span_limits limits;
  limits.attribute_value_length = 2;
  recorder r(limits);
  auto s = r.t->start_span("x");
  s.set_attribute("accented", std::string("h\xc3\xa9llo"));     // hé + llo
  s.set_attribute("emoji", std::string("\xf0\x9f\x99\x82\xf0\x9f\x99\x83!"));  // two 4-byte characters
  s.end();
  auto d = r.only();
  EXPECT_EQ(str(d.attributes, "accented"), "h\xc3\xa9");
  EXPECT_EQ(str(d.attributes, "emoji"), "\xf0\x9f\x99\x82\xf0\x9f\x99\x83");
}

TEST(ValueLengthLimit, ReplacingAValueTruncatesTheNewValue) {
  span_limits limits;
  limits.attribute_value_length = 4;
  recorder r(limits);
  auto s = r.t->start_span("x");
  s.set_attribute("k", std::string("ab"));
  s.set_attribute("k", std::string("abcdefgh"));
  s.end();
  EXPECT_EQ(str(r.only().attributes, "k"), "abcd");
}

TEST(ValueLengthLimit, ZeroTruncatesStringsToEmpty) {
  span_limits limits;
  limits.attribute_value_length = 0;
  recorder r(limits);
  auto s = r.t->start_span("x");
  s.set_attribute("k", std::string("abc"));
  s.end();
  EXPECT_EQ(str(r.only().attributes, "k"), "");
}

TEST(SpanLimitsFromEnvironment, DefaultsWhenUnset) {
  auto l = span_limits::from_environment();
  EXPECT_EQ(l.attribute_count, 128u);
  EXPECT_EQ(l.event_count, 128u);
  EXPECT_EQ(l.link_count, 128u);
  EXPECT_EQ(l.event_attribute_count, 128u);
  EXPECT_EQ(l.link_attribute_count, 128u);
  EXPECT_EQ(l.attribute_value_length, SIZE_MAX);
}

TEST(SpanLimitsFromEnvironment, ReadsEachCountLimit) {
  env_vars vars{{"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "3"},
                {"OTEL_SPAN_EVENT_COUNT_LIMIT", "2"},
                {"OTEL_SPAN_LINK_COUNT_LIMIT", "1"},
                {"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "4"},
                {"OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "5"}};
  auto l = span_limits::from_environment();
  EXPECT_EQ(l.attribute_count, 3u);
  EXPECT_EQ(l.event_count, 2u);
  EXPECT_EQ(l.link_count, 1u);
  EXPECT_EQ(l.event_attribute_count, 4u);
  EXPECT_EQ(l.link_attribute_count, 5u);
}

TEST(SpanLimitsFromEnvironment, CountLimitsFromTheEnvironmentDropAndCount) {
  env_vars vars{{"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "2"}, {"OTEL_SPAN_EVENT_COUNT_LIMIT", "1"}, {"OTEL_SPAN_LINK_COUNT_LIMIT", "1"}};
  recorder r(span_limits::from_environment());
  auto s = r.t->start_span("x", {.links = {a_link(), a_link(), a_link()}});
  for (const char* k : {"a", "b", "c", "d"}) s.set_attribute(k, std::int64_t{1});
  s.add_event("e1");
  s.add_event("e2");
  s.end();
  auto d = r.only();
  EXPECT_EQ(d.attributes.size(), 2u);
  EXPECT_EQ(d.dropped_attributes, 2u);
  EXPECT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.dropped_events, 1u);
  EXPECT_EQ(d.links.size(), 1u);
  EXPECT_EQ(d.dropped_links, 2u);
}

TEST(SpanLimitsFromEnvironment, GeneralAttributeCountLimitAppliesWhereNoSpecificOneIsSet) {
  env_vars vars{{"OTEL_ATTRIBUTE_COUNT_LIMIT", "7"}, {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "3"}};
  auto l = span_limits::from_environment();
  EXPECT_EQ(l.attribute_count, 3u);
  EXPECT_EQ(l.event_attribute_count, 7u);
  EXPECT_EQ(l.link_attribute_count, 7u);
  EXPECT_EQ(l.event_count, 128u) << "not an attribute count";
}

TEST(SpanLimitsFromEnvironment, GeneralValueLengthLimitTruncates) {
  env_vars vars{{"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "5"}};
  auto l = span_limits::from_environment();
  EXPECT_EQ(l.attribute_value_length, 5u);
  recorder r(l);
  auto s = r.t->start_span("x");
  s.set_attribute("k", std::string("0123456789"));
  s.set_attribute("a", std::vector<std::string>{"0123456789"});
  s.end();
  auto d = r.only();
  EXPECT_EQ(str(d.attributes, "k"), "01234");
  EXPECT_EQ(std::get<std::vector<std::string>>(*find_attribute(d.attributes, "a")).at(0), "01234");
}

TEST(SpanLimitsFromEnvironment, SpanValueLengthLimitIsReadAndWinsOverTheGeneralOne) {
  {
    env_vars vars{{"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "4"}};
    EXPECT_EQ(span_limits::from_environment().attribute_value_length, 4u);
  }
  env_vars vars{{"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "10"}, {"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "2"}};
  recorder r(span_limits::from_environment());
  auto s = r.t->start_span("x");
  s.set_attribute("k", std::string("abcdef"));
  s.end();
  EXPECT_EQ(str(r.only().attributes, "k"), "ab");
}

TEST(SpanLimitsFromEnvironment, EmptyValuesCountAsUnset) {
  env_vars vars{{"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", ""}, {"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", ""}};
  auto l = span_limits::from_environment();
  EXPECT_EQ(l.attribute_count, 128u);
  EXPECT_EQ(l.attribute_value_length, SIZE_MAX);
}

// Each variable is given an invalid value twice: the default is used and one warning is written.
struct invalid_case {
  const char* name;
  const char* variable;
  const char* value;
};

class SpanLimitsInvalidValue : public ::testing::TestWithParam<invalid_case> {};

TEST_P(SpanLimitsInvalidValue, WarnsOnceAndUsesTheDefault) {
  const auto& c = GetParam();
  env_vars vars{{c.variable, c.value}};
  ::testing::internal::CaptureStderr();
  auto first = span_limits::from_environment();
  auto second = span_limits::from_environment();
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(first.attribute_count, 128u);
  EXPECT_EQ(first.event_count, 128u);
  EXPECT_EQ(first.link_count, 128u);
  EXPECT_EQ(first.attribute_value_length, SIZE_MAX);
  EXPECT_EQ(second.attribute_value_length, first.attribute_value_length);
  std::size_t warnings = 0;
  for (auto at = err.find(c.variable); at != std::string::npos; at = err.find(c.variable, at + 1)) ++warnings;
  EXPECT_EQ(warnings, 1u) << err;
}

INSTANTIATE_TEST_SUITE_P(
    OTel, SpanLimitsInvalidValue,
    ::testing::Values(invalid_case{"AttributeCountNotANumber", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "many"},
                      invalid_case{"EventCountNegative", "OTEL_SPAN_EVENT_COUNT_LIMIT", "-1"},
                      invalid_case{"LinkCountTrailingJunk", "OTEL_SPAN_LINK_COUNT_LIMIT", "5x"},
                      invalid_case{"ValueLengthNotANumber", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "long"},
                      invalid_case{"SpanValueLengthNegative", "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "-3"}),
    [](const auto& test_info) { return test_info.param.name; });

}  // namespace
}  // namespace lumen::sdk
