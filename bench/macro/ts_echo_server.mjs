// The official TypeScript SDK's server with the same `echo` tool: stateless Streamable HTTP with
// JSON responses (port from argv), or stdio with --stdio.
import http from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

function makeServer() {
  const server = new McpServer({ name: 'ts-echo', version: '1.0.0' });
  server.tool('echo', { message: z.string() }, async ({ message }) => ({ content: [{ type: 'text', text: message }] }));
  return server;
}

if (process.argv.includes('--stdio')) {
  await makeServer().connect(new StdioServerTransport());
} else {
  const port = Number(process.argv[2] || 0);
  const httpServer = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = JSON.parse(Buffer.concat(chunks).toString() || 'null');
    const server = makeServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => { transport.close(); server.close(); });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  httpServer.keepAliveTimeout = 60000;
  httpServer.listen(port, '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${httpServer.address().port}/mcp`);
  });
}
