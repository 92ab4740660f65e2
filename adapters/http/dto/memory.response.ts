import type { BatchResult, Memory, MemoryList } from '../../../domain/index.js';

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** A memory as the API returns it: every field, null when absent. */
export interface MemoryResponse {
  readonly memory_id: string;
  readonly time: string;
  readonly org_id: string;
  readonly agent_id: string;
  readonly session_id: string | null;
  readonly content: string;
  readonly memory_type: string;
  readonly event_type: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  readonly importance: number;
  readonly dedup_key: string | null;
  readonly parent_id: string | null;
}

export function toMemoryResponse(m: Memory): MemoryResponse {
  return {
    memory_id: m.id,
    time: iso(m.time),
    org_id: m.orgId,
    agent_id: m.agentId,
    session_id: m.sessionId,
    content: m.content,
    memory_type: m.memoryType,
    event_type: m.eventType,
    metadata: m.metadata,
    tags: m.tags,
    importance: m.importance,
    dedup_key: m.dedupKey,
    parent_id: m.parentId,
  };
}

export function toMemoryListResponse(list: MemoryList) {
  return {
    memories: list.memories.map(toMemoryResponse),
    count: list.count,
    has_more: list.hasMore,
  };
}

export function toSearchResponse(list: MemoryList, queryTimeMs: number) {
  return {
    results: list.memories.map(toMemoryResponse),
    count: list.count,
    has_more: list.hasMore,
    query_time_ms: Math.round(queryTimeMs * 100) / 100,
  };
}

export function toBatchResponse(result: BatchResult) {
  return {
    memories: result.memories.map(toMemoryResponse),
    count: result.memories.length,
    duplicates: result.duplicates.length,
    duplicate_of: result.duplicates.map((d) => ({ index: d.index, memory_id: d.existingId })),
  };
}
