// Browser test of the embedded trace viewer in headless Chromium (Debian's, driven by
// playwright-core). Starts `lumen demo --port 0`, waits until its scripted client is done, opens
// the viewer, opens a trace made by a client that sent `_meta` context through the HTTP layer,
// checks that the MCP span shows its parent and one Link to the HTTP span, follows the Link, and
// saves a screenshot. Usage: node viewer_test.mjs PATH_TO_LUMEN SCREENSHOT_DIR
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
  console.log(`ok - viewer shows parent and Link; screenshots in ${screenshotDir}`);
} finally {
  await browser.close();
  demo.kill('SIGINT');
}
