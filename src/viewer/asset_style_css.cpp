// The trace viewer's style sheet.
#include <lumen/viewer/trace_viewer.hpp>

namespace lumen::viewer {

std::string_view viewer_style_css() {
  return R"lumen(
:root { --bg:#0f1419; --panel:#171d24; --line:#26303b; --text:#d8dee6; --muted:#8a97a6;
  --server:#3d8bfd; --client:#9b6dff; --internal:#5fb3a1; --producer:#d9a441; --consumer:#d97941;
  --error:#e5534b; --ok:#57ab5a; --link:#e3b341; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, sans-serif; background:var(--bg); color:var(--text); }
header { display:flex; gap:16px; align-items:baseline; padding:10px 18px; border-bottom:1px solid var(--line); }
.brand { color:var(--text); font-weight:600; text-decoration:none; font-size:16px; }
.muted { color:var(--muted); }
main { padding:14px 18px; }
a { color:#6cb6ff; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); white-space:nowrap; }
th { color:var(--muted); font-weight:500; }
tr.trace-row { cursor:pointer; }
tr.trace-row:hover { background:var(--panel); }
.filters { display:flex; gap:10px; margin-bottom:12px; flex-wrap:wrap; }
.filters select, .filters input, button { background:var(--panel); color:var(--text); border:1px solid var(--line); padding:5px 8px; border-radius:4px; }
.badge { display:inline-block; padding:0 6px; border-radius:8px; font-size:12px; }
.badge.error { background:var(--error); color:white; }
.trace-layout { display:grid; grid-template-columns: minmax(0, 3fr) minmax(280px, 2fr); gap:16px; }
.waterfall { border:1px solid var(--line); border-radius:6px; overflow:hidden; }
.wf-row { display:grid; grid-template-columns: 320px 1fr; border-bottom:1px solid var(--line); cursor:pointer; }
.wf-row:hover, .wf-row.selected { background:var(--panel); }
.wf-name { padding:5px 8px; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.wf-track { position:relative; height:28px; }
.wf-bar { position:absolute; top:7px; height:14px; border-radius:3px; min-width:2px; }
.wf-bar.kind-1 { background:var(--internal); } .wf-bar.kind-2 { background:var(--server); }
.wf-bar.kind-3 { background:var(--client); } .wf-bar.kind-4 { background:var(--producer); }
.wf-bar.kind-5 { background:var(--consumer); } .wf-bar.status-2 { outline:2px solid var(--error); }
.wf-dur { position:absolute; top:6px; font-size:11px; color:var(--muted); }
.kind { font-size:11px; color:var(--muted); margin-left:6px; }
.link-mark { color:var(--link); margin-left:6px; font-size:12px; }
.details { border:1px solid var(--line); border-radius:6px; padding:10px 14px; background:var(--panel); }
.details h2 { font-size:15px; margin:4px 0 10px; word-break:break-all; }
.details h3 { font-size:13px; color:var(--muted); margin:14px 0 6px; text-transform:uppercase; letter-spacing:.04em; }
.kv { display:grid; grid-template-columns: minmax(120px, max-content) 1fr; gap:2px 12px; font-family:ui-monospace, monospace; font-size:12px; }
.kv div:nth-child(odd) { color:var(--muted); }
.kv div { word-break:break-all; }
.span-link { display:block; border:1px solid var(--line); border-radius:4px; padding:6px 8px; margin:4px 0; background:var(--bg); }
.status-error { color:var(--error); } .status-ok { color:var(--ok); }
.legend span { margin-right:12px; font-size:12px; }
.legend i { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:4px; vertical-align:middle; }
)lumen";
}

}  // namespace lumen::viewer
