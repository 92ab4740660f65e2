import {
  toAgentListResponse,
  toAgentResponse,
  toAgentStatsResponse,
} from '../../wire/agent.response.js';
import { CreateAgentRequest, toNewAgent } from '../../wire/create-agent.request.js';
import { AgentMemoriesQuery, toListInput } from '../../wire/list-memories.query.js';
import { toMemoryListResponse } from '../../wire/memory.response.js';
import { PageQuery } from '../../wire/page.query.js';
import { ref } from '../../wire/json-schema.js';
import { apiRoute, type ApiCall, type Route } from './route.js';

/** The memories of a registered agent are those naming it; any other id is used as given. */
async function agentMemories({ deps, orgId, id, query }: ApiCall<AgentMemoriesQuery, unknown>) {
  const agentId = await deps.agents.resolveAgentId(orgId, id);
  const list = await deps.memories.list(orgId, { ...toListInput(query), agentId });
  // An id the org knows nothing of is a 404, as for stats.
  if (list.count === 0) await deps.agents.stats(orgId, id);
  return toMemoryListResponse(list);
}

/** /agents: register, list, get (by id or name), stats, memories, delete. */
export const AGENT_ROUTES: readonly Route[] = [
  apiRoute({
    method: 'post',
    path: '/api/v1/agents',
    operationId: 'registerAgent',
    tag: 'agents',
    summary: 'Register an agent',
    access: 'write',
    body: { required: true, dto: CreateAgentRequest },
    ok: { 201: { description: 'Registered.', schema: ref('AgentResponse') } },
    errors: [409, 413],
    handle: async ({ deps, orgId, body }) =>
      toAgentResponse(await deps.agents.register(orgId, toNewAgent(body))),
  }),
  apiRoute({
    method: 'get',
    path: '/api/v1/agents',
    operationId: 'listAgents',
    tag: 'agents',
    summary: 'Registered agents, newest first',
    access: 'read',
    query: PageQuery,
    ok: { 200: { description: 'A page of agents.', schema: ref('AgentListResponse') } },
    handle: async ({ deps, orgId, query }) =>
      toAgentListResponse(await deps.agents.list(orgId, query)),
  }),
  apiRoute({
    method: 'get',
    path: '/api/v1/agents/{id}',
    operationId: 'getAgent',
    tag: 'agents',
    summary: 'One agent, by id or name',
    access: 'read',
    ok: { 200: { description: 'The agent.', schema: ref('AgentResponse') } },
    errors: [404],
    handle: async ({ deps, orgId, id }) => toAgentResponse(await deps.agents.get(orgId, id)),
  }),
  apiRoute({
    method: 'get',
    path: '/api/v1/agents/{id}/stats',
    operationId: 'getAgentStats',
    tag: 'agents',
    summary: "An agent's statistics",
    access: 'read',
    ok: { 200: { description: 'The statistics.', schema: ref('AgentStatsResponse') } },
    errors: [404],
    handle: async ({ deps, orgId, id }) => toAgentStatsResponse(await deps.agents.stats(orgId, id)),
  }),
  apiRoute({
    method: 'get',
    path: '/api/v1/agents/{id}/memories',
    operationId: 'getAgentMemories',
    tag: 'agents',
    summary: "An agent's memories, filtered",
    access: 'read',
    query: AgentMemoriesQuery,
    ok: { 200: { description: 'A page of memories.', schema: ref('MemoryListResponse') } },
    errors: [404],
    handle: agentMemories,
  }),
  apiRoute({
    method: 'delete',
    path: '/api/v1/agents/{id}',
    operationId: 'deleteAgent',
    tag: 'agents',
    summary: "Remove an agent's registration (its memories stay)",
    access: 'write',
    ok: { 204: { description: 'Removed.' } },
    errors: [404],
    handle: async ({ deps, orgId, id }) => {
      await deps.agents.delete(orgId, id);
    },
  }),
];
