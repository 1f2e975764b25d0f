// The OTLP protobuf encoder, decoded field by field with a minimal protobuf reader written here:
// every attribute type, lengths that take several varint bytes, empty keys and values, growth
// of the body past its first size, and reuse of a body buffer.
#include <lumen/exporter/detail/protobuf_writer.hpp>
#include <lumen/exporter/otlp.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace lumen::trace;
using lumen::sdk::span_data;
using lumen::sdk::resource;
using lumen::sdk::instrumentation_scope;
using namespace lumen::exporter;

namespace {

struct field {
  int number = 0;
  int wire = 0;
  std::uint64_t value = 0;  // varint, fixed64 or fixed32
  std::string_view bytes;   // length-delimited
};

using lumen::exporter::detail::read_varint;

// The fields of one message; fails the test on malformed input.
std::vector<field> fields(std::string_view in) {
  std::vector<field> out;
  while (!in.empty()) {
    std::uint64_t key = 0;
    if (!read_varint(in, key)) {
      ADD_FAILURE() << "truncated tag";
      return out;
    }
    field f;
    f.number = static_cast<int>(key >> 3);
    f.wire = static_cast<int>(key & 7);
    if (f.wire == 0) {
      if (!read_varint(in, f.value)) ADD_FAILURE() << "truncated varint";
    } else if (f.wire == 1 || f.wire == 5) {
      const std::size_t n = f.wire == 1 ? 8 : 4;
      if (in.size() < n) {
        ADD_FAILURE() << "truncated fixed";
        return out;
      }
      for (std::size_t i = 0; i < n; ++i) f.value |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(in[i])) << (8 * i);
      in.remove_prefix(n);
    } else if (f.wire == 2) {
      std::uint64_t n = 0;
      if (!read_varint(in, n) || n > in.size()) {
        ADD_FAILURE() << "bad length";
        return out;
      }
      f.bytes = in.substr(0, n);
      in.remove_prefix(n);
    } else {
      ADD_FAILURE() << "unexpected wire type " << f.wire;
      return out;
    }
    out.push_back(f);
  }
  return out;
}

std::vector<field> all(std::string_view msg, int number) {
  std::vector<field> out;
  for (const auto& f : fields(msg)) {
    if (f.number == number) out.push_back(f);
  }
  return out;
}

std::optional<field> one(std::string_view msg, int number) {
  auto v = all(msg, number);
  if (v.size() != 1) return std::nullopt;
  return v.front();
}

// AnyValue back as an attribute_value.
attribute_value decode_any(std::string_view msg) {
  auto f = fields(msg);
  EXPECT_EQ(f.size(), 1u);
  if (f.size() != 1) return {};
  const auto& v = f.front();
  switch (v.number) {
    case 1: return std::string(v.bytes);
    case 2: return v.value != 0;
    case 3: return static_cast<std::int64_t>(v.value);
    case 4: {
      double d;
      std::memcpy(&d, &v.value, sizeof d);
      return d;
    }
    case 5: {
      std::vector<attribute_value> items;
      for (const auto& item : all(v.bytes, 1)) items.push_back(decode_any(item.bytes));
      if (items.empty()) return std::vector<std::string>{};
      auto collect = [&](auto type) {
        std::vector<decltype(type)> out;
        for (const auto& i : items) out.push_back(std::get<decltype(type)>(i));
        return out;
      };
      switch (items.front().index()) {
        case 0: return collect(std::string());
        case 1: return collect(false);
        case 2: return collect(std::int64_t{});
        default: return collect(0.0);
      }
    }
    default: ADD_FAILURE() << "AnyValue field " << v.number; return {};
  }
}

// Repeated KeyValue `number` of `msg`, in order.
attribute_list decode_key_values(std::string_view msg, int number) {
  attribute_list out;
  for (const auto& kv : all(msg, number)) {
    auto key = one(kv.bytes, 1);
    auto value = one(kv.bytes, 2);
    EXPECT_TRUE(value);
    out.emplace_back(key ? std::string(key->bytes) : std::string(), value ? decode_any(value->bytes) : attribute_value());
  }
  return out;
}

std::shared_ptr<const resource> make_resource(std::string name) {
  return std::make_shared<const resource>(resource::create(std::move(name), "1.0"));
}

