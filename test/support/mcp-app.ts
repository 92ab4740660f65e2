import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { buildTestApp, type TestApp, type TestAppOptions } from './test-app.js';

/** A tool's answer as the tools give it: one text item. */
export interface TextResult {
  content: { type: string; text: string }[];
  isError?: boolean;
}

export interface McpApp {
  readonly t: TestApp;
  /** http://127.0.0.1:port */
  readonly url: string;
  /** An MCP SDK client on /mcp carrying `key`; `fetch` sees every HTTP exchange. */
  connect(key: string, fetch?: typeof globalThis.fetch): Promise<Client>;
  close(): Promise<void>;
}

/** The real app (the composition root mounts /mcp), listening on 127.0.0.1. */
export async function startMcpApp(options: TestAppOptions = {}): Promise<McpApp> {
  const t = await buildTestApp(options);
  const server: Server = await new Promise((resolve) => {
    const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: Client[] = [];
  return {
    t,
    url,
    async connect(key, fetch) {
      const client = new Client({ name: 'memtrace-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
          requestInit: { headers: { 'x-api-key': key } },
          ...(fetch === undefined ? {} : { fetch }),
        }),
      );
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.storage.close();
    },
  };
}

export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<TextResult> {
  return (await client.callTool({ name, arguments: args })) as TextResult;
}
