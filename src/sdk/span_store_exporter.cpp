// Finished spans into the span store.
#include <lumen/sdk/span_store_exporter.hpp>

namespace lumen::sdk {

namespace {

json::value to_json(const trace::attribute_value& v) {
  return std::visit(
      [](const auto& x) -> json::value {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> || std::is_same_v<T, std::int64_t> ||
                      std::is_same_v<T, double>) {
          return json::value(x);
        } else {
          json::array a;
          for (const auto& e : x) a.emplace_back(static_cast<typename T::value_type>(e));
          return a;
        }
      },
      v);
}

json::object to_json(const trace::attribute_list& list) {
  json::object o;
  for (const auto& a : list) o[a.key.view()] = to_json(a.value);
  return o;
}

}  // namespace

stored_span to_stored_span(const sdk::span_data& s) {
  stored_span out;
  out.trace_id = s.context.trace_id().to_hex();
  out.span_id = s.context.span_id().to_hex();
  if (s.parent.is_valid()) out.parent_span_id = s.parent.span_id().to_hex();
  out.name = s.name;
  out.service = s.resource ? s.resource->service_name() : std::string();
  out.kind = static_cast<int>(s.kind);
  out.start_unix_nano = s.start_unix_nano;
  out.end_unix_nano = s.end_unix_nano;
  out.status_code = static_cast<int>(s.status);
  out.status_message = s.status_message;
  out.attributes = to_json(s.attributes);
  for (const auto& e : s.events) {
    out.events.push_back(json::object{{"name", e.name}, {"timeUnixNano", std::to_string(e.time_unix_nano)},
                                      {"attributes", to_json(e.attributes)}});
  }
  for (const auto& l : s.links) {
    out.links.push_back(json::object{{"traceId", l.context.trace_id().to_hex()},
                                     {"spanId", l.context.span_id().to_hex()},
                                     {"attributes", to_json(l.attributes)}});
  }
  return out;
}

sdk::export_result span_store_exporter::export_spans(const std::vector<std::unique_ptr<sdk::span_data>>& batch) {
  std::vector<stored_span> converted;
  converted.reserve(batch.size());
  for (const auto& s : batch) converted.push_back(to_stored_span(*s));
  store_->add(std::move(converted));
  return sdk::export_result::success;
}

}  // namespace lumen::sdk
