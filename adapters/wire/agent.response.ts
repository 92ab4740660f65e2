import {
  MEMORY_TYPES,
  type Agent,
  type AgentDeletion,
  type AgentStats,
} from '../../domain/index.js';
import {
  arrayOf,
  count,
  HAS_MORE,
  NEXT_CURSOR,
  isoTime,
  nullable,
  objectSchema,
  ref,
} from './json-schema.js';
import { iso } from './memory.response.js';

/**
 * An agent as the API returns it. `id` repeats `agent_id` and `org_id` names the org, as the
 * original memtrace SDKs' `Agent` type requires (their `registerAgent(...).id`).
 */
export function toAgentResponse(a: Agent) {
  return {
    agent_id: a.id,
    id: a.id,
    org_id: a.orgId,
    name: a.name,
    description: a.description,
    config: a.config,
    created_at: iso(a.createdAt),
  };
}

export function toAgentListResponse(list: {
  readonly agents: readonly Agent[];
  readonly count: number;
  readonly hasMore: boolean;
  readonly nextCursor: string | null;
}) {
  return {
    agents: list.agents.map(toAgentResponse),
    count: list.count,
    has_more: list.hasMore,
    next_cursor: list.nextCursor,
  };
}

export function toAgentStatsResponse(s: AgentStats) {
  return {
    agent_id: s.agentId,
    memory_count: s.memoryCount,
    memories_24h: s.memories24h,
    errors_24h: s.errors24h,
    session_count: s.sessionCount,
    active_sessions: s.activeSessions,
    memory_types: s.memoryTypes,
  };
}

/** A cascade delete's answer: what went with the agent. */
export function toAgentDeletedResponse(d: AgentDeletion) {
  return {
    agent_id: d.agent.id,
    name: d.agent.name,
    deleted: true as const,
    cascade: d.cascade,
    memories_deleted: d.memoriesDeleted,
    sessions_deleted: d.sessionsDeleted,
  };
}

/** The header a delete without cascade answers with: what it kept. */
export const KEPT_HEADER = 'Memtrace-Kept';
export const KEPT_WITHOUT_CASCADE = 'memories, sessions';

/** The documented schemas of the shapes above, by their OpenAPI component name. */
export const AGENT_RESPONSE_SCHEMAS = {
  AgentResponse: objectSchema<ReturnType<typeof toAgentResponse>>({
    agent_id: { type: 'string', example: 'agent_019c56b7f5c0a1b2c3d4e5f6' },
    id: {
      type: 'string',
      description: '`agent_id` again, for clients of the original memtrace SDKs.',
      example: 'agent_019c56b7f5c0a1b2c3d4e5f6',
    },
    org_id: {
      type: 'string',
      description: 'The org the agent belongs to.',
      example: 'org_default',
    },
    name: { type: 'string', example: 'agent_web_crawler' },
    description: nullable('string', { example: 'Crawls product pages' }),
    config: { type: 'object', additionalProperties: true, example: { max_depth: 3 } },
    created_at: isoTime(),
  }),
  AgentListResponse: objectSchema<ReturnType<typeof toAgentListResponse>>({
    agents: arrayOf(ref('AgentResponse')),
    count: count('Every agent of the org, not just this page.'),
    has_more: HAS_MORE,
    next_cursor: NEXT_CURSOR,
  }),
  AgentDeletedResponse: objectSchema<ReturnType<typeof toAgentDeletedResponse>>(
    {
      agent_id: { type: 'string', example: 'agent_019c56b7f5c0a1b2c3d4e5f6' },
      name: { type: 'string', example: 'agent_web_crawler' },
      deleted: { type: 'boolean', const: true },
      cascade: { type: 'boolean', const: true },
      memories_deleted: count(
        "Memories deleted: the agent's, and those other agents wrote in its sessions.",
      ),
      sessions_deleted: count('Its sessions deleted.'),
    },
    { description: 'What a delete with `cascade=true` removed with the registration.' },
  ),
  AgentStatsResponse: objectSchema<ReturnType<typeof toAgentStatsResponse>>({
    agent_id: {
      type: 'string',
      description: 'The name memories carry as `agent_id`.',
      example: 'agent_web_crawler',
    },
    memory_count: count('All its memories.'),
    memories_24h: count('Its memories of the last 24 hours.'),
    errors_24h: count('Its memories with event type `error` in the last 24 hours.'),
    session_count: count('Its sessions.'),
    active_sessions: count('Its sessions that are active.'),
    memory_types: {
      type: 'object',
      description: 'Memories per type; types with none are absent.',
      properties: Object.fromEntries(MEMORY_TYPES.map((t) => [t, { type: 'integer', minimum: 0 }])),
      additionalProperties: false,
      example: { episodic: 12, decision: 3 },
    },
  }),
};
