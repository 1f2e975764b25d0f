// A small OTLP/HTTP receiver for tests. It decodes protobuf bodies with the OpenTelemetry JS
// project's generated schema (@opentelemetry/otlp-transformer 0.52.1; traces, and metrics on
// /v1/metrics) and JSON bodies as they are, and prints one JSON line per export request
// (normalised: hex ids, numbers as strings or numbers) on stdout.
// The first stdout line is `listening on PORT`.
// Every line has `sinceLastResponseMs`: the time from the previous answer to this request (the
// client's wait between attempts; null for the first request).
// Usage: node receiver.mjs [normal|flaky|silent|reject|partial|fail:STATUS:COUNT[:RETRY_AFTER]]
//   flaky: answers 503 (Retry-After: 0) to the first request, then 200.
//   fail:STATUS:COUNT[:RETRY_AFTER]: answers STATUS to the first COUNT requests, printing
//     {"failed": attempt, "status": STATUS, ...} for each, then behaves as normal. RETRY_AFTER is
//     sent as the Retry-After header as is, or as an HTTP-date N seconds ahead for `date+N`.
//   silent: accepts requests and never answers.
//   reject: answers 400 and prints {"rejected": attempts}.
//   partial: answers 200 with a protobuf partial success rejecting 3 spans.
import http from 'node:http';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
const MetricsRequest = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
const [mode, failStatus, failCount, retryAfter] = (process.argv[2] || 'normal').split(':');
let attempts = 0;
let lastResponseAt = null;
const sinceLastResponse = () => (lastResponseAt === null ? null : Math.round(performance.now() - lastResponseAt));
const answered = () => { lastResponseAt = performance.now(); };

const hex = (b) => Buffer.from(b || []).toString('hex');
const anyValue = (v) => {
  if (!v) return null;
  if (v.stringValue != null) return { string: v.stringValue };
  if (v.boolValue != null) return { bool: v.boolValue };
  if (v.intValue != null) return { int: String(v.intValue) };
  if (v.doubleValue != null) return { double: v.doubleValue };
  if (v.arrayValue) return { array: (v.arrayValue.values || []).map(anyValue) };
  return { other: true };
};
const attrs = (list) => Object.fromEntries((list || []).map((a) => [a.key, anyValue(a.value)]));

function fromProtobuf(buf) {
  const msg = Request.decode(buf);
  return msg.resourceSpans.map((rs) => ({
    resource: attrs(rs.resource?.attributes),
    scopes: rs.scopeSpans.map((ss) => ({
      scope: { name: ss.scope?.name, version: ss.scope?.version },
      spans: ss.spans.map((s) => ({
        traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: hex(s.parentSpanId), traceState: s.traceState,
        flags: s.flags, name: s.name, kind: s.kind,
        startTimeUnixNano: String(s.startTimeUnixNano), endTimeUnixNano: String(s.endTimeUnixNano),
        attributes: attrs(s.attributes), droppedAttributesCount: s.droppedAttributesCount,
        events: (s.events || []).map((e) => ({ name: e.name, timeUnixNano: String(e.timeUnixNano), attributes: attrs(e.attributes) })),
        droppedEventsCount: s.droppedEventsCount,
        links: (s.links || []).map((l) => ({ traceId: hex(l.traceId), spanId: hex(l.spanId), traceState: l.traceState, flags: l.flags, attributes: attrs(l.attributes) })),
        droppedLinksCount: s.droppedLinksCount,
        status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
      })),
    })),
  }));
}

function metricsFromProtobuf(buf) {
  const msg = MetricsRequest.decode(buf);
  return msg.resourceMetrics.map((rm) => ({
    resource: attrs(rm.resource?.attributes),
    scopes: rm.scopeMetrics.map((sm) => ({
      scope: { name: sm.scope?.name, version: sm.scope?.version },
      metrics: sm.metrics.map((m) => ({
        name: m.name, description: m.description, unit: m.unit,
        histogram: m.histogram ? {
          aggregationTemporality: m.histogram.aggregationTemporality,
          dataPoints: m.histogram.dataPoints.map((p) => ({
            attributes: attrs(p.attributes),
            startTimeUnixNano: String(p.startTimeUnixNano), timeUnixNano: String(p.timeUnixNano),
            count: String(p.count), sum: p.sum, min: p.min, max: p.max,
            bucketCounts: (p.bucketCounts || []).map(String), explicitBounds: p.explicitBounds || [],
          })),
        } : null,
      })),
    })),
  }));
}

const server = http.createServer((req, res) => {
  attempts += 1;
  const sinceLastResponseMs = sinceLastResponse();
  res.on('finish', answered);
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (mode === 'silent') return;  // never answer
    if (mode === 'fail' && attempts <= Number(failCount)) {
      const headers = {};
      if (retryAfter !== undefined) {
        headers['Retry-After'] = retryAfter.startsWith('date+')
          ? new Date(Date.now() + 1000 * Number(retryAfter.slice(5))).toUTCString()
          : retryAfter;
      }
      process.stdout.write(JSON.stringify({ failed: attempts, status: Number(failStatus), retryAfter: headers['Retry-After'] ?? null, sinceLastResponseMs }) + '\n');
      res.writeHead(Number(failStatus), headers);
      res.end();
      return;
    }
    if (mode === 'reject') {
      process.stdout.write(JSON.stringify({ rejected: attempts }) + '\n');
      res.writeHead(400);
      res.end();
      return;
    }
    if (mode === 'flaky' && attempts === 1) {
      res.writeHead(503, { 'Retry-After': '0' });
      res.end();
      return;
    }
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
    const type = req.headers['content-type'];
    const decode = req.url === '/v1/metrics' ? metricsFromProtobuf : fromProtobuf;
    const decoded = type === 'application/json' ? { json: JSON.parse(body.toString()) } : { protobuf: decode(body) };
    process.stdout.write(JSON.stringify({ path: req.url, contentType: type, attempts, sinceLastResponseMs, gzip: req.headers['content-encoding'] === 'gzip', ...decoded }) + '\n');
    res.writeHead(200, { 'Content-Type': type });
    if (mode === 'partial') {
      // ExportTraceServiceResponse { partial_success { rejected_spans: 3 } }
      res.end(Buffer.from([0x0a, 0x02, 0x08, 0x03]));
      return;
    }
    res.end(type === 'application/json' ? '{}' : '');
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on ${server.address().port}\n`));
