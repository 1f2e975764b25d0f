// The trace viewer's script: a list of traces and a waterfall of one trace, with span details
// (attributes, events, links) and links that jump to the linked span, even in another trace.
#include <lumen/viewer/trace_viewer.hpp>

namespace lumen::viewer {

std::string_view viewer_app_js() {
  return R"lumen('use strict';
const app = document.getElementById('app');
const kinds = { 0: 'unspecified', 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const ms = (nanos) => (Number(nanos) / 1e6).toFixed(Number(nanos) < 1e7 ? 3 : 1) + ' ms';
const when = (nanos) => new Date(Number(BigInt(nanos) / 1000000n)).toLocaleTimeString();

async function api(path) {
  const r = await fetch('api/' + path);
  if (!r.ok) throw new Error((await r.json().catch(() => ({}))).error || r.statusText);
  return r.json();
}

function kvTable(obj) {
  const keys = Object.keys(obj || {}).sort();
  if (!keys.length) return '<div class="muted">none</div>';
  return '<div class="kv">' + keys.map((k) => {
    const v = obj[k];
    return `<div>${esc(k)}</div><div>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</div>`;
  }).join('') + '</div>';
}

async function showList() {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const q = new URLSearchParams();
  for (const k of ['method', 'tool', 'status']) if (params.get(k)) q.set(k, params.get(k));
  const data = await api('traces?' + q.toString());
  document.getElementById('store-info').textContent = `${data.stored} spans stored (capacity ${data.capacity})`;
  const methods = ['', 'initialize', 'tools/list', 'tools/call', 'resources/read', 'resources/list', 'prompts/get', 'prompts/list', 'completion/complete', 'ping'];
  app.innerHTML = `
    <form class="filters" id="filters" data-testid="filters">
      <select name="method" data-testid="filter-method">${methods.map((m) => `<option value="${m}" ${params.get('method') === m ? 'selected' : ''}>${m || 'any MCP method'}</option>`).join('')}</select>
      <input name="tool" placeholder="tool name" value="${esc(params.get('tool') || '')}" data-testid="filter-tool">
      <select name="status" data-testid="filter-status">
        <option value="">any status</option>
        <option value="error" ${params.get('status') === 'error' ? 'selected' : ''}>with errors</option>
        <option value="ok" ${params.get('status') === 'ok' ? 'selected' : ''}>without errors</option>
      </select>
      <button type="submit">Filter</button>
    </form>
    <table data-testid="trace-list">
      <thead><tr><th>Time</th><th>Root span</th><th>Service</th><th>Duration</th><th>Spans</th><th>Errors</th><th>Tools</th></tr></thead>
      <tbody>${data.traces.map((t) => `
        <tr class="trace-row" data-trace-id="${t.traceId}" data-testid="trace-row">
          <td>${when(t.startTimeUnixNano)}</td><td>${esc(t.rootName)}</td><td>${esc(t.service)}</td>
          <td>${ms(t.durationNanos)}</td><td>${t.spanCount}</td>
          <td>${t.errorCount ? `<span class="badge error">${t.errorCount}</span>` : '0'}</td>
          <td>${esc(t.tools.join(', '))}</td>
        </tr>`).join('') || '<tr><td colspan="7" class="muted">No traces yet.</td></tr>'}</tbody>
    </table>`;
  document.getElementById('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new URLSearchParams(new FormData(e.target));
    for (const [k, v] of [...f]) if (!v) f.delete(k);
    location.hash = '#/?' + f.toString();
  });
  for (const row of app.querySelectorAll('tr.trace-row')) {
    row.addEventListener('click', () => { location.hash = `#/trace/${row.dataset.traceId}`; });
  }
}

function depthOf(span, byId) {
  let d = 0;
  for (let p = byId[span.parentSpanId]; p && d < 64; p = byId[p.parentSpanId]) d++;
  return d;
}

// Orders spans depth-first under their parents, so children sit below their parent.
function treeOrder(spans, byId) {
  const children = {};
  const roots = [];
  for (const s of spans) {
    if (s.parentSpanId && byId[s.parentSpanId]) (children[s.parentSpanId] ||= []).push(s);
    else roots.push(s);
  }
  const out = [];
  const visit = (s) => { out.push(s); for (const c of children[s.spanId] || []) visit(c); };
  roots.forEach(visit);
  return out;
}

async function showTrace(traceId, selectedSpanId) {
  let data;
  try { data = await api('traces/' + traceId); } catch (e) {
    app.innerHTML = `<p>Trace <code>${esc(traceId)}</code> is not in the store (${esc(e.message)}). <a href="#/">Back to the list</a></p>`;
    return;
  }
  const spans = data.spans;
  const byId = Object.fromEntries(spans.map((s) => [s.spanId, s]));
  const start = Math.min(...spans.map((s) => Number(s.startTimeUnixNano)));
  const end = Math.max(...spans.map((s) => Number(s.endTimeUnixNano)));
  const total = Math.max(end - start, 1);
  const selected = byId[selectedSpanId] || spans.find((s) => !byId[s.parentSpanId]) || spans[0];
  app.innerHTML = `
    <p><a href="#/">&larr; all traces</a> &nbsp; trace <code data-testid="trace-id">${esc(traceId)}</code> &middot; ${spans.length} spans &middot; ${ms(total)}</p>
    <p class="legend">${[2, 3, 1].map((k) => `<span><i style="background:var(--${kinds[k]})"></i>${kinds[k]}</span>`).join('')}<span><i style="background:var(--link)"></i>has links</span></p>
    <div class="trace-layout">
      <div class="waterfall" data-testid="waterfall">${treeOrder(spans, byId).map((s) => {
        const left = ((Number(s.startTimeUnixNano) - start) / total) * 100;
        const width = ((Number(s.endTimeUnixNano) - Number(s.startTimeUnixNano)) / total) * 100;
        return `<div class="wf-row ${s === selected ? 'selected' : ''}" data-span-id="${s.spanId}" data-testid="span-row">
          <div class="wf-name" style="padding-left:${8 + depthOf(s, byId) * 16}px" title="${esc(s.name)}">${esc(s.name)}<span class="kind">${kinds[s.kind] || ''}</span>${s.links.length ? `<span class="link-mark" title="${s.links.length} link(s)">&#8599;${s.links.length}</span>` : ''}${s.status.code === 2 ? ' <span class="badge error">error</span>' : ''}</div>
          <div class="wf-track"><div class="wf-bar kind-${s.kind} status-${s.status.code}" style="left:${left}%;width:${Math.max(width, 0.2)}%"></div>
          <span class="wf-dur" style="left:${Math.min(left + width, 88)}%">&nbsp;${ms(Number(s.endTimeUnixNano) - Number(s.startTimeUnixNano))}</span></div>
        </div>`;
      }).join('')}</div>
      <div class="details" data-testid="span-details">${details(selected, byId)}</div>
    </div>`;
  for (const row of app.querySelectorAll('.wf-row')) {
    row.addEventListener('click', () => { location.hash = `#/trace/${traceId}/${row.dataset.spanId}`; });
  }
}

function details(s, byId) {
  const parent = s.parentSpanId
    ? (byId[s.parentSpanId]
      ? `<a href="#/trace/${s.traceId}/${s.parentSpanId}" data-testid="parent-link">${esc(byId[s.parentSpanId].name)}</a> <code>${s.parentSpanId}</code>`
      : `<code data-testid="parent-remote">${s.parentSpanId}</code> <span class="muted">(remote parent, not recorded here)</span>`)
    : '<span class="muted">none (root span)</span>';
  const status = ['unset', 'ok', 'error'][s.status.code] || 'unset';
  return `
    <h2 data-testid="span-name">${esc(s.name)}</h2>
    <div class="kv">
      <div>span id</div><div data-testid="span-id">${s.spanId}</div>
      <div>trace id</div><div>${s.traceId}</div>
      <div>parent</div><div data-testid="span-parent">${parent}</div>
      <div>kind</div><div>${kinds[s.kind] || s.kind}</div>
      <div>service</div><div>${esc(s.service)}</div>
      <div>status</div><div class="status-${status}">${status}${s.status.message ? ': ' + esc(s.status.message) : ''}</div>
      <div>duration</div><div>${ms(Number(s.endTimeUnixNano) - Number(s.startTimeUnixNano))}</div>
    </div>
    <h3>Attributes</h3>${kvTable(s.attributes)}
    <h3>Links (${s.links.length})</h3>
    <div data-testid="span-links">${s.links.map((l) => `
      <a class="span-link" href="#/span/${l.traceId}/${l.spanId}" data-testid="span-link" data-trace-id="${l.traceId}" data-span-id="${l.spanId}">
        &#8599; ${esc(byId[l.spanId] ? byId[l.spanId].name : 'span ' + l.spanId)} <span class="muted">in trace ${l.traceId.slice(0, 8)}&hellip;</span>
        ${kvTable(l.attributes)}
      </a>`).join('') || '<div class="muted">none</div>'}</div>
    <h3>Events (${s.events.length})</h3>
    ${s.events.map((e) => `<div><b>${esc(e.name)}</b> <span class="muted">${when(e.timeUnixNano)}</span>${kvTable(e.attributes)}</div>`).join('') || '<div class="muted">none</div>'}`;
}

async function route() {
  const h = location.hash.replace(/^#/, '');
  const parts = h.split('?')[0].split('/').filter(Boolean);
  try {
    if (parts[0] === 'trace' && parts[1]) return await showTrace(parts[1], parts[2]);
    if (parts[0] === 'span' && parts[1] && parts[2]) {
      // A link names its trace; jump there (it may be a different trace than the current one).
      location.replace(`#/trace/${parts[1]}/${parts[2]}`);
      return;
    }
    await showList();
  } catch (e) {
    app.innerHTML = `<p class="status-error">Could not load: ${esc(e.message)}</p>`;
  }
}
window.addEventListener('hashchange', route);
route();
)lumen";
}

}  // namespace lumen::viewer
