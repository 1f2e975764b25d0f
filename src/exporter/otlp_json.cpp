// OTLP/JSON encoding: lowerCamelCase names, hex ids, enums as integers, 64-bit integers as strings.
#include <lumen/exporter/otlp.hpp>

#include <lumen/json.hpp>
#include <lumen/exporter/detail/otlp_json_values.hpp>

#include "otlp_grouping.hpp"

namespace lumen::exporter {

json::object detail::otlp_json_any_value(const trace::attribute_value& v) {
  return std::visit(
      [](const auto& x) -> json::object {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return {{"stringValue", x}};
        } else if constexpr (std::is_same_v<T, bool>) {
          return {{"boolValue", x}};
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return {{"intValue", std::to_string(x)}};
        } else if constexpr (std::is_same_v<T, double>) {
          return {{"doubleValue", x}};
        } else {
          json::array values;
          for (const auto& e : x) values.push_back(otlp_json_any_value(trace::attribute_value(static_cast<typename T::value_type>(e))));
          return {{"arrayValue", {{"values", std::move(values)}}}};
        }
      },
      v);
}

json::array detail::otlp_json_key_values(const trace::attribute_list& list) {
  json::array a;
  for (const auto& kv : list) a.push_back(json::object{{"key", kv.key}, {"value", otlp_json_any_value(kv.value)}});
  return a;
}

namespace {

using detail::otlp_json_key_values;

std::uint32_t flags(const trace::span_context& ctx, bool remote) {
  return static_cast<std::uint32_t>(ctx.flags()) | 0x100u | (remote ? 0x200u : 0u);
}

json::object span_json(const sdk::span_data& s) {
  json::object o{{"traceId", s.context.trace_id().to_hex()}, {"spanId", s.context.span_id().to_hex()}};
  if (!s.context.trace_state().empty()) o.emplace("traceState", s.context.trace_state().to_header());
  if (s.parent.is_valid()) o.emplace("parentSpanId", s.parent.span_id().to_hex());
  o.emplace("flags", s.parent.is_valid() ? flags(s.context, s.parent.is_remote())
                                         : static_cast<std::uint32_t>(s.context.flags()) | 0x100u);
  o.emplace("name", s.name);
  o.emplace("kind", static_cast<int>(s.kind));
  o.emplace("startTimeUnixNano", std::to_string(s.start_unix_nano));
  o.emplace("endTimeUnixNano", std::to_string(s.end_unix_nano));
  o.emplace("attributes", otlp_json_key_values(s.attributes));
  if (s.dropped_attributes) o.emplace("droppedAttributesCount", s.dropped_attributes);
  json::array events;
  for (const auto& e : s.events) {
    json::object eo{{"timeUnixNano", std::to_string(e.time_unix_nano)}, {"name", e.name}, {"attributes", otlp_json_key_values(e.attributes)}};
    if (e.dropped_attributes) eo.emplace("droppedAttributesCount", e.dropped_attributes);
    events.push_back(std::move(eo));
  }
  o.emplace("events", std::move(events));
  if (s.dropped_events) o.emplace("droppedEventsCount", s.dropped_events);
  json::array links;
  for (const auto& l : s.links) {
    json::object lo{{"traceId", l.context.trace_id().to_hex()}, {"spanId", l.context.span_id().to_hex()}};
    if (!l.context.trace_state().empty()) lo.emplace("traceState", l.context.trace_state().to_header());
    lo.emplace("attributes", otlp_json_key_values(l.attributes));
    if (l.dropped_attributes) lo.emplace("droppedAttributesCount", l.dropped_attributes);
    lo.emplace("flags", flags(l.context, l.context.is_remote()));
    links.push_back(std::move(lo));
  }
  o.emplace("links", std::move(links));
  if (s.dropped_links) o.emplace("droppedLinksCount", s.dropped_links);
  json::object status;
  if (!s.status_message.empty()) status.emplace("message", s.status_message);
  if (s.status != trace::status_code::unset) status.emplace("code", static_cast<int>(s.status));
  o.emplace("status", std::move(status));
  return o;
}

}  // namespace

std::string encode_otlp_json(const std::vector<std::unique_ptr<sdk::span_data>>& spans) {
  json::array resource_spans;
  detail::for_each_group(spans, [&](const sdk::resource* r, const std::vector<detail::scope_group>& scopes) {
    json::array scope_spans;
    for (const auto& [scope, list] : scopes) {
      json::array out;
      for (const sdk::span_data* s : list) out.push_back(span_json(*s));
      json::object so;
      if (scope) so.emplace("scope", json::object{{"name", scope->name}, {"version", scope->version}});
      so.emplace("spans", std::move(out));
      scope_spans.push_back(std::move(so));
    }
    json::object rs;
    if (r) rs.emplace("resource", json::object{{"attributes", otlp_json_key_values(r->attributes)}});
    rs.emplace("scopeSpans", std::move(scope_spans));
    resource_spans.push_back(std::move(rs));
  });
  return json::serialize(json::object{{"resourceSpans", std::move(resource_spans)}});
}

}  // namespace lumen::exporter
