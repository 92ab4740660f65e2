import {
  KEPT_HEADER,
  KEPT_WITHOUT_CASCADE,
  toAgentDeletedResponse,
  toAgentListResponse,
  toAgentResponse,
  toAgentStatsResponse,
} from '../../wire/agent.response.js';
import { CreateAgentRequest, toNewAgent } from '../../wire/create-agent.request.js';
import { DeleteAgentQuery } from '../../wire/delete-agent.query.js';
import { AgentMemoriesQuery, namingQ, toListInput } from '../../wire/list-memories.query.js';
import { toMemoryListResponse } from '../../wire/memory.response.js';
import { PageQuery } from '../../wire/page.query.js';
import { ref } from '../../wire/json-schema.js';
import { apiRoute, Reply, type ApiCall, type Route } from './route.js';

/** The memories of a registered agent are those naming it; any other id is used as given. */
async function agentMemories({ deps, orgId, id, query }: ApiCall<AgentMemoriesQuery, unknown>) {
  const agentId = await deps.agents.resolveAgentId(orgId, id);
  const list = await namingQ(deps.memories.list(orgId, { ...toListInput(query), agentId }));
  // An id the org knows nothing of is a 404, as for stats.
  if (list.count === 0) await deps.agents.stats(orgId, id);
  return toMemoryListResponse(list);
}

/**
 * Without cascade the registration goes and the memories and sessions naming the agent stay,
 * as always: 204, with a header that says what was kept. With it everything goes: 200 and counts.
 */
async function deleteAgent({ deps, principal, id, query }: ApiCall<DeleteAgentQuery, unknown>) {
  const cascade = query.cascade === true;
  const deletion = await deps.agents.delete(principal, id, { cascade });
  if (cascade) return toAgentDeletedResponse(deletion);
  return new Reply(204, undefined, { [KEPT_HEADER]: KEPT_WITHOUT_CASCADE });
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
    summary: "Remove an agent's registration; with cascade=true its memories and sessions too",
    description:
      'Without `cascade` (or with `cascade=false`) only the registration goes: the memories ' +
      'and sessions naming the agent stay, and the 204 says so in its `Memtrace-Kept` header. ' +
      "With `cascade=true` the agent's memories, its sessions (with every memory in them) and " +
      'the registration are deleted: from the next request on no path returns or counts them. ' +
      'Logged (org, key, agent, counts). 404 when the org has no agent of this id or name.',
    access: 'write',
    query: DeleteAgentQuery,
    ok: {
      200: {
        description: 'With `cascade=true`: deleted, with what went with it.',
        schema: ref('AgentDeletedResponse'),
      },
      204: {
        description: 'Without cascade: the registration removed, its memories and sessions kept.',
        headers: {
          [KEPT_HEADER]: {
            description: `What the delete kept: \`${KEPT_WITHOUT_CASCADE}\`.`,
            schema: { type: 'string', const: KEPT_WITHOUT_CASCADE },
          },
        },
      },
    },
    errors: [404],
    handle: deleteAgent,
  }),
];
