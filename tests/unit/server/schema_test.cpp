// Typed-tool schema machinery: JSON Schema generation for every type mapping, strict argument
// binding with exact error paths, and to_json_value round trips.
#include <lumen/server/schema.hpp>

#include <boost/describe.hpp>
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace test_types {

namespace json = lumen::json;

enum class color { red, green, blue };
BOOST_DESCRIBE_ENUM(color, red, green, blue)

struct scalars {
  bool flag;
  std::int8_t i8;
  std::uint8_t u8;
  std::int16_t i16;
  std::uint16_t u16;
  std::int32_t i32;
  std::uint32_t u32;
  std::int64_t i64;
  std::uint64_t u64;
  float f;
  double d;
  std::string s;
  bool operator==(const scalars&) const = default;
};
BOOST_DESCRIBE_STRUCT(scalars, (), (flag, i8, u8, i16, u16, i32, u32, i64, u64, f, d, s))

struct item {
  std::string name;
  int count;
  std::optional<double> weight;
  bool operator==(const item&) const = default;
};
BOOST_DESCRIBE_STRUCT(item, (), (name, count, weight))

struct address {
  std::string city;
  std::optional<std::string> zip;
  bool operator==(const address&) const = default;
};
BOOST_DESCRIBE_STRUCT(address, (), (city, zip))

struct order {
  std::vector<item> items;
  std::map<std::string, int> limits;
  address ship_to;
  color paint;
  std::optional<color> trim;
  std::vector<std::vector<int>> grid;
  std::optional<std::vector<std::string>> tags;
  bool operator==(const order&) const = default;
};
BOOST_DESCRIBE_STRUCT(order, (), (items, limits, ship_to, paint, trim, grid, tags))

struct any_holder {
  json::value any;
  json::object obj;
  json::array arr;
  bool operator==(const any_holder&) const = default;
};
BOOST_DESCRIBE_STRUCT(any_holder, (), (any, obj, arr))

struct weather_args {
  std::string city;
  std::optional<int> days;
  address where;
  static std::map<std::string_view, std::string_view> lumen_descriptions() {
    return {{"city", "City name, e.g. Paris"}, {"days", "Days ahead"}, {"where", "Postal address"}};
  }
};
BOOST_DESCRIBE_STRUCT(weather_args, (), (city, days, where))

struct misspelt_description {
  int count;
  static std::map<std::string_view, std::string_view> lumen_descriptions() { return {{"cout", "typo"}}; }
};
BOOST_DESCRIBE_STRUCT(misspelt_description, (), (count))

struct optional_only {
  std::optional<int> limit;
};
BOOST_DESCRIBE_STRUCT(optional_only, (), (limit))

struct node {
  std::string name;
  std::vector<node> children;
};
BOOST_DESCRIBE_STRUCT(node, (), (name, children))

struct base_args {
  int id;
};
BOOST_DESCRIBE_STRUCT(base_args, (), (id))

struct derived_args : base_args {
  std::string label;
};
BOOST_DESCRIBE_STRUCT(derived_args, (base_args), (label))

struct empty_args {};
BOOST_DESCRIBE_STRUCT(empty_args, (), ())

}  // namespace test_types

