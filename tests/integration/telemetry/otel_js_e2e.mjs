// End-to-end proof of the parent/link rule with peers no one here wrote: a Node client using the
// official MCP TypeScript SDK and the OpenTelemetry JS SDK starts a CLIENT span, puts its context
// into params._meta of tools/call, and sends a *different* traceparent header (its HTTP layer's
// span). Lumen exports over OTLP/HTTP (protobuf) to a receiver here that decodes with the
// OpenTelemetry JS generated schema, and asserts:
//   - the MCP span's parent is the client span, with exactly one Link, to the HTTP server span;
//   - the HTTP span's parent is the header context; required attributes are present;
//   - the metrics (OTLP /v1/metrics, exported at shutdown) hold the operation, session and HTTP
//     request durations.
// Then the same over stdio with TRACEPARENT set (the Link is the environment's context).
// Usage: node otel_js_e2e.mjs PATH_TO_FEATURE_TOUR
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { context, trace, SpanKind } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const require = createRequire(import.meta.url);
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
const ExportMetricsServiceRequest = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

const serverPath = process.argv[2];
const which = process.argv[3] || 'all';
assert.ok(serverPath, 'usage: otel_js_e2e.mjs PATH_TO_FEATURE_TOUR [http|stdio|all]');

// ---- OTLP/HTTP receiver (protobuf) -------------------------------------------------------
const received = [];  // flattened spans with their resource attributes
const metrics = [];  // flattened histogram points: { name, unit, attributes, count }
const hex = (b) => Buffer.from(b || []).toString('hex');
const attrs = (list) => Object.fromEntries((list || []).map((a) => {
  const v = a.value || {};
  const val = v.stringValue ?? v.boolValue ?? (v.intValue != null ? Number(v.intValue) : undefined) ?? v.doubleValue;
  return [a.key, val];
}));
const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    assert.equal(req.headers['content-type'], 'application/x-protobuf');
    if (req.url === '/v1/metrics') {
      const m = ExportMetricsServiceRequest.decode(Buffer.concat(chunks));
      for (const rm of m.resourceMetrics) {
        const resource = attrs(rm.resource?.attributes);
        for (const sm of rm.scopeMetrics) {
          for (const metric of sm.metrics) {
            assert.ok(metric.histogram, `${metric.name} is a histogram`);
            for (const p of metric.histogram.dataPoints) {
              metrics.push({ name: metric.name, unit: metric.unit, resource, attributes: attrs(p.attributes), count: Number(p.count),
                             temporality: metric.histogram.aggregationTemporality });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
      return;
    }
    assert.equal(req.url, '/v1/traces');
    const msg = ExportTraceServiceRequest.decode(Buffer.concat(chunks));
    for (const rs of msg.resourceSpans) {
      const resource = attrs(rs.resource?.attributes);
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          received.push({
            traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: hex(s.parentSpanId), name: s.name, kind: s.kind,
            attributes: attrs(s.attributes), status: s.status || {}, resource,
            links: (s.links || []).map((l) => ({ traceId: hex(l.traceId), spanId: hex(l.spanId), attributes: attrs(l.attributes) })),
          });
        }
      }
    }
    res.writeHead(200, { 'content-type': 'application/x-protobuf' });
    res.end();
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const otlpEndpoint = `http://127.0.0.1:${receiver.address().port}`;
const serverEnv = {
  ...process.env,
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
  OTEL_BSP_SCHEDULE_DELAY: '50',
  OTEL_SERVICE_NAME: 'feature-tour-e2e',
  LUMEN_TELEMETRY: 'full',
};

// ---- OpenTelemetry JS on the client side -------------------------------------------------
const provider = new BasicTracerProvider();
provider.addSpanProcessor(new SimpleSpanProcessor(new InMemorySpanExporter()));
const tracer = provider.getTracer('otel-js-e2e');
const propagator = new W3CTraceContextPropagator();
const carrier = (span) => {
  const c = {};
  propagator.inject(trace.setSpan(context.active(), span), c, { set: (o, k, v) => { o[k] = v; } });
  return c;
};

async function waitForSpan(predicate, what) {
  for (let i = 0; i < 200; i++) {
    const s = received.find(predicate);
    if (s) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no exported span: ${what}; got ${JSON.stringify(received.map((s) => s.name))}`);
}

async function waitForMetric(predicate, what) {
  for (let i = 0; i < 200; i++) {
    const m = metrics.find(predicate);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no exported metric point: ${what}; got ${JSON.stringify(metrics.map((m) => [m.name, m.attributes]))}`);
}

// Exported once more when the server shuts down (the interval is a minute).
async function checkMetrics(transport) {
  const op = await waitForMetric((m) => m.name === 'mcp.server.operation.duration' && m.attributes['gen_ai.tool.name'] === 'add',
    'mcp.server.operation.duration of tools/call add');
  assert.equal(op.unit, 's');
  assert.equal(op.temporality, 2, 'cumulative');
  assert.equal(op.attributes['mcp.method.name'], 'tools/call');
  assert.equal(op.attributes['network.transport'], transport);
  assert.equal(op.attributes['mcp.session.id'], undefined, 'no session id on metrics');
  assert.equal(op.resource['service.name'], 'feature-tour-e2e');
  assert.ok(op.count >= 1);
  const session = await waitForMetric((m) => m.name === 'mcp.server.session.duration', 'mcp.server.session.duration');
  assert.equal(session.attributes['mcp.protocol.version'], '2025-11-25');
  assert.equal(session.attributes['network.protocol.name'], transport === 'tcp' ? 'http' : undefined);
  if (transport === 'tcp') {
    const h = await waitForMetric((m) => m.name === 'http.server.request.duration' && m.attributes['http.request.method'] === 'POST',
      'http.server.request.duration of POST');
    assert.equal(h.attributes['http.route'], '/mcp');
    assert.equal(h.attributes['http.response.status_code'], 200);
  }
}

function checkMcpSpan(mcp, clientSpan, transport) {
  assert.equal(mcp.kind, 2, 'SERVER kind');  // OTLP SPAN_KIND_SERVER
  assert.equal(mcp.traceId, clientSpan.spanContext().traceId, 'MCP span is in the client trace');
  assert.equal(mcp.parentSpanId, clientSpan.spanContext().spanId, 'MCP span parent = the client span from _meta');
  assert.equal(mcp.attributes['mcp.method.name'], 'tools/call');
  assert.equal(mcp.attributes['gen_ai.tool.name'], 'add');
  assert.equal(mcp.attributes['gen_ai.operation.name'], 'execute_tool');
  assert.ok(mcp.attributes['jsonrpc.request.id'], 'jsonrpc.request.id');
  assert.equal(mcp.attributes['mcp.protocol.version'], '2025-11-25');
  assert.equal(mcp.attributes['network.transport'], transport);
  assert.equal(mcp.resource['service.name'], 'feature-tour-e2e');
  assert.equal(mcp.links.length, 1, 'exactly one Link');
}

// ---- Streamable HTTP ---------------------------------------------------------------------
if (which === 'http' || which === 'all') {
  const server = spawn(serverPath, ['--port', '0'], { env: serverEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    readline.createInterface({ input: server.stdout }).once('line', (l) => {
      const m = l.match(/^listening on (\S+)$/);
      if (m) resolve(m[1]); else reject(new Error(`unexpected first line ${l}`));
    });
    server.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  // The client's HTTP layer has its own span: its context goes in the traceparent header.
  const httpClientSpan = tracer.startSpan('HTTP POST', { kind: SpanKind.CLIENT });
  const headerCarrier = carrier(httpClientSpan);
  const client = new Client({ name: 'otel-js-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: headerCarrier } }));
  const clientSpan = tracer.startSpan('tools/call add', { kind: SpanKind.CLIENT });
  const meta = carrier(clientSpan);
  const result = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 }, _meta: meta });
  assert.deepEqual(result.structuredContent, { sum: 3 });
  clientSpan.end();
  httpClientSpan.end();

  const mcp = await waitForSpan((s) => s.name === 'tools/call add' && s.kind === 2, 'MCP tools/call span');
  checkMcpSpan(mcp, clientSpan, 'tcp');
  assert.equal(mcp.links[0].attributes['lumen.link.kind'], 'transport');
  const httpSpan = await waitForSpan((s) => s.spanId === mcp.links[0].spanId, 'the linked HTTP span');
  assert.equal(httpSpan.name, 'POST /mcp');
  assert.equal(httpSpan.kind, 2);
  assert.equal(mcp.links[0].traceId, httpSpan.traceId);
  assert.equal(httpSpan.traceId, httpClientSpan.spanContext().traceId, 'HTTP span continues the header trace');
  assert.equal(httpSpan.parentSpanId, httpClientSpan.spanContext().spanId, 'HTTP span parent = the header context');
  for (const [k, v] of Object.entries({
    'http.request.method': 'POST', 'url.path': '/mcp', 'url.scheme': 'http', 'http.route': '/mcp',
    'http.response.status_code': 200, 'network.protocol.version': '1.1', 'server.address': '127.0.0.1',
  })) assert.equal(httpSpan.attributes[k], v, k);
  assert.ok(httpSpan.attributes['server.port'] > 0);
  assert.equal(httpSpan.attributes['client.address'], '127.0.0.1');
  assert.match(String(httpSpan.attributes['user_agent.original'] ?? 'node'), /./);
  assert.ok(mcp.attributes['mcp.session.id'], 'mcp.session.id on HTTP');
  await client.close();
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await exited;
  await checkMetrics('tcp');
  console.log('ok - streamable http: parent = _meta client span, Link = HTTP server span; metrics exported');
}

// ---- stdio with TRACEPARENT --------------------------------------------------------------
if (which === 'stdio' || which === 'all') {
  received.length = 0;
  metrics.length = 0;
  const launcher = tracer.startSpan('launch server', { kind: SpanKind.INTERNAL });
  const env = { ...serverEnv, TRACEPARENT: carrier(launcher).traceparent };
  const client = new Client({ name: 'otel-js-e2e', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: serverPath, args: ['--stdio'], env, stderr: 'inherit' }));
  const clientSpan = tracer.startSpan('tools/call add', { kind: SpanKind.CLIENT });
  await client.callTool({ name: 'add', arguments: { a: 2, b: 2 }, _meta: carrier(clientSpan) });
  clientSpan.end();
  const mcp = await waitForSpan((s) => s.name === 'tools/call add' && s.kind === 2, 'MCP span over stdio');
  checkMcpSpan(mcp, clientSpan, 'pipe');
  assert.equal(mcp.links[0].spanId, launcher.spanContext().spanId, 'Link = the TRACEPARENT context');
  assert.equal(mcp.links[0].traceId, launcher.spanContext().traceId);
  assert.equal(mcp.links[0].attributes['lumen.link.kind'], 'environment');
  await client.close();
  launcher.end();
  await checkMetrics('pipe');
  console.log('ok - stdio: parent = _meta client span, Link = TRACEPARENT (environment); metrics exported');
}
receiver.close();
