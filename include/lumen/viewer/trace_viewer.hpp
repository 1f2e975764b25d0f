// The embedded trace viewer: an HTML/CSS/JS page and a JSON API over a span_store, as a
// framework-neutral request handler that any HTTP server can mount (Lumen's own mounts it under
// `/_lumen/traces`).
//
//   GET {base}/                       the page (list of traces; #/trace/ID[/SPAN] shows one)
//   GET {base}/api/traces?method=&tool=&status=error|ok&limit=N
//   GET {base}/api/traces/{traceId}   {traceId, spans:[...]}
//   GET {base}/api/spans/{spanId}     {traceId, spanId} (where a Link points)
#pragma once

#include <lumen/sdk/span_store.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace lumen::viewer {

struct viewer_response {
  unsigned status = 200;
  std::string content_type;
  std::string body;
};

class trace_viewer {
 public:
  /// `enabled`: nullopt follows enabled_by_default(). A disabled viewer answers every request
  /// under its path with 404 and a message saying how to turn it on.
  explicit trace_viewer(std::shared_ptr<const sdk::span_store> store, std::string base_path = "/_lumen/traces",
                        std::optional<bool> enabled = std::nullopt);

  /// LUMEN_TRACE_VIEWER=on|off when set; otherwise on, except in production builds (CMake build
  /// type Release or MinSizeRel, or -DLUMEN_TRACE_VIEWER=OFF), where it is off.
  static bool enabled_by_default();

  bool enabled() const noexcept { return enabled_; }
  const std::string& base_path() const noexcept { return base_path_; }
  /// True when `target` (path and query) is under the viewer's base path.
  bool owns(std::string_view target) const noexcept;
  /// Serves a request; nullopt when the target is not the viewer's.
  std::optional<viewer_response> handle(std::string_view method, std::string_view target) const;

 private:
  std::shared_ptr<const sdk::span_store> store_;
  std::string base_path_;
  bool enabled_;
};

/// The page's static assets (exposed for tests).
std::string_view viewer_index_html();
std::string_view viewer_app_js();
std::string_view viewer_style_css();

}  // namespace lumen::viewer