std::unique_ptr<span_data> make_span(std::string name, attribute_list attributes,
                                     std::shared_ptr<const resource> res = nullptr,
                                     std::shared_ptr<const instrumentation_scope> scope = nullptr) {
  auto s = std::make_unique<span_data>();
  s->context = span_context(random_trace_id(), random_span_id(), trace_flags::sampled, false);
  s->name = std::move(name);
  s->kind = span_kind::server;
  s->start_unix_nano = 1'700'000'000'000'000'001;
  s->end_unix_nano = 1'700'000'000'000'000'999;
  s->attributes = std::move(attributes);
  s->resource = res ? std::move(res) : make_resource("svc");
  s->scope = scope ? std::move(scope) : std::make_shared<const instrumentation_scope>(instrumentation_scope{"scope", "2.0"});
  return s;
}

// The spans of a request in order, as (ResourceSpans index, ScopeSpans index, Span bytes).
struct decoded_span {
  std::size_t resource = 0;
  std::size_t scope = 0;
  std::string_view bytes;
};
std::vector<decoded_span> decode_spans(std::string_view body) {
  std::vector<decoded_span> out;
  auto rs = all(body, 1);
  for (std::size_t r = 0; r < rs.size(); ++r) {
    auto ss = all(rs[r].bytes, 2);
    for (std::size_t s = 0; s < ss.size(); ++s) {
      for (const auto& span : all(ss[s].bytes, 2)) out.push_back({r, s, span.bytes});
    }
  }
  return out;
}

using batch = std::vector<std::unique_ptr<span_data>>;

}  // namespace

TEST(OtlpProtobuf, AttributesOfEveryTypeRoundTrip) {
  const std::string long_value(200, 'v');       // a two-byte length
  const std::string longer_value(20000, 'w');   // a three-byte length
  const std::string long_key(130, 'k');
  const std::string key_127(127, 'q');          // KeyValue past one length byte
  attribute_list attributes = {
      {"s", std::string("text")},
      {"empty", std::string()},
      {"", std::string("no key")},
      {"long", long_value},
      {"longer", longer_value},
      {long_key, std::string("value of a long key")},
      {key_127, std::string("x")},
      {"near one byte", std::string(90, 'n')},
      {"b", true},
      {"f", false},
      {"zero", std::int64_t{0}},
      {"i", std::int64_t{-42}},
      {"big", std::int64_t{1} << 62},
      {"small", std::int64_t{127}},
      {"two bytes", std::int64_t{128}},
      {"d", 2.5},
      {"as", std::vector<std::string>{"x", "", std::string(300, 'y')}},
      {"ab", std::vector<bool>{true, false}},
      {"ai", std::vector<std::int64_t>{1, -2, std::int64_t{1} << 40}},
      {"ad", std::vector<double>{0.5, -1e300}},
  };
  batch spans;
  spans.push_back(make_span("span", attributes));
  const std::string body = encode_otlp_protobuf(spans);
  auto decoded = decode_spans(body);
  ASSERT_EQ(decoded.size(), 1u);
  auto got = decode_key_values(decoded[0].bytes, 9);
  ASSERT_EQ(got.size(), attributes.size());
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    EXPECT_EQ(got[i].key.view(), attributes[i].key.view()) << i;
    EXPECT_EQ(got[i].value, attributes[i].value) << "attribute " << i << " (" << attributes[i].key.view() << ")";
  }
  // An empty key is the proto3 default, so it is left out of its KeyValue.
  auto kvs = all(decoded[0].bytes, 9);
  EXPECT_FALSE(one(kvs[2].bytes, 1));
}

