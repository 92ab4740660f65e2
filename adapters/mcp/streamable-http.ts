import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { Router, type Request, type Response } from 'express';
import type { MemtraceBackend } from './memtrace-backend.js';
import { createMcpServer, type McpServerOptions } from './mcp-server.js';

/**
 * The MCP Streamable HTTP endpoint, stateless: each POST gets its own server and transport over
 * the backend that `backendFor` returns for the request (which authenticates it and may throw;
 * the error goes to the app's error handler). GET (a standalone event stream) and DELETE (ending
 * a session) have no meaning without sessions and answer 405.
 */
export function mcpHttpRouter(
  backendFor: (req: Request) => Promise<MemtraceBackend>,
  options: McpServerOptions = {},
): Router {
  const router = Router();
  router.post('/', async (req: Request, res: Response) => {
    const server = createMcpServer(await backendFor(req), options);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  router.all('/', (_req: Request, res: Response) => {
    res
      .status(405)
      .set('Allow', 'POST')
      .json({
        jsonrpc: '2.0',
        error: {
          code: -32000,
          message: 'Method not allowed: this endpoint is stateless, use POST',
        },
        id: null,
      });
  });
  return router;
}
