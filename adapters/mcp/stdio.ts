import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer, MCP_SERVER_VERSION } from './mcp-server.js';
import type { MemtraceBackend } from './memtrace-backend.js';

/** Serves the MCP tools over `backend` on stdin/stdout until the client hangs up. */
export async function serveMcpStdio(backend: MemtraceBackend): Promise<void> {
  const server = createMcpServer(backend, { version: MCP_SERVER_VERSION });
  await server.connect(new StdioServerTransport());
}
