// Browser test of the embedded trace viewer in headless Chromium (Debian's, driven by
// playwright-core). Starts `lumen demo --port 0`, waits until its scripted client is done, opens
// the viewer, opens a trace made by a client that sent `_meta` context through the HTTP layer,
// checks that the MCP span shows its parent and one Link to the HTTP span, follows the Link, then
// follows a Link into another trace (a request through the demo's instrumented gateway), and
// saves screenshots. Usage: node viewer_test.mjs PATH_TO_LUMEN SCREENSHOT_DIR
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { chromium } from 'playwright-core';

const [lumenPath, screenshotDir] = process.argv.slice(2);
assert.ok(lumenPath && screenshotDir, 'usage: viewer_test.mjs PATH_TO_LUMEN SCREENSHOT_DIR');
fs.mkdirSync(screenshotDir, { recursive: true });

const demo = spawn(lumenPath, ['demo', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const lines = readline.createInterface({ input: demo.stdout });
let viewerUrl;
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('the demo did not get ready in 60 s')), 60000);
  demo.once('exit', (code) => reject(new Error(`the demo exited with ${code}`)));
  lines.on('line', (line) => {
    console.log(`demo| ${line}`);
    const m = line.match(/trace viewer: (http:\/\/\S+)/);
    if (m) viewerUrl = m[1];
    if (/^demo ready/.test(line)) { clearTimeout(timer); resolve(); }
  });
});
assert.ok(viewerUrl, 'the demo printed the viewer URL');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => { throw e; });
  await page.goto(viewerUrl);

  // The list shows traces; filter to the tool the _meta-propagating client called.
  await page.waitForSelector('[data-testid="trace-row"]');
  await page.fill('[data-testid="filter-tool"]', 'get_weather');
  await page.click('button[type="submit"]');
  await page.waitForFunction(() => location.hash.includes('tool=get_weather'));
  await page.waitForSelector('[data-testid="trace-row"]');
  const rows = await page.$$eval('[data-testid="trace-row"]', (trs) => trs.map((tr) => ({ id: tr.dataset.traceId, text: tr.innerText })));
  // The trace whose root is the client's span (the client ran in the demo process and sent _meta).
  const clientTrace = rows.find((r) => /^.*tools\/call get_weather/.test(r.text) && /lumen-demo-client/.test(r.text));
  assert.ok(clientTrace, `a trace rooted at the demo client's span: ${JSON.stringify(rows)}`);
  await page.click(`[data-trace-id="${clientTrace.id}"]`);
  await page.waitForSelector('[data-testid="waterfall"]');

  // Select the MCP SERVER span and check its parent and its Link.
  const serverRow = page.locator('[data-testid="span-row"]', { hasText: 'tools/call get_weather' }).filter({ hasText: 'server' });
  await serverRow.first().click();
  await page.waitForFunction(() => /server/.test(document.querySelector('[data-testid="span-details"]').innerText));
  const details = page.locator('[data-testid="span-details"]');
  assert.equal(await details.locator('[data-testid="span-name"]').innerText(), 'tools/call get_weather');
  const parentText = await details.locator('[data-testid="span-parent"]').innerText();
  assert.match(parentText, /tools\/call get_weather/, 'the MCP span parent is the client span (from _meta)');
  const links = details.locator('[data-testid="span-link"]');
  assert.equal(await links.count(), 1, 'exactly one Link');
  const linkText = await links.first().innerText();
  assert.match(linkText, /lumen\.link\.kind/);
  assert.match(linkText, /transport/);
  const linkedSpan = await links.first().getAttribute('data-span-id');
  const linkedTrace = await links.first().getAttribute('data-trace-id');
  await page.screenshot({ path: path.join(screenshotDir, 'viewer-mcp-span.png'), fullPage: true });

  // Follow the Link: it lands on the HTTP server span, selected, in its own trace.
  await links.first().click();
  await page.waitForFunction((id) => location.hash.endsWith(id), linkedSpan);
  await page.waitForFunction((id) => document.querySelector('[data-testid="span-id"]')?.innerText === id, linkedSpan);
  assert.equal(await page.locator('[data-testid="trace-id"]').innerText(), linkedTrace);
  assert.match(await page.locator('[data-testid="span-name"]').innerText(), /^POST \/mcp$/);
  await page.screenshot({ path: path.join(screenshotDir, 'viewer-http-span.png'), fullPage: true });

  // A Link into another trace: the demo's request through the instrumented gateway. Its MCP span's
  // parent is the client span; its Link is the HTTP span, which lives in the gateway's trace.
  const api = viewerUrl.replace(/\/$/, '') + '/api';
  const listed = await (await fetch(`${api}/traces?tool=get_weather&limit=1000`)).json();
  let crossing;
  for (const t of listed.traces) {
    const { spans } = await (await fetch(`${api}/traces/${t.traceId}`)).json();
    const mcp = spans.find((s) => s.kind === 2 && s.name === 'tools/call get_weather' && s.links.length === 1 &&
      s.links[0].traceId !== s.traceId);
    if (mcp) { crossing = mcp; break; }
  }
  assert.ok(crossing, 'the demo made an MCP span whose Link points into another trace (the gateway request)');
  await page.goto(`${viewerUrl}#/trace/${crossing.traceId}/${crossing.spanId}`);
  await page.waitForFunction((id) => document.querySelector('[data-testid="span-id"]')?.innerText === id, crossing.spanId);
  const crossLink = page.locator('[data-testid="span-details"] [data-testid="span-link"]');
  assert.equal(await crossLink.count(), 1);
  await crossLink.first().click();
  const target = crossing.links[0];
  await page.waitForFunction((id) => document.querySelector('[data-testid="span-id"]')?.innerText === id, target.spanId);
  assert.equal(await page.locator('[data-testid="trace-id"]').innerText(), target.traceId, 'the viewer jumped to the other trace');
  assert.notEqual(target.traceId, crossing.traceId);
  assert.match(await page.locator('[data-testid="span-name"]').innerText(), /^POST \/mcp$/);
  const gatewayTrace = await (await fetch(`${api}/traces/${target.traceId}`)).json();
  const httpSpan = gatewayTrace.spans.find((s) => s.spanId === target.spanId);
  const gatewaySpan = gatewayTrace.spans.find((s) => s.service === 'edge-gateway');
  assert.ok(gatewaySpan, 'the gateway span is in the linked trace');
  assert.equal(httpSpan.parentSpanId, gatewaySpan.spanId, "the server's HTTP span is parented by the gateway's header");
  await page.screenshot({ path: path.join(screenshotDir, 'viewer-cross-trace-link.png'), fullPage: true });
  console.log(`ok - viewer shows parent and Link, follows Links within and across traces; screenshots in ${screenshotDir}`);
} finally {
  await browser.close();
  demo.kill('SIGINT');
}
