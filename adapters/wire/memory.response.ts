import {
  MEMORY_TYPES,
  type BatchResult,
  type ForgetOutcome,
  type Memory,
  type MemoryList,
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
import { formatIsoTime } from './iso-time.js';

/** An API time: ISO 8601 in UTC with milliseconds (`toISOString`'s form). */
export const iso = (ms: number): string => formatIsoTime(ms);
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
  readonly created_at: string;
  readonly expires_at: string | null;
  readonly pinned: boolean;
  readonly supersedes: string | null;
  readonly superseded_by: string | null;
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
    created_at: iso(m.createdAt),
    expires_at: isoOrNull(m.expiresAt),
    pinned: m.pinned,
    supersedes: m.supersedes,
    superseded_by: m.supersededBy,
  };
}

/** A memory's chain of versions, oldest first. */
export function toHistoryResponse(chain: readonly Memory[]) {
  return { memories: chain.map(toMemoryResponse), count: chain.length };
}

/** A memory of a list or search: with a keyword search, its `score` too. */
export type ScoredMemoryResponse = MemoryResponse & { readonly score?: number };

/** The memories of a list, each with its score when the list is of a keyword search. */
function scoredMemories(list: MemoryList): ScoredMemoryResponse[] {
  const { scores } = list;
  return list.memories.map((m, i) =>
    scores === undefined ? toMemoryResponse(m) : { ...toMemoryResponse(m), score: scores[i] },
  );
}

export function toMemoryListResponse(list: MemoryList) {
  return {
    memories: scoredMemories(list),
    count: list.count,
    has_more: list.hasMore,
    next_cursor: list.nextCursor,
  };
}

/**
 * A search's answer. `query_time_ms` is whole milliseconds (rounded to the nearest), an integer
 * as the spec and the original SDKs' types have it; `query_time_us` is the same time in whole
 * microseconds, for timings under a millisecond.
 */
