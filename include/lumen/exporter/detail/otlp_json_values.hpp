// Internal: OTLP/JSON AnyValue and KeyValue encoding, shared by the trace and metric encoders.
#pragma once

#include <lumen/json.hpp>
#include <lumen/trace/attributes.hpp>

namespace lumen::exporter::detail {

/// {"stringValue": …}, {"intValue": "…"} (64-bit integers as strings), {"arrayValue": …}, ….
json::object otlp_json_any_value(const trace::attribute_value& v);
/// [{"key": …, "value": AnyValue}, …]
json::array otlp_json_key_values(const trace::attribute_list& list);

}  // namespace lumen::exporter::detail