namespace lumen::server {
namespace {

using namespace test_types;

json::value parse(std::string_view text) { return json::parse(text); }

/// Runs bind_arguments<T>(text) and returns the binding_error's what() ("" when it did not throw).
template <class T>
std::string bind_error(std::string_view text) {
  try {
    (void)bind_arguments<T>(parse(text));
  } catch (const binding_error& e) {
    return e.what();
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Schema

TEST(Schema, RootCarriesDialectAndStrictObjectShape) {
  json::object s = json_schema_for<address>();
  EXPECT_EQ(json::value(s), parse(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
    "required": ["city"],
    "additionalProperties": false})"));
  EXPECT_EQ(s.begin()->key(), "$schema");  // first, for readers
}

TEST(Schema, ScalarsMapToJsonTypesWithIntegerRanges) {
  json::object s = json_schema_for<scalars>();
  EXPECT_EQ(json::value(s.at("properties")), parse(R"({
    "flag": {"type": "boolean"},
    "i8":  {"type": "integer", "minimum": -128, "maximum": 127},
    "u8":  {"type": "integer", "minimum": 0, "maximum": 255},
    "i16": {"type": "integer", "minimum": -32768, "maximum": 32767},
    "u16": {"type": "integer", "minimum": 0, "maximum": 65535},
    "i32": {"type": "integer", "minimum": -2147483648, "maximum": 2147483647},
    "u32": {"type": "integer", "minimum": 0, "maximum": 4294967295},
    "i64": {"type": "integer"},
    "u64": {"type": "integer", "minimum": 0},
    "f": {"type": "number"},
    "d": {"type": "number"},
    "s": {"type": "string"}})"));
  EXPECT_EQ(json::value(s.at("required")),
            parse(R"(["flag","i8","u8","i16","u16","i32","u32","i64","u64","f","d","s"])"));
}

TEST(Schema, ContainersEnumsAndNestedStructs) {
  json::object s = json_schema_for<order>();
  EXPECT_EQ(json::value(s.at("properties")), parse(R"({
    "items": {"type": "array", "items": {
        "type": "object",
        "properties": {"name": {"type": "string"},
                       "count": {"type": "integer", "minimum": -2147483648, "maximum": 2147483647},
                       "weight": {"type": "number"}},
        "required": ["name", "count"],
        "additionalProperties": false}},
    "limits": {"type": "object",
               "additionalProperties": {"type": "integer", "minimum": -2147483648, "maximum": 2147483647}},
    "ship_to": {"type": "object",
                "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
                "required": ["city"],
                "additionalProperties": false},
    "paint": {"type": "string", "enum": ["red", "green", "blue"]},
    "trim": {"type": "string", "enum": ["red", "green", "blue"]},
    "grid": {"type": "array", "items": {"type": "array",
             "items": {"type": "integer", "minimum": -2147483648, "maximum": 2147483647}}},
    "tags": {"type": "array", "items": {"type": "string"}}})"));
  EXPECT_EQ(json::value(s.at("required")), parse(R"(["items","limits","ship_to","paint","grid"])"));
}

TEST(Schema, DialectOnlyAtTheRoot) {
  json::object s = json_schema_for<order>();
  EXPECT_TRUE(s.contains("$schema"));
  EXPECT_FALSE(s.at("properties").as_object().at("ship_to").as_object().contains("$schema"));
  EXPECT_FALSE(
      s.at("properties").as_object().at("items").as_object().at("items").as_object().contains("$schema"));
}

TEST(Schema, OptionalMemberIsNotRequired) {
  json::object s = json_schema_for<item>();
  EXPECT_EQ(json::value(s.at("required")), parse(R"(["name","count"])"));
  EXPECT_EQ(json::value(s.at("properties").as_object().at("weight")), parse(R"({"type":"number"})"));
}

TEST(Schema, JsonValueIsAnythingObjectAndArrayAreTyped) {
  json::object s = json_schema_for<any_holder>();
  EXPECT_EQ(json::value(s.at("properties")),
            parse(R"({"any": {}, "obj": {"type": "object"}, "arr": {"type": "array"}})"));
}

TEST(Schema, InheritedMembersAreIncluded) {
  json::object s = json_schema_for<derived_args>();
  EXPECT_TRUE(s.at("properties").as_object().contains("id"));
  EXPECT_TRUE(s.at("properties").as_object().contains("label"));
  EXPECT_EQ(json::value(s.at("required")), parse(R"(["id","label"])"));
}

TEST(Schema, EmptyStructIsAnObjectWithNoProperties) {
  EXPECT_EQ(json::value(json_schema_for<empty_args>()), parse(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object", "properties": {}, "required": [], "additionalProperties": false})"));
}

TEST(Schema, LumenDescriptionsBecomeFieldDescriptions) {
  json::object props = json_schema_for<weather_args>().at("properties").as_object();
  EXPECT_EQ(json::value(props.at("city")), parse(R"({"type":"string","description":"City name, e.g. Paris"})"));
  EXPECT_EQ(json::value(props.at("days")), parse(R"({"type":"integer","minimum":-2147483648,
                                                     "maximum":2147483647,"description":"Days ahead"})"));
  EXPECT_EQ(props.at("where").as_object().at("description"), "Postal address");
  EXPECT_EQ(props.at("where").as_object().at("type"), "object");
}

TEST(Schema, StructsWithoutDescriptionsHaveNone) {
  json::object props = json_schema_for<address>().at("properties").as_object();
  EXPECT_FALSE(props.at("city").as_object().contains("description"));
}

TEST(Schema, DescriptionNamingNoMemberThrowsLogicError) {
  try {
    (void)json_schema_for<misspelt_description>();
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "lumen_descriptions(): \"cout\" is not a described member");
  }
}

TEST(Schema, RecursiveTypeThrowsLogicError) { EXPECT_THROW((void)json_schema_for<node>(), std::logic_error); }

// ---------------------------------------------------------------------------------------------
// BindArguments: successes

TEST(BindArguments, BindsEveryScalar) {
  auto v = bind_arguments<scalars>(parse(R"({"flag": true, "i8": -128, "u8": 255, "i16": -32768, "u16": 65535,
      "i32": -2147483648, "u32": 4294967295, "i64": -9223372036854775808, "u64": 18446744073709551615,
      "f": 1.5, "d": -0.25, "s": "hé"})"));
  EXPECT_EQ(v, (scalars{true, -128, 255, -32768, 65535, INT32_MIN, UINT32_MAX, INT64_MIN, UINT64_MAX, 1.5f, -0.25,
                        "hé"}));
}

TEST(BindArguments, BindsContainersEnumsAndNestedStructs) {
  auto v = bind_arguments<order>(parse(R"({
    "items": [{"name": "a", "count": 1}, {"name": "b", "count": 2, "weight": 0.5}],
    "limits": {"cpu": 2, "odd key": 3},
    "ship_to": {"city": "Paris"},
    "paint": "green",
    "trim": "blue",
    "grid": [[1, 2], [], [3]],
    "tags": ["x"]})"));
  order expected{{{"a", 1, std::nullopt}, {"b", 2, 0.5}},
                 {{"cpu", 2}, {"odd key", 3}},
                 {"Paris", std::nullopt},
                 color::green,
                 color::blue,
                 {{1, 2}, {}, {3}},
                 std::vector<std::string>{"x"}};
  EXPECT_EQ(v, expected);
}

TEST(BindArguments, AbsentOptionalsAreEmpty) {
  auto v = bind_arguments<address>(parse(R"({"city": "Oslo"})"));
  EXPECT_EQ(v.city, "Oslo");
  EXPECT_FALSE(v.zip.has_value());
}

TEST(BindArguments, NullForOptionalMeansAbsent) {
  auto v = bind_arguments<address>(parse(R"({"city": "Oslo", "zip": null})"));
  EXPECT_FALSE(v.zip.has_value());
}

TEST(BindArguments, NullArgumentsBindAsEmptyObject) {
  EXPECT_FALSE(bind_arguments<optional_only>(json::value(nullptr)).limit.has_value());
  EXPECT_EQ(bind_error<address>("null"), "missing required argument \"city\"");
}

TEST(BindArguments, IntegralDoubleAcceptedForInteger) {
  EXPECT_EQ(bind_arguments<item>(parse(R"({"name": "n", "count": 3.0})")).count, 3);
  EXPECT_EQ(bind_arguments<item>(parse(R"({"name": "n", "count": -2e3})")).count, -2000);
}

TEST(BindArguments, IntegerAcceptedForDouble) {
  EXPECT_EQ(bind_arguments<item>(parse(R"({"name": "n", "count": 1, "weight": 7})")).weight, 7.0);
  auto s = bind_arguments<scalars>(parse(R"({"flag": false, "i8": 0, "u8": 0, "i16": 0, "u16": 0, "i32": 0,
      "u32": 0, "i64": 0, "u64": 0, "f": 2, "d": 18446744073709551615, "s": ""})"));
  EXPECT_EQ(s.f, 2.0f);
  EXPECT_EQ(s.d, 18446744073709551615.0);
}

TEST(BindArguments, JsonValueObjectAndArrayPassThrough) {
  auto v = bind_arguments<any_holder>(parse(R"({"any": [1, "x", null], "obj": {"k": 1}, "arr": [true]})"));
  EXPECT_EQ(v.any, parse(R"([1, "x", null])"));
  EXPECT_EQ(json::value(v.obj), parse(R"({"k": 1})"));
  EXPECT_EQ(json::value(v.arr), parse(R"([true])"));
  EXPECT_EQ(bind_arguments<any_holder>(parse(R"({"any": null, "obj": {}, "arr": []})")).any, json::value(nullptr));
}

TEST(BindArguments, InheritedMembersBind) {
  auto v = bind_arguments<derived_args>(parse(R"({"id": 4, "label": "x"})"));
  EXPECT_EQ(v.id, 4);
  EXPECT_EQ(v.label, "x");
}

TEST(BindArguments, RecursiveTypesBind) {
  auto v = bind_arguments<node>(parse(R"({"name": "r", "children": [{"name": "c", "children": []}]})"));
  ASSERT_EQ(v.children.size(), 1u);
  EXPECT_EQ(v.children[0].name, "c");
}

// ---------------------------------------------------------------------------------------------
// BindArguments: every error class, with its exact message

TEST(BindArguments, WrongTypeNamesTheField) {
  EXPECT_EQ(bind_error<address>(R"({"city": 5})"), R"(argument "city": expected string, got integer)");
  EXPECT_EQ(bind_error<scalars>(R"({"flag": "true"})"), R"(argument "flag": expected boolean, got string)");
  EXPECT_EQ(bind_error<item>(R"({"name": "n", "count": 1, "weight": "1"})"),
            R"(argument "weight": expected number, got string)");
  EXPECT_EQ(bind_error<address>(R"({"city": null})"), R"(argument "city": expected string, got null)");
  EXPECT_EQ(bind_error<any_holder>(R"({"any": 1, "obj": [], "arr": []})"),
            R"(argument "obj": expected object, got array)");
  EXPECT_EQ(bind_error<any_holder>(R"({"any": 1, "obj": {}, "arr": {}})"),
            R"(argument "arr": expected array, got object)");
}

TEST(BindArguments, WrongTypeInsideArrayNamesIndexAndMember) {
  EXPECT_EQ(bind_error<order>(R"({"items": [{"name": "a", "count": 1}, {"name": "b", "count": 2},
                                             {"name": "c", "count": "three"}]})"),
            R"(argument "items[2].count": expected integer, got string)");
  EXPECT_EQ(bind_error<order>(R"({"items": {}})"), R"(argument "items": expected array, got object)");
}

TEST(BindArguments, NestedArraysNameEveryIndex) {
  EXPECT_EQ(bind_error<order>(R"({"items": [], "limits": {}, "ship_to": {"city": "x"}, "paint": "red",
                                  "grid": [[1], [2, true]]})"),
            R"(argument "grid[1][1]": expected integer, got boolean)");
}

