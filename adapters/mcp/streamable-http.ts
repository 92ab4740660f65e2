import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { Router, type Request, type Response } from 'express';
import { apiKeyOf } from '../wire/api-key.js';
import { domainBackend, type McpServices } from './domain-backend.js';
import { createMcpServer, MCP_SERVER_VERSION, type McpServerOptions } from './mcp-server.js';
import type { MemtraceBackend } from './memtrace-backend.js';

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

/**
 * The Streamable HTTP MCP endpoint for the server's own app (mounted at /mcp): it takes the
 * same API keys as /api/v1 (x-api-key or Bearer) and acts as the key's org, under the request's
 * id when the app gave it one.
 * @throws DomainError `unauthorized` (to the app's error handler) for a missing or unknown key
 */
export function mcpHttpEndpoint(services: McpServices): Router {
  return mcpHttpRouter(
    async (req: Request) => {
      const principal = await services.auth.authenticate(apiKeyOf(req));
      // The id the app gave the request (x-request-id), for the logs of what the tools delete.
      const requestId: unknown = req.res?.locals.requestId;
      return domainBackend(
        services,
        typeof requestId === 'string' ? { ...principal, requestId } : principal,
      );
    },
    { version: MCP_SERVER_VERSION },
  );
}
