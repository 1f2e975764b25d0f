// The official MCP TypeScript SDK client drives examples/feature_tour and checks every server
// feature's exact result, over real stdio pipes or over Streamable HTTP.
// Usage: node typescript_sdk_client.mjs [--http] PATH_TO_FEATURE_TOUR
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema,
  LoggingMessageNotificationSchema, ResourceUpdatedNotificationSchema, McpError,
} from '@modelcontextprotocol/sdk/types.js';

const useHttp = process.argv[2] === '--http';
const serverPath = process.argv[useHttp ? 3 : 2];
assert.ok(serverPath, 'usage: typescript_sdk_client.mjs [--http] PATH_TO_SERVER');

// Over HTTP one server process serves every client; it prints `listening on URL` when ready.
let serverUrl;
let httpServer;
if (useHttp) {
  httpServer = spawn(serverPath, ['--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: httpServer.stdout });
  serverUrl = await new Promise((resolve, reject) => {
    lines.once('line', (line) => {
      const m = line.match(/^listening on (http:\/\/\S+)$/);
      if (m) resolve(m[1]); else reject(new Error(`unexpected first line: ${line}`));
    });
    httpServer.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

let step = 0;
async function check(name, fn) {
  step += 1;
  try {
    await fn();
    console.log(`ok ${step} - ${name}`);
  } catch (e) {
    console.log(`not ok ${step} - ${name}`);
    throw e;
  }
}

function waitFor(predicate, what, ms = 5000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const v = predicate();
      if (v) { clearInterval(timer); resolve(v); }
      else if (Date.now() - started > ms) { clearInterval(timer); reject(new Error(`timed out waiting for ${what}`)); }
    }, 10);
  });
}

async function connect(capabilities) {
  const client = new Client({ name: 'lumen-ts-sdk-test', version: '1.0.0' }, { capabilities });
  const transport = useHttp
    ? new StreamableHTTPClientTransport(new URL(serverUrl))
    : new StdioClientTransport({ command: serverPath, args: ['--stdio'], stderr: 'inherit' });
  await client.connect(transport);
  return client;
}

async function expectMcpError(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof McpError, `expected an McpError, got ${e}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

const client = await connect({ sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } });
const logs = [];
client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => { logs.push(n.params); });
const updates = [];
client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => { updates.push(n.params.uri); });
client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
  assert.equal(req.params.messages[0].content.text, 'What is 6*7?');
  return { role: 'assistant', content: { type: 'text', text: '42' }, model: 'test-model' };
});
client.setRequestHandler(ElicitRequestSchema, async (req) => {
  assert.equal(req.params.message, 'What is your name?');
  assert.deepEqual(req.params.requestedSchema.required, ['name']);
  return { action: 'accept', content: { name: 'Ada' } };
});
client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///tmp/project', name: 'project' }] }));

const text = (result, i = 0) => result.content[i].text;

await check('initialize: version, server info, capabilities, instructions', async () => {
  const info = client.getServerVersion();
  assert.equal(info.name, 'feature-tour');
  assert.equal(info.version, '1.0.0');
  assert.equal(info.title, 'Lumen feature tour');
  assert.equal(info.icons[0].src, 'https://example.com/lumen.png');
  assert.equal(client.getInstructions(), 'A tour of every MCP server feature Lumen implements.');
  const caps = client.getServerCapabilities();
  assert.deepEqual(caps.tools, { listChanged: true });
  assert.deepEqual(caps.resources, { subscribe: true, listChanged: true });
  assert.ok(caps.prompts && caps.logging && caps.completions);
  await client.ping();
});

await check('tools/list: typed schema from Boost.Describe, annotations, output schema', async () => {
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).sort();
  assert.deepEqual(names, ['add', 'ask_llm', 'ask_user', 'echo', 'fail', 'log_levels', 'media', 'roots', 'slow', 'touch']);
  const add = tools.find((t) => t.name === 'add');
  assert.equal(add.title, 'Add two numbers');
  assert.deepEqual(add.inputSchema.properties.a, { type: 'number' });
  assert.deepEqual([...add.inputSchema.required].sort(), ['a', 'b']);
  assert.deepEqual(add.outputSchema.properties.sum, { type: 'number' });
  assert.equal(add.annotations.readOnlyHint, true);
  const slow = tools.find((t) => t.name === 'slow');
  assert.deepEqual(slow.inputSchema.required, ['steps']);
});

await check('tools/call typed: structured content', async () => {
  const r = await client.callTool({ name: 'add', arguments: { a: 2, b: 3.5 } });
  assert.equal(r.isError, undefined);
  assert.deepEqual(r.structuredContent, { sum: 5.5 });
  assert.deepEqual(JSON.parse(text(r)), { sum: 5.5 });
});

await check('tools/call typed: invalid arguments name the field', async () => {
  const r = await client.callTool({ name: 'add', arguments: { a: 'two', b: 3 } });
  assert.equal(r.isError, true);
  assert.match(text(r), /"a"/);
  const missing = await client.callTool({ name: 'add', arguments: { a: 1 } });
  assert.equal(missing.isError, true);
  assert.match(text(missing), /"b"/);
});

await check('tools/call raw: success and isError', async () => {
  assert.equal(text(await client.callTool({ name: 'echo', arguments: { message: 'hi there' } })), 'hi there');
  const r = await client.callTool({ name: 'echo', arguments: {} });
  assert.equal(r.isError, true);
});

await check('tools/call: a throwing handler is an isError result', async () => {
  const r = await client.callTool({ name: 'fail', arguments: {} });
  assert.equal(r.isError, true);
  assert.match(text(r), /failed on purpose/);
});

await check('tools/call: unknown tool is a protocol error', async () => {
  await expectMcpError(client.callTool({ name: 'no_such_tool', arguments: {} }), -32602);
});

await check('tools/call: every content type', async () => {
  const r = await client.callTool({ name: 'media', arguments: {} });
  assert.deepEqual(r.content.map((c) => c.type), ['text', 'image', 'audio', 'resource_link', 'resource']);
  assert.equal(r.content[1].mimeType, 'image/png');
  assert.equal(Buffer.from(r.content[1].data, 'base64').subarray(1, 4).toString(), 'PNG');
  assert.equal(Buffer.from(r.content[2].data, 'base64').toString(), 'RIFF....WAVE');
  assert.equal(r.content[3].uri, 'lumen://readme');
  assert.equal(r.content[4].resource.text, 'inline text');
});

await check('resources: list, read text, read binary', async () => {
  const { resources } = await client.listResources();
  assert.deepEqual(resources.map((r) => r.uri).sort(), ['lumen://logo.png', 'lumen://readme']);
  const readme = await client.readResource({ uri: 'lumen://readme' });
  assert.equal(readme.contents[0].mimeType, 'text/markdown');
  assert.match(readme.contents[0].text, /^# Feature tour/);
  const logo = await client.readResource({ uri: 'lumen://logo.png' });
  const bytes = Buffer.from(logo.contents[0].blob, 'base64');
  assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
  assert.equal(bytes.length, 70);
});

await check('resources: templates list, templated read, -32002 when not found', async () => {
  const { resourceTemplates } = await client.listResourceTemplates();
  assert.equal(resourceTemplates[0].uriTemplate, 'lumen://notes/{id}');
  const note = await client.readResource({ uri: 'lumen://notes/beta' });
  assert.equal(note.contents[0].text, 'Second note.');
  assert.equal(note.contents[0].uri, 'lumen://notes/beta');
  await expectMcpError(client.readResource({ uri: 'lumen://notes/zeta' }), -32002);
  await expectMcpError(client.readResource({ uri: 'nope://x' }), -32002);
});

await check('resources: subscribe, updated notification, unsubscribe', async () => {
  await client.subscribeResource({ uri: 'lumen://readme' });
  await client.callTool({ name: 'touch', arguments: { uri: 'lumen://readme' } });
  await waitFor(() => updates.includes('lumen://readme'), 'notifications/resources/updated');
  await client.unsubscribeResource({ uri: 'lumen://readme' });
  updates.length = 0;
  await client.callTool({ name: 'touch', arguments: { uri: 'lumen://readme' } });
  await client.ping();
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(updates, []);
});

await check('prompts: list, get with arguments, missing required argument', async () => {
  const { prompts } = await client.listPrompts();
  assert.deepEqual(prompts.map((p) => p.name).sort(), ['code_review', 'greeting']);
  const review = prompts.find((p) => p.name === 'code_review');
  assert.deepEqual(review.arguments.map((a) => [a.name, a.required ?? false]), [['code', true], ['language', false]]);
  const r = await client.getPrompt({ name: 'code_review', arguments: { code: 'int x;', language: 'c++' } });
  assert.equal(r.messages[0].role, 'user');
  assert.equal(r.messages[0].content.text, 'Please review this c++ code:\nint x;');
  await expectMcpError(client.getPrompt({ name: 'code_review', arguments: {} }), -32602);
});

await check('completion: prompt argument and resource template variable', async () => {
  const p = await client.complete({ ref: { type: 'ref/prompt', name: 'code_review' }, argument: { name: 'language', value: 'c' } });
  assert.deepEqual(p.completion.values, ['c', 'c++']);
  assert.equal(p.completion.hasMore, false);
  const r = await client.complete({ ref: { type: 'ref/resource', uri: 'lumen://notes/{id}' }, argument: { name: 'id', value: 'g' } });
  assert.deepEqual(r.completion.values, ['gamma']);
});

await check('logging: setLevel filters notifications/message', async () => {
  await client.setLoggingLevel('warning');
  logs.length = 0;
  await client.callTool({ name: 'log_levels', arguments: {} });
  await waitFor(() => logs.length >= 2, 'two log messages');
  await client.ping();
  assert.deepEqual(logs.map((l) => l.level), ['warning', 'error']);
  assert.equal(logs[0].logger, 'feature_tour');
  assert.equal(logs[0].data, 'a warning message');
  await client.setLoggingLevel('debug');
  logs.length = 0;
  await client.callTool({ name: 'log_levels', arguments: {} });
  await waitFor(() => logs.length >= 4, 'four log messages');
  assert.deepEqual(logs.map((l) => l.level), ['debug', 'info', 'warning', 'error']);
  await expectMcpError(client.setLoggingLevel('loud'), -32602);
});

await check('progress: notifications with the request progress token', async () => {
  const seen = [];
  const r = await client.callTool({ name: 'slow', arguments: { steps: 3, step_ms: 10 } }, undefined,
    { onprogress: (p) => seen.push(p) });
  assert.equal(text(r), 'finished 3 steps');
  assert.deepEqual(seen.map((p) => [p.progress, p.total]), [[1, 3], [2, 3], [3, 3]]);
  assert.equal(seen[2].message, 'step 3');
});

await check('cancellation: a slow tool stops when the client cancels', async () => {
  logs.length = 0;
  const controller = new AbortController();
  const call = client.callTool({ name: 'slow', arguments: { steps: 200, step_ms: 50 } }, undefined, { signal: controller.signal });
  setTimeout(() => controller.abort('changed my mind'), 200);
  await assert.rejects(call);
  const cancelled = await waitFor(() => logs.find((l) => /cancelled at step/.test(l.data)), 'the handler to see cancellation');
  const atStep = Number(cancelled.data.match(/step (\d+)/)[1]);
  assert.ok(atStep < 20, `stopped at step ${atStep}`);
  await client.ping();
});

await check('sampling: a tool asks the client model', async () => {
  const r = await client.callTool({ name: 'ask_llm', arguments: { question: 'What is 6*7?' } });
  assert.equal(text(r), 'model said: 42');
});

await check('elicitation: a tool asks the user (form mode)', async () => {
  const r = await client.callTool({ name: 'ask_user', arguments: {} });
  assert.equal(text(r), 'hello Ada');
});

await check('roots: a tool lists the client roots', async () => {
  const r = await client.callTool({ name: 'roots', arguments: {} });
  assert.deepEqual(JSON.parse(text(r)), { roots: [{ uri: 'file:///tmp/project', name: 'project' }] });
});

await client.close();

const bare = await connect({});
await check('capabilities: sampling without the client capability is a clear isError', async () => {
  const r = await bare.callTool({ name: 'ask_llm', arguments: {} });
  assert.equal(r.isError, true);
  assert.match(text(r), /did not declare the "sampling" capability/);
  const e = await bare.callTool({ name: 'ask_user', arguments: {} });
  assert.equal(e.isError, true);
  assert.match(text(e), /"elicitation"/);
});
await bare.close();

if (httpServer) httpServer.kill('SIGTERM');
console.log(`all ${step} checks passed (${useHttp ? 'streamable http' : 'stdio'})`);
