import {
  DEFAULT_LIMIT,
  DEFAULT_LIMITS,
  DomainError,
  MAX_LIMIT,
  MAX_QUERY_LENGTH,
  MAX_QUERY_TERMS,
  MEMORY_TYPES,
  type MemoryListInput,
} from '../../domain/index.js';
import {
  QueryBoolean,
  QueryDecimal,
  QueryInteger,
  QueryList,
  QueryString,
} from './field-decorators.js';

export const LIMIT_MESSAGE = `must be an integer from 1 to ${MAX_LIMIT}`;
export const OFFSET_MESSAGE = 'must be a non-negative integer';

/** Field docs shared by the list query, the search body and the context body. */
export const SINCE_DOC = {
  description:
    'Inclusive start: a duration ago (`30m`, `2h`, `7d`, `1w`) or an RFC 3339 time, years 0000 to 9999 (no zone means UTC; a leap second `23:59:60` means the next second). Must be earlier than `until`.',
  example: '1h',
};
// The example lies far ahead: with `since`'s example it makes a range that holds what was just
// written, whenever it is tried (a body without one would get Swagger UI's "string").
export const UNTIL_DOC = {
  description:
    'Exclusive end, written like `since` (`30m`, `2026-02-13T12:00:00Z`); absent: no end. Later than `since`, or the range is empty (400).',
  example: '2100-01-01T00:00:00Z',
};
export const LIMIT_DOC = { minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, example: 10 };
export const OFFSET_DOC = {
  description: 'Matches to skip; must be 0 (or absent) with `cursor`.',
  minimum: 0,
  default: 0,
};
export const CURSOR_DOC = {
  description:
    'The `next_cursor` of the previous page: this page starts right after it, whatever was ' +
    'written or deleted since (no match is skipped or repeated). Valid only with the same ' +
    'filters and order (limit may change) in the same org; otherwise a 400.',
  maxLength: 512,
};
export const ORDER_DOC = {
  description:
    'By time: newest first (`desc`) or oldest first (`asc`); with a keyword search also ' +
    '`relevance` (its default: score, highest first, then newest first). `relevance` without ' +
    'a keyword search is a 400.',
  enum: ['relevance', 'desc', 'asc'],
};
/** The keyword search's doc (`query` in a body, `q` in a query string). */
export const QUERY_DOC = {
  description:
    'Keyword search: words (all must match), `"a phrase"`, `prefix*`, and upper-case `OR` ' +
    'between terms; every other character is plain text. Ranked by relevance (each result ' +
    `carries \`score\`). At most ${MAX_QUERY_LENGTH} characters and ${MAX_QUERY_TERMS} terms, ` +
    'with at least one word (else a 400); empty means no keyword search.',
  maxLength: MAX_QUERY_LENGTH,
  example: 'crawled',
};
export const MIN_IMPORTANCE_DOC = { minimum: 0, maximum: 1, example: 0.5 };
export const CONTENT_CONTAINS_DOC = {
  description:
    'Literal substring of the content (no wildcard: `%`, `_` and `\\` are plain characters), ' +
    'case-sensitive unless `content_contains_ignore_case` is true.',
  example: 'example.com',
};
export const CONTENT_CONTAINS_IGNORE_CASE_DOC = {
  description:
    '`true` matches `content_contains` regardless of case: both lowercased (Unicode lowercasing ' +
    'one character at a time; see docs/api.md for the few characters where drivers differ).',
  default: false,
};
export const INCLUDE_COUNT_DOC = {
  description:
    '`false` skips counting every match: `count` is then null and `has_more` still exact. ' +
    'Counting reads every match, which costs most with `content_contains` on large stores.',
  default: true,
};
export const INCLUDE_SUPERSEDED_DOC = {
  description: '`true` also returns memories a correction retired (their `superseded_by` is set).',
  default: false,
};
/** The limit on a list filter (MEMTRACE_LIMITS_MAX_FILTER_VALUES), for every list's doc. */
export const FILTER_VALUES_DOC = {
  maxItems: DEFAULT_LIMITS.maxFilterValues,
  limitText:
    `At most ${DEFAULT_LIMITS.maxFilterValues} values (MEMTRACE_LIMITS_MAX_FILTER_VALUES); ` +
    'more is a 400.',
};
/** The JSON-body list filters (search, forget): any memory type, any event type, every tag. */
export const BODY_MEMORY_TYPES_DOC = {
  description: `Any of these memory types; empty means all. ${FILTER_VALUES_DOC.limitText}`,
  items: { type: 'string', enum: MEMORY_TYPES },
  maxItems: FILTER_VALUES_DOC.maxItems,
} as const;
export const BODY_EVENT_TYPES_DOC = {
  description: `Any of these event types; empty means all. ${FILTER_VALUES_DOC.limitText}`,
  maxItems: FILTER_VALUES_DOC.maxItems,
} as const;
export const BODY_TAGS_DOC = {
  description: `All of these tags, matched exactly. ${FILTER_VALUES_DOC.limitText}`,
  maxItems: FILTER_VALUES_DOC.maxItems,
  example: ['products'],
} as const;

