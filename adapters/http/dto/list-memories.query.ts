import { MAX_LIMIT, type MemoryListInput } from '../../../domain/index.js';
import { QueryDecimal, QueryInteger, QueryList, QueryString } from './field-decorators.js';

export const LIMIT_MESSAGE = `must be an integer from 1 to ${MAX_LIMIT}`;
export const OFFSET_MESSAGE = 'must be a non-negative integer';

/**
 * The memory filters of the list endpoints. `memory_type`, `event_type` and `tags` are lists:
 * comma-separated and/or repeated; a memory matches any of the types and all of the tags.
 */
export class MemoryFilterQuery {
  @QueryList() memory_type?: string[];
  @QueryList() event_type?: string[];
  @QueryList() tags?: string[];
  @QueryString() content_contains?: string;
  @QueryDecimal('must be a number between 0 and 1') min_importance?: number;
  @QueryString() since?: string;
  @QueryString() until?: string;
  @QueryInteger(LIMIT_MESSAGE) limit?: number;
  @QueryInteger(OFFSET_MESSAGE) offset?: number;
  @QueryString() order?: string;
}

/** GET /api/v1/memories. */
export class ListMemoriesQuery extends MemoryFilterQuery {
  @QueryString() agent_id?: string;
  @QueryString() session_id?: string;
}

/** GET /api/v1/agents/:id/memories: the agent comes from the path. */
export class AgentMemoriesQuery extends MemoryFilterQuery {
  @QueryString() session_id?: string;
}

/** GET /api/v1/sessions/:id/memories: the session comes from the path. */
export class SessionMemoriesQuery extends MemoryFilterQuery {
  @QueryString() agent_id?: string;
}

export function toListInput(
  q: MemoryFilterQuery & { agent_id?: string; session_id?: string },
): MemoryListInput {
  return {
    agentId: q.agent_id,
    sessionId: q.session_id,
    memoryTypes: q.memory_type,
    eventTypes: q.event_type,
    tags: q.tags,
    contentContains: q.content_contains,
    minImportance: q.min_importance,
    since: q.since,
    until: q.until,
    order: q.order,
    limit: q.limit,
    offset: q.offset,
  };
}