TEST(OtlpProtobuf, SpanFieldsEventsLinksAndStatus) {
  auto s = make_span("tools/call add", {{"a", std::int64_t{1}}});
  auto parent = *parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "vendor=abc");
  s->context = span_context(parent.trace_id(), random_span_id(), trace_flags::sampled, false, parent.trace_state());
  s->parent = parent;
  s->dropped_attributes = 3;
  s->events.push_back({"progress", 1'700'000'000'000'000'500, {{"step", std::int64_t{1}}}, 2});
  s->events.push_back({std::string(150, 'e'), 7, {}, 0});
  s->dropped_events = 4;
  auto link_ctx = *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "linkvendor=xyz");
  s->links.push_back({link_ctx, {{"lumen.link.kind", std::string("transport")}}, 1});
  s->dropped_links = 5;
  s->status = status_code::error;
  s->status_message = std::string(140, 'm');
  batch spans;
  spans.push_back(std::move(s));
  const std::string body = encode_otlp_protobuf(spans);
  auto decoded = decode_spans(body);
  ASSERT_EQ(decoded.size(), 1u);
  const auto span = decoded[0].bytes;
  const auto& src = *spans[0];
  EXPECT_EQ(one(span, 1)->bytes, std::string_view(reinterpret_cast<const char*>(src.context.trace_id().bytes.data()), 16));
  EXPECT_EQ(one(span, 2)->bytes, std::string_view(reinterpret_cast<const char*>(src.context.span_id().bytes.data()), 8));
  EXPECT_EQ(one(span, 3)->bytes, "vendor=abc");
  EXPECT_EQ(one(span, 4)->bytes, std::string_view(reinterpret_cast<const char*>(parent.span_id().bytes.data()), 8));
  EXPECT_EQ(one(span, 5)->bytes, "tools/call add");
  EXPECT_EQ(one(span, 6)->value, 2u);
  EXPECT_EQ(one(span, 7)->value, static_cast<std::uint64_t>(src.start_unix_nano));
  EXPECT_EQ(one(span, 8)->value, static_cast<std::uint64_t>(src.end_unix_nano));
  EXPECT_EQ(one(span, 10)->value, 3u);
  auto events = all(span, 11);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(one(events[0].bytes, 1)->value, 1'700'000'000'000'000'500u);
  EXPECT_EQ(one(events[0].bytes, 2)->bytes, "progress");
  EXPECT_EQ(decode_key_values(events[0].bytes, 3).at(0).value, attribute_value(std::int64_t{1}));
  EXPECT_EQ(one(events[0].bytes, 4)->value, 2u);
  EXPECT_EQ(one(events[1].bytes, 2)->bytes, std::string(150, 'e'));
  EXPECT_EQ(one(span, 12)->value, 4u);
  auto links = all(span, 13);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(one(links[0].bytes, 3)->bytes, "linkvendor=xyz");
  EXPECT_EQ(decode_key_values(links[0].bytes, 4).at(0).value, attribute_value(std::string("transport")));
  EXPECT_EQ(one(links[0].bytes, 5)->value, 1u);
  EXPECT_EQ(one(links[0].bytes, 6)->value, 0x301u);  // sampled, HAS_IS_REMOTE, IS_REMOTE
  EXPECT_EQ(one(span, 14)->value, 5u);
  auto status = one(span, 15);
  ASSERT_TRUE(status);
  EXPECT_EQ(one(status->bytes, 2)->bytes, std::string(140, 'm'));
  EXPECT_EQ(one(status->bytes, 3)->value, 2u);
  EXPECT_EQ(one(span, 16)->value, 0x301u);  // the parent is remote
}

TEST(OtlpProtobuf, RootSpanHasNoParentAndLocalFlags) {
  batch spans;
  spans.push_back(make_span("root", {}));
  const std::string body = encode_otlp_protobuf(spans);
  auto decoded = decode_spans(body);
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_TRUE(all(decoded[0].bytes, 4).empty());
  EXPECT_TRUE(all(decoded[0].bytes, 9).empty());
  EXPECT_TRUE(all(decoded[0].bytes, 15).empty());
  EXPECT_EQ(one(decoded[0].bytes, 16)->value, 0x101u);
}

