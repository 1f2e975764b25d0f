// The trace viewer's routes and JSON API.
#include <lumen/viewer/trace_viewer.hpp>

#include <lumen/core/hex.hpp>
#include <lumen/log.hpp>

#include <boost/url/parse.hpp>

#include <charconv>
#include <cstdlib>
#include <mutex>

namespace lumen::viewer {

namespace {

viewer_response json_response(unsigned status, const json::value& v) {
  return {status, "application/json", json::serialize(v)};
}

viewer_response not_found(std::string_view what) {
  return json_response(404, json::object{{"error", "not found: " + std::string(what)}});
}

bool is_hex_id(std::string_view s, std::size_t length) { return s.size() == length && core::is_lower_hex(s); }

}  // namespace

trace_viewer::trace_viewer(std::shared_ptr<const sdk::span_store> store, std::string base_path, std::optional<bool> enabled)
    : store_(std::move(store)), base_path_(std::move(base_path)), enabled_(enabled.value_or(enabled_by_default())) {
  while (base_path_.size() > 1 && base_path_.back() == '/') base_path_.pop_back();
}

bool trace_viewer::enabled_by_default() {
  if (const char* v = std::getenv("LUMEN_TRACE_VIEWER"); v && *v) {
    std::string_view value(v);
    if (value == "on" || value == "true" || value == "1") return true;
    if (value == "off" || value == "false" || value == "0") return false;
    static std::once_flag warned;
    std::call_once(warned, [&] {
      log::write(log::level::warning, "ignoring LUMEN_TRACE_VIEWER=\"" + std::string(value) + "\" (on or off)");
    });
  }
  return LUMEN_TRACE_VIEWER_DEFAULT != 0;
}

bool trace_viewer::owns(std::string_view target) const noexcept {
  if (!target.starts_with(base_path_)) return false;
  auto rest = target.substr(base_path_.size());
  return rest.empty() || rest.front() == '/' || rest.front() == '?';
}

std::optional<viewer_response> trace_viewer::handle(std::string_view method, std::string_view target) const {
  if (!owns(target)) return std::nullopt;
  if (!enabled_) {
    return json_response(404, json::object{{"error", "the trace viewer is off in this server (LUMEN_TRACE_VIEWER=on enables it)"}});
  }
  if (method != "GET" && method != "HEAD") {
    return json_response(405, json::object{{"error", "the trace viewer only answers GET"}});
  }
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return json_response(400, json::object{{"error", "malformed request target"}});
  std::string path = parsed->path();
  std::string_view rest = std::string_view(path).substr(std::min(path.size(), base_path_.size()));

  if (rest.empty() || rest == "/" || rest == "/index.html") return viewer_response{200, "text/html; charset=utf-8", std::string(viewer_index_html())};
  if (rest == "/app.js") return viewer_response{200, "text/javascript; charset=utf-8", std::string(viewer_app_js())};
  if (rest == "/style.css") return viewer_response{200, "text/css; charset=utf-8", std::string(viewer_style_css())};

  if (rest == "/api/traces") {
    sdk::trace_filter filter;
    for (auto param : parsed->params()) {
      std::string value = param.value;
      if (param.key == "method" && !value.empty()) filter.method = value;
      if (param.key == "tool" && !value.empty()) filter.tool = value;
      if (param.key == "status" && value == "error") filter.has_error = true;
      if (param.key == "status" && value == "ok") filter.has_error = false;
      if (param.key == "limit") {
        std::size_t n = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc() || end != value.data() + value.size() || n == 0) {
          return json_response(400, json::object{{"error", "limit must be a positive integer"}});
        }
        filter.limit = std::min<std::size_t>(n, 10000);
      }
    }
    return json_response(200, json::object{{"traces", store_->list_traces(filter)},
                                           {"stored", store_->size()},
                                           {"capacity", store_->capacity()}});
  }
  constexpr std::string_view traces_prefix = "/api/traces/";
  if (rest.starts_with(traces_prefix)) {
    auto id = rest.substr(traces_prefix.size());
    if (!is_hex_id(id, 32)) return json_response(400, json::object{{"error", "a trace id is 32 lower-case hex digits"}});
    auto spans = store_->trace(id);
    if (spans.empty()) return not_found("trace " + std::string(id));
    json::array a;
    for (const auto& s : spans) a.push_back(s.to_json());
    return json_response(200, json::object{{"traceId", id}, {"spans", std::move(a)}});
  }
  constexpr std::string_view spans_prefix = "/api/spans/";
  if (rest.starts_with(spans_prefix)) {
    auto id = rest.substr(spans_prefix.size());
    if (!is_hex_id(id, 16)) return json_response(400, json::object{{"error", "a span id is 16 lower-case hex digits"}});
    auto trace_id = store_->trace_of_span(id);
    if (!trace_id) return not_found("span " + std::string(id));
    return json_response(200, json::object{{"traceId", *trace_id}, {"spanId", id}});
  }
  return not_found(path);
}

}  // namespace lumen::viewer