export function toSearchResponse(list: MemoryList, queryTimeMs: number) {
  return {
    results: scoredMemories(list),
    count: list.count,
    has_more: list.hasMore,
    next_cursor: list.nextCursor,
    query_time_ms: Math.round(queryTimeMs),
    query_time_us: Math.round(queryTimeMs * 1000),
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

/** A forget's answer: `{deleted}`, or for a dry run `{would_delete, dry_run: true}`. */
export function toForgetResponse(
  outcome: ForgetOutcome,
): { deleted: number } | { would_delete: number; dry_run: true } {
  return outcome.dryRun
    ? { would_delete: outcome.count, dry_run: true }
    : { deleted: outcome.count };
}

const COUNT_OF_MATCHES = {
  type: ['integer', 'null'],
  minimum: 0,
  description:
    'Every match of the filters, not just this page; null when the request set `include_count` to false.',
};

const MEMORY_EXAMPLE_ID = 'mem_019c56b7f5c0a1b2c3d4e5f6';

const MEMORY_RESPONSE_SCHEMA = objectSchema<MemoryResponse>(
  {
    memory_id: {
      type: 'string',
      description: '`mem_` + 24 hex digits, time-ordered.',
      example: MEMORY_EXAMPLE_ID,
    },
    time: isoTime({
      description:
        'When it happened (ISO 8601, UTC, milliseconds): the `time` given on create, else ' +
        'when it was recorded. Filters and order read it.',
    }),
    org_id: { type: 'string', example: 'org_default' },
    agent_id: { type: 'string', example: 'agent_web_crawler' },
    session_id: nullable('string', { example: 'sess_abc123' }),
    content: { type: 'string', example: 'Crawled https://example.com — found 3 product pages' },
    memory_type: { type: 'string', enum: MEMORY_TYPES, example: 'episodic' },
    event_type: { type: 'string', example: 'page_crawled' },
    metadata: { type: 'object', additionalProperties: true, example: { pages_found: 3 } },
    tags: arrayOf({ type: 'string' }, { example: ['crawling', 'products'] }),
    importance: { type: 'number', minimum: 0, maximum: 1, example: 0.7 },
    dedup_key: nullable('string', {
      description: 'Null only when dedup is off and none was given.',
      example: '5d41402abc4b2a76b9719d911017c592',
    }),
    parent_id: nullable('string'),
    created_at: isoTime({
      description:
        'When the server recorded it (ISO 8601, UTC, milliseconds). Dedup windows read it.',
    }),
    expires_at: nullable('string', {
      format: 'date-time',
      description:
        "Its own expiry (from `expires_at` or `ttl`); null when it has none (the org's " +
        'retention may still apply, unless it is pinned).',
      example: null,
    }),
    pinned: { type: 'boolean', description: 'Never expires.', example: false },
    supersedes: nullable('string', {
      description: 'The memory this one corrects (retired when this one was stored).',
    }),
    superseded_by: nullable('string', {
      description:
        'The memory that corrects this one; null while this one is current. A superseded ' +
        'memory is left out of list, search and context unless `include_superseded`.',
    }),
  },
  { description: 'A memory: every field is always present, null when absent.' },
);

/** A listed memory: a memory's fields, and `score` when the request had a keyword search. */
const SCORED_MEMORY_RESPONSE_SCHEMA = {
  ...MEMORY_RESPONSE_SCHEMA,
  description:
    'A memory of a list or search: every field of a memory, and with a keyword search (`q`, `query`) its `score`.',
  properties: {
    ...(MEMORY_RESPONSE_SCHEMA['properties'] as Record<string, unknown>),
    score: {
      type: 'number',
      exclusiveMinimum: 0,
      description:
        'Only with a keyword search: its relevance, higher is better, on the storage ' +
        "driver's own scale (compare scores within one answer, not across drivers). Absent " +
        'without a keyword search.',
      example: 2.75,
    },
  },
};

/** The documented schemas of the shapes above, by their OpenAPI component name. */
export const MEMORY_RESPONSE_SCHEMAS = {
  MemoryResponse: MEMORY_RESPONSE_SCHEMA,
  ScoredMemoryResponse: SCORED_MEMORY_RESPONSE_SCHEMA,
  MemoryListResponse: objectSchema<ReturnType<typeof toMemoryListResponse>>({
    memories: arrayOf(ref('ScoredMemoryResponse')),
    count: COUNT_OF_MATCHES,
    has_more: HAS_MORE,
    next_cursor: NEXT_CURSOR,
  }),
  SearchResponse: objectSchema<ReturnType<typeof toSearchResponse>>({
    results: arrayOf(ref('ScoredMemoryResponse')),
    count: COUNT_OF_MATCHES,
    has_more: HAS_MORE,
    next_cursor: NEXT_CURSOR,
    query_time_ms: {
      type: 'integer',
      minimum: 0,
      description: 'How long the search took, in whole milliseconds (rounded to the nearest).',
      example: 12,
    },
    query_time_us: {
      type: 'integer',
      minimum: 0,
      description: 'The same time in whole microseconds (rounded to the nearest).',
      example: 11842,
    },
  }),
  BatchResponse: objectSchema<ReturnType<typeof toBatchResponse>>(
    {
      memories: arrayOf(ref('MemoryResponse'), { description: 'The memories stored.' }),
      count: count('Memories stored.'),
      duplicates: count('Items not stored because they duplicate a stored memory.'),
      duplicate_of: arrayOf(
        objectSchema<{ index: number; memory_id: string }>({
          index: { type: 'integer', minimum: 0, description: 'Position in the request.' },
          memory_id: { type: 'string', description: 'The memory it duplicates.' },
        }),
      ),
    },
    { description: 'The answer to a batch: what was stored and which items were duplicates.' },
  ),
  HistoryResponse: objectSchema<ReturnType<typeof toHistoryResponse>>(
    {
      memories: arrayOf(ref('MemoryResponse'), { description: 'Every version, oldest first.' }),
      count: count('Versions in the chain.'),
    },
    { description: 'The chain of corrections a memory belongs to.' },
  ),
  ForgetResponse: objectSchema<{ deleted: number }>(
    { deleted: count('Memories forgotten (0 when none matched).') },
    { description: 'What a forget deleted.' },
  ),
  ForgetDryRunResponse: objectSchema<{ would_delete: number; dry_run: true }>(
    {
      would_delete: count('Memories the request would forget; none was.'),
      dry_run: { type: 'boolean', const: true },
    },
    { description: 'What a dry run would delete: nothing was.' },
  ),
};