TEST(OtlpProtobuf, SpansGroupByResourceAndScopeInFirstSeenOrder) {
  auto r1 = make_resource("one");
  auto r2 = make_resource("two");
  auto sa = std::make_shared<const instrumentation_scope>(instrumentation_scope{"a", ""});
  auto sb = std::make_shared<const instrumentation_scope>(instrumentation_scope{"b", "1"});
  batch spans;
  spans.push_back(make_span("1", {}, r1, sa));
  spans.push_back(make_span("2", {}, r2, sa));
  spans.push_back(make_span("3", {}, r1, sb));
  spans.push_back(make_span("4", {}, r1, sa));
  spans.push_back(make_span("5", {}, r2, sa));
  const std::string body = encode_otlp_protobuf(spans);
  auto rs = all(body, 1);
  ASSERT_EQ(rs.size(), 2u);
  auto service = [](std::string_view resource_spans) {
    for (const auto& a : decode_key_values(one(resource_spans, 1)->bytes, 1)) {
      if (a.key.view() == "service.name") return std::get<std::string>(a.value);
    }
    return std::string();
  };
  EXPECT_EQ(service(rs[0].bytes), "one");
  EXPECT_EQ(service(rs[1].bytes), "two");
  std::vector<std::string> order;
  for (const auto& s : decode_spans(body)) {
    order.push_back(std::to_string(s.resource) + std::to_string(s.scope) + std::string(one(s.bytes, 5)->bytes));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"001", "004", "013", "102", "105"}));
  auto scope_b = one(all(rs[0].bytes, 2)[1].bytes, 1);
  EXPECT_EQ(one(scope_b->bytes, 1)->bytes, "b");
  EXPECT_EQ(one(scope_b->bytes, 2)->bytes, "1");
  EXPECT_FALSE(one(one(all(rs[0].bytes, 2)[0].bytes, 1)->bytes, 2)) << "an empty version is left out";
}

TEST(OtlpProtobuf, LargeBatchGrowsTheBody) {
  batch spans;
  for (int i = 0; i < 3000; ++i) {
    spans.push_back(make_span("span " + std::to_string(i),
                              {{"payload", std::string(static_cast<std::size_t>(i % 700), 'p')}, {"n", std::int64_t{i}}}));
  }
  const std::string body = encode_otlp_protobuf(spans);
  auto decoded = decode_spans(body);
  ASSERT_EQ(decoded.size(), spans.size());
  for (std::size_t i = 0; i < decoded.size(); i += 97) {
    auto a = decode_key_values(decoded[i].bytes, 9);
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(std::get<std::string>(a[0].value).size(), i % 700);
    EXPECT_EQ(a[1].value, attribute_value(static_cast<std::int64_t>(i)));
  }
}

TEST(OtlpProtobuf, ReusedBufferHoldsOnlyTheLatestBody) {
  batch big;
  for (int i = 0; i < 200; ++i) big.push_back(make_span("big", {{"payload", std::string(500, 'b')}}));
  batch small;
  small.push_back(make_span("small", {{"k", std::string("v")}}));
  lumen::exporter::detail::byte_buffer buffer;
  lumen::exporter::detail::encode_otlp_protobuf(big, buffer);
  EXPECT_EQ(buffer.view(), encode_otlp_protobuf(big));
  lumen::exporter::detail::encode_otlp_protobuf(small, buffer);
  EXPECT_EQ(buffer.view(), encode_otlp_protobuf(small));
  lumen::exporter::detail::encode_otlp_protobuf(big, buffer);
  EXPECT_EQ(buffer.view(), encode_otlp_protobuf(big));
}

TEST(OtlpProtobuf, EmptyBatchIsAnEmptyRequest) {
  batch spans;
  EXPECT_EQ(encode_otlp_protobuf(spans), "");
}

TEST(OtlpProtobuf, KeyValuesAppendToAWriter) {
  // The metrics encoder's path: KeyValues after what the writer already holds.
  lumen::exporter::detail::pb_writer w;
  w.string_field(1, "before");
  lumen::exporter::detail::write_key_values(w, 9, {{"s", std::string(300, 's')}, {"i", std::int64_t{-1}}, {"ai", std::vector<std::int64_t>{7}}});
  w.string_field(2, "after");
  EXPECT_EQ(one(w.out, 1)->bytes, "before");
  EXPECT_EQ(one(w.out, 2)->bytes, "after");
  auto a = decode_key_values(w.out, 9);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].value, attribute_value(std::string(300, 's')));
  EXPECT_EQ(a[1].value, attribute_value(std::int64_t{-1}));
  EXPECT_EQ(a[2].value, attribute_value(std::vector<std::int64_t>{7}));
}