TEST(BindArguments, MapEntriesNameTheirKey) {
  EXPECT_EQ(bind_error<order>(R"({"items": [], "limits": {"cpu": "2"}})"),
            R"(argument "limits.cpu": expected integer, got string)");
  EXPECT_EQ(bind_error<order>(R"({"items": [], "limits": {"odd \"key\"": 1.5}})"),
            R"(argument "limits["odd \"key\""]": expected integer, got number 1.5)");
  EXPECT_EQ(bind_error<order>(R"({"items": [], "limits": []})"), R"(argument "limits": expected object, got array)");
}

TEST(BindArguments, MissingRequiredNamesTheField) {
  EXPECT_EQ(bind_error<address>(R"({})"), R"(missing required argument "city")");
  EXPECT_EQ(bind_error<order>(R"({"items": [], "limits": {}, "ship_to": {"zip": "1"}})"),
            R"(missing required argument "ship_to.city")");
  EXPECT_EQ(bind_error<order>(R"({"items": [{"name": "a"}]})"), R"(missing required argument "items[0].count")");
}

TEST(BindArguments, UnknownFieldIsRejected) {
  EXPECT_EQ(bind_error<address>(R"({"citty": "Paris"})"), R"(unknown argument "citty")");
  EXPECT_EQ(bind_error<order>(R"({"items": [], "limits": {}, "ship_to": {"city": "x", "zipcode": "1"}})"),
            R"(unknown argument "ship_to.zipcode")");
  EXPECT_EQ(bind_error<empty_args>(R"({"a b": 1})"), R"(unknown argument "["a b"]")");
}

