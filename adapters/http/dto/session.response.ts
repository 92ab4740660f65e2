import type { Session, SessionContext } from '../../../domain/index.js';
import { iso, isoOrNull } from './memory.response.js';

export function toSessionResponse(s: Session) {
  return {
    session_id: s.id,
    agent_id: s.agentId,
    status: s.status,
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
    closed_at: isoOrNull(s.closedAt),
    metadata: s.metadata,
  };
}

export function toSessionListResponse(list: {
  readonly sessions: readonly Session[];
  readonly count: number;
  readonly hasMore: boolean;
}) {
  return {
    sessions: list.sessions.map(toSessionResponse),
    count: list.count,
    has_more: list.hasMore,
  };
}

export function toContextResponse(c: SessionContext) {
  return {
    session_id: c.sessionId,
    context: c.context,
    memory_count: c.memoryCount,
    omitted_count: c.omittedCount,
    estimated_tokens: c.estimatedTokens,
  };
}
