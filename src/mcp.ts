import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Request, Router } from 'express';
import { toAgentResponse, toAgentStatsResponse } from '../adapters/http/dto/agent.response.js';
import { toNewAgent } from '../adapters/http/dto/create-agent.request.js';
import { toNewMemory } from '../adapters/http/dto/create-memory.request.js';
import { toNewSession } from '../adapters/http/dto/create-session.request.js';
import { toListInput } from '../adapters/http/dto/list-memories.query.js';
import {
  toMemoryListResponse,
  toMemoryResponse,
  toSearchResponse,
} from '../adapters/http/dto/memory.response.js';
import { toSearchInput } from '../adapters/http/dto/search-memories.request.js';
import { toContextInput } from '../adapters/http/dto/session-context.request.js';
import { toContextResponse, toSessionResponse } from '../adapters/http/dto/session.response.js';
import { apiKeyOf } from '../adapters/http/middleware/authenticate.js';
import { createMcpServer } from '../adapters/mcp/mcp-server.js';
import type { MemtraceBackend } from '../adapters/mcp/memtrace-backend.js';
import { mcpHttpRouter } from '../adapters/mcp/streamable-http.js';
import type {
  AgentService,
  AuthService,
  MemoryService,
  Principal,
  SessionService,
} from '../domain/index.js';
import { Memtrace } from '../sdk/typescript/src/index.js';
import { ConfigError, loadMcpClientConfig } from './config/index.js';

/** The version the MCP server reports. */
export const MCP_SERVER_VERSION = '0.3.0';

export interface McpServices {
  readonly memories: MemoryService;
  readonly sessions: SessionService;
  readonly agents: AgentService;
  readonly auth: AuthService;
}

/**
 * The MCP tools over the domain services, acting as `principal`: the same permissions, org and
 * JSON shapes as the REST API (the HTTP adapter's mappers), without a loopback request.
 */
export function domainBackend(services: McpServices, principal: Principal): MemtraceBackend {
  const { orgId } = principal;
  const allow = (permission: 'read' | 'write') => services.auth.authorize(principal, permission);
  return {
    async addMemory(memory) {
      allow('write');
      return toMemoryResponse(await services.memories.create(orgId, toNewMemory(memory)));
    },
    async listMemories({ memory_type, ...options }) {
      allow('read');
      const input = toListInput({
        ...options,
        memory_type: memory_type === undefined ? undefined : [memory_type],
      });
      return toMemoryListResponse(await services.memories.list(orgId, input));
    },
    async searchMemories(query) {
      allow('read');
      const started = performance.now();
      const list = await services.memories.search(orgId, toSearchInput(query));
      return toSearchResponse(list, performance.now() - started);
    },
    async createSession(session) {
      allow('write');
      return toSessionResponse(await services.sessions.create(orgId, toNewSession(session)));
    },
    async getSessionContext(sessionId, options) {
      allow('read');
      const context = await services.sessions.context(orgId, sessionId, toContextInput(options));
      return toContextResponse(context);
    },
    async registerAgent(agent) {
      allow('write');
      return toAgentResponse(await services.agents.register(orgId, toNewAgent(agent)));
    },
    async closeSession(sessionId) {
      allow('write');
      const session = await services.sessions.update(orgId, sessionId, { status: 'closed' });
      return toSessionResponse(session);
    },
    async getAgentStats(agentId) {
      allow('read');
      return toAgentStatsResponse(await services.agents.stats(orgId, agentId));
    },
  };
}

/**
 * The Streamable HTTP MCP endpoint for the server's own app (mounted at /mcp): it takes the
 * same API keys as /api/v1 (x-api-key or Bearer) and acts as the key's org.
 * @throws DomainError `unauthorized` (to the app's error handler) for a missing or unknown key
 */
export function mcpHttpEndpoint(services: McpServices): Router {
  return mcpHttpRouter(
    async (req: Request) =>
      domainBackend(services, await services.auth.authenticate(apiKeyOf(req))),
    { version: MCP_SERVER_VERSION },
  );
}

/**
 * `memtrace mcp`: the MCP server on stdin/stdout, a client of the memtrace at MEMTRACE_URL
 * (default http://localhost:9100) with MEMTRACE_API_KEY, as the Go version's memtrace-mcp.
 * Without a key it prints one line to stderr and exits 1.
 */
export async function runMcpStdio(): Promise<void> {
  let config: { url: string; apiKey: string };
  try {
    config = loadMcpClientConfig();
  } catch (e) {
    process.stderr.write(`memtrace mcp: ${e instanceof ConfigError ? e.message : String(e)}\n`);
    process.exit(1);
  }
  const server = createMcpServer(new Memtrace(config.url, config.apiKey), {
    version: MCP_SERVER_VERSION,
  });
  await server.connect(new StdioServerTransport());
}
