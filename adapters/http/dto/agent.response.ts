import type { Agent, AgentStats } from '../../../domain/index.js';
import { iso } from './memory.response.js';

export function toAgentResponse(a: Agent) {
  return {
    agent_id: a.id,
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
}) {
  return { agents: list.agents.map(toAgentResponse), count: list.count, has_more: list.hasMore };
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
