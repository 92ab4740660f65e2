import type {
  AgentService,
  AuthService,
  ContextService,
  MemoryService,
  Principal,
  SessionService,
} from '../../domain/index.js';
import { toAgentResponse, toAgentStatsResponse } from '../wire/agent.response.js';
import { toNewAgent } from '../wire/create-agent.request.js';
import { toNewMemory } from '../wire/create-memory.request.js';
import { toNewSession } from '../wire/create-session.request.js';
import { toForgetInput } from '../wire/forget-memories.request.js';
import { toListInput } from '../wire/list-memories.query.js';
import {
  toForgetResponse,
  toMemoryListResponse,
  toMemoryResponse,
  toSearchResponse,
} from '../wire/memory.response.js';
import { toSearchInput } from '../wire/search-memories.request.js';
import { toContextInput } from '../wire/session-context.request.js';
import { toContextResponse, toSessionResponse } from '../wire/session.response.js';
import type { MemtraceBackend } from './memtrace-backend.js';

export interface McpServices {
  readonly memories: MemoryService;
  readonly sessions: SessionService;
  readonly context: ContextService;
  readonly agents: AgentService;
  readonly auth: AuthService;
}

/**
 * The MCP tools over the domain services, acting as `principal`: the same permissions, org and
 * JSON shapes as the REST API (the wire mappers it shares with HTTP), without a loopback request.
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
      const context = await services.context.forSession(orgId, sessionId, toContextInput(options));
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
    async forget(filter) {
      allow('write');
      return toForgetResponse(await services.memories.forget(principal, toForgetInput(filter)));
    },
  };
}