TEST(BindArguments, IntegerOutOfRangeNamesTheRange) {
  EXPECT_EQ(bind_error<scalars>(R"({"flag": true, "i8": -129})"),
            R"(argument "i8": expected integer in [-128, 127], got -129)");
  EXPECT_EQ(bind_error<scalars>(R"({"flag": true, "i8": 0, "u8": 256})"),
            R"(argument "u8": expected integer in [0, 255], got 256)");
  EXPECT_EQ(bind_error<scalars>(R"({"flag": true, "i8": 0, "u8": 0, "i16": 0, "u16": 0, "i32": 0, "u32": -1})"),
            R"(argument "u32": expected integer in [0, 4294967295], got -1)");
  EXPECT_EQ(bind_error<scalars>(R"({"flag": true, "i8": 0, "u8": 0, "i16": 0, "u16": 0, "i32": 0, "u32": 0,
                                    "i64": 9223372036854775808})"),
            R"(argument "i64": expected integer in [-9223372036854775808, 9223372036854775807], got 9223372036854775808)");
  EXPECT_EQ(bind_error<scalars>(R"({"flag": true, "i8": 0, "u8": 0, "i16": 0, "u16": 0, "i32": 0, "u32": 0,
                                    "i64": 0, "u64": -1})"),
            R"(argument "u64": expected integer in [0, 18446744073709551615], got -1)");
}