const LIST_DOC = `Comma-separated and/or repeated. ${FILTER_VALUES_DOC.limitText}`;
const LIST_MAX = { maxItems: FILTER_VALUES_DOC.maxItems };

/**
 * The memory filters of the list endpoints. `memory_type`, `event_type` and `tags` are lists:
 * comma-separated and/or repeated; a memory matches any of the types and all of the tags.
 */
export class MemoryFilterQuery {
  @QueryList({
    description: `Any of these memory types. ${LIST_DOC}`,
    items: { type: 'string', enum: MEMORY_TYPES },
    ...LIST_MAX,
    example: ['episodic', 'decision'],
  })
  memory_type?: string[];
  @QueryList({
    description: `Any of these event types. ${LIST_DOC}`,
    ...LIST_MAX,
    example: ['page_crawled'],
  })
  event_type?: string[];
  @QueryList({
    description: `All of these tags, matched exactly. ${LIST_DOC}`,
    ...LIST_MAX,
    example: ['products'],
  })
  tags?: string[];
  @QueryString(CONTENT_CONTAINS_DOC) content_contains?: string;
  @QueryString(QUERY_DOC) q?: string;
  @QueryBoolean(CONTENT_CONTAINS_IGNORE_CASE_DOC) content_contains_ignore_case?: boolean;
  @QueryDecimal('must be a number between 0 and 1', MIN_IMPORTANCE_DOC) min_importance?: number;
  @QueryString(SINCE_DOC) since?: string;
  @QueryString(UNTIL_DOC) until?: string;
  @QueryInteger(LIMIT_MESSAGE, LIMIT_DOC) limit?: number;
  @QueryInteger(OFFSET_MESSAGE, OFFSET_DOC) offset?: number;
  @QueryString(CURSOR_DOC) cursor?: string;
  @QueryString(ORDER_DOC) order?: string;
  @QueryBoolean(INCLUDE_COUNT_DOC) include_count?: boolean;
  @QueryBoolean(INCLUDE_SUPERSEDED_DOC) include_superseded?: boolean;
}

/** GET /api/v1/memories. */
export class ListMemoriesQuery extends MemoryFilterQuery {
  @QueryString({ example: 'agent_web_crawler' }) agent_id?: string;
  @QueryString({ example: 'sess_abc123' }) session_id?: string;
}

/** GET /api/v1/agents/:id/memories: the agent comes from the path. */
export class AgentMemoriesQuery extends MemoryFilterQuery {
  @QueryString({ example: 'sess_abc123' }) session_id?: string;
}

/** GET /api/v1/sessions/:id/memories: the session comes from the path. */
export class SessionMemoriesQuery extends MemoryFilterQuery {
  @QueryString({ example: 'agent_web_crawler' }) agent_id?: string;
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
    query: q.q,
    contentContainsIgnoreCase: q.content_contains_ignore_case,
    minImportance: q.min_importance,
    since: q.since,
    until: q.until,
    order: q.order,
    limit: q.limit,
    offset: q.offset,
    cursor: q.cursor,
    includeCount: q.include_count,
    includeSuperseded: q.include_superseded,
  };
}

/**
 * A memory list read for a query string, its refusals of the keyword search naming `q`, the
 * parameter the caller sent, rather than the domain's `query` (`q must contain at least one
 * word ...`, `order 'relevance' needs a query (q)`).
 */
export async function namingQ<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const message = e.message
      .replace(/^query\b/, 'q')
      .replace(/^(order 'relevance' needs a query)$/, '$1 (q)');
    if (message === e.message) throw e;
    throw new DomainError(e.kind, e.code, message, e.details);
  }
}