TEST(BindArguments, IntegralDoubleOutOfRangeIsRejected) {
  EXPECT_EQ(bind_error<scalars>(R"({"flag": true, "i8": 0, "u8": 0, "i16": 0, "u16": 0, "i32": 0, "u32": 0,
                                    "i64": 9223372036854775808.0})"),
            R"(argument "i64": expected integer in [-9223372036854775808, 9223372036854775807], got 9223372036854775808)");
  EXPECT_EQ(bind_error<item>(R"({"name": "n", "count": 1e10})"),
            R"(argument "count": expected integer in [-2147483648, 2147483647], got 1e+10)");
  EXPECT_EQ(bind_error<scalars>(R"({"flag": true, "i8": 0, "u8": 0, "i16": 0, "u16": 0, "i32": 0, "u32": 0,
                                    "i64": 0, "u64": 1e20})"),
            R"(argument "u64": expected integer in [0, 18446744073709551615], got 1e+20)");
  // The largest exactly representable values inside the range still bind.
  auto s = bind_arguments<scalars>(parse(R"({"flag": true, "i8": 0, "u8": 0, "i16": 0, "u16": 0, "i32": 0,
      "u32": 0, "i64": -9223372036854775808.0, "u64": 18446744073709549568.0, "f": 0, "d": 0, "s": ""})"));
  EXPECT_EQ(s.i64, INT64_MIN);
  EXPECT_EQ(s.u64, 18446744073709549568ull);
}

TEST(BindArguments, NonIntegralNumberForIntegerIsRejected) {
  EXPECT_EQ(bind_error<item>(R"({"name": "n", "count": 2.5})"),
            R"(argument "count": expected integer, got number 2.5)");
}

TEST(BindArguments, FloatOutOfRangeIsRejected) {
  EXPECT_EQ(bind_error<scalars>(R"({"flag": true, "i8": 0, "u8": 0, "i16": 0, "u16": 0, "i32": 0, "u32": 0,
                                    "i64": 0, "u64": 0, "f": 1e39})"),
            R"(argument "f": expected number within float range, got 1e+39)");
}

TEST(BindArguments, BadEnumNameListsTheNames) {
  EXPECT_EQ(bind_error<order>(R"({"items": [], "limits": {}, "ship_to": {"city": "x"}, "paint": "purple"})"),
            R"(argument "paint": expected one of "red", "green", "blue", got "purple")");
  EXPECT_EQ(bind_error<order>(R"({"items": [], "limits": {}, "ship_to": {"city": "x"}, "paint": "red",
                                  "trim": 1})"),
            R"(argument "trim": expected one of "red", "green", "blue", got integer)");
  EXPECT_EQ(bind_error<order>(R"({"items": [], "limits": {}, "ship_to": {"city": "x"}, "paint": "Red"})"),
            R"(argument "paint": expected one of "red", "green", "blue", got "Red")");
}

TEST(BindArguments, NonObjectArgumentsAreRejected) {
  EXPECT_EQ(bind_error<address>("[]"), "arguments: expected object, got array");
  EXPECT_EQ(bind_error<address>("\"x\""), "arguments: expected object, got string");
}

TEST(BindArguments, UnknownFieldsAreReportedBeforeMissingOnes) {
  EXPECT_EQ(bind_error<address>(R"({"zip": "1", "cty": "x"})"), R"(unknown argument "cty")");
}

TEST(BindArguments, ErrorExposesPathAndReason) {
  static_assert(std::is_base_of_v<std::runtime_error, binding_error>);
  try {
    (void)bind_arguments<order>(parse(R"({"items": [{"name": "a", "count": "x"}]})"));
    FAIL() << "expected binding_error";
  } catch (const binding_error& e) {
    EXPECT_EQ(e.path(), "items[0].count");
    EXPECT_EQ(e.reason(), "expected integer, got string");
  }
  try {
    (void)bind_arguments<address>(parse("{}"));
    FAIL() << "expected binding_error";
  } catch (const binding_error& e) {
    EXPECT_EQ(e.path(), "city");
    EXPECT_EQ(e.reason(), "missing required argument");
  }
  try {
    (void)bind_arguments<address>(parse(R"({"city": "x", "k": 1})"));
    FAIL() << "expected binding_error";
  } catch (const binding_error& e) {
    EXPECT_EQ(e.path(), "k");
    EXPECT_EQ(e.reason(), "unknown argument");
  }
  try {
    (void)bind_arguments<address>(parse("1"));
    FAIL() << "expected binding_error";
  } catch (const binding_error& e) {
    EXPECT_EQ(e.path(), "");
    EXPECT_EQ(e.reason(), "expected object, got integer");
  }
}

// ---------------------------------------------------------------------------------------------
// ToJsonValue

TEST(ToJsonValue, StructsBecomeObjectsWithoutEmptyOptionals) {
  order o{{{"a", 1, std::nullopt}, {"b", -2, 0.5}},
          {{"cpu", 2}},
          {"Paris", std::nullopt},
          color::blue,
          std::nullopt,
          {{1}, {}},
          std::nullopt};
  EXPECT_EQ(to_json_value(o), parse(R"({
    "items": [{"name": "a", "count": 1}, {"name": "b", "count": -2, "weight": 0.5}],
    "limits": {"cpu": 2},
    "ship_to": {"city": "Paris"},
    "paint": "blue",
    "grid": [[1], []]})"));
}

TEST(ToJsonValue, ScalarsKeepTheirJsonKinds) {
  scalars s{true, -1, 200, -3, 4, -5, 6, INT64_MIN, UINT64_MAX, 0.5f, 2.25, "x"};
  json::value v = to_json_value(s);
  EXPECT_EQ(v, parse(R"({"flag": true, "i8": -1, "u8": 200, "i16": -3, "u16": 4, "i32": -5, "u32": 6,
      "i64": -9223372036854775808, "u64": 18446744073709551615, "f": 0.5, "d": 2.25, "s": "x"})"));
  EXPECT_TRUE(v.as_object().at("u8").is_uint64());
  EXPECT_TRUE(v.as_object().at("i8").is_int64());
}

TEST(ToJsonValue, RoundTripsThroughBindArguments) {
  order o{{{"a", 1, 1.25}},  {{"cpu", 2}, {"odd key", -1}}, {"Oslo", "0150"}, color::red, color::green,
          {{1, 2, 3}},       std::vector<std::string>{"x", "y"}};
  EXPECT_EQ(bind_arguments<order>(to_json_value(o)), o);
  scalars s{false, 127, 0, 1, 2, 3, 4, INT64_MAX, 0, -1.5f, 1e300, "ü"};
  EXPECT_EQ(bind_arguments<scalars>(to_json_value(s)), s);
  any_holder a{parse(R"({"deep": [1, {"x": null}]})"), {{"k", "v"}}, {1, 2}};
  EXPECT_EQ(bind_arguments<any_holder>(to_json_value(a)), a);
  // and through text, as a client would see it
  EXPECT_EQ(bind_arguments<order>(parse(json::serialize(to_json_value(o)))), o);
}

TEST(ToJsonValue, NonStructValuesConvertToo) {
  EXPECT_EQ(to_json_value(color::green), json::value("green"));
  EXPECT_EQ(to_json_value(std::vector<int>{1, 2}), parse("[1, 2]"));
  EXPECT_EQ(to_json_value(std::map<std::string, bool>{{"a", true}}), parse(R"({"a": true})"));
  EXPECT_EQ(to_json_value(std::vector<std::optional<int>>{1, std::nullopt}), parse("[1, null]"));
  EXPECT_EQ(to_json_value(std::vector<bool>{true, false}), parse("[true, false]"));
}

TEST(ToJsonValue, UnnamedEnumValueThrows) {
  EXPECT_THROW((void)to_json_value(static_cast<color>(42)), std::invalid_argument);
}

TEST(ToJsonValue, RecursiveTypesSerialize) {
  node n{"r", {{"c", {}}}};
  EXPECT_EQ(to_json_value(n), parse(R"({"name": "r", "children": [{"name": "c", "children": []}]})"));
}

}  // namespace
}  // namespace lumen::server
