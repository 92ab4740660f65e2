import { normalisedList, type CursorScope } from '../shared/cursor.js';
import { invalid } from '../shared/errors.js';
import { checkFilterSize, DEFAULT_LIMITS } from '../shared/limits.js';
import { DEFAULT_LIMIT, MAX_LIMIT, type Order } from '../shared/page.js';
import { checkEventType, checkId, checkImportance, checkTags } from '../shared/rules.js';
import { parseTimeRange } from '../shared/time-expression.js';
import { isMemoryType, type MemoryFilter, type MemoryType } from './memory.js';
import { parseSearchQuery } from './search-query.js';

/** Filters as a caller writes them: times still as text (`2h`, ISO 8601). */
export interface MemoryFilterInput {
  readonly agentId?: string;
  readonly sessionId?: string;
  readonly memoryTypes?: readonly string[];
  readonly eventTypes?: readonly string[];
  readonly tags?: readonly string[];
  readonly contentContains?: string;
  /** A keyword search (see `parseSearchQuery`); an empty string is no filter. */
  readonly query?: string;
  /** With `contentContains`: match regardless of case (default false). */
  readonly contentContainsIgnoreCase?: boolean;
  readonly minImportance?: number;
  readonly since?: string;
  readonly until?: string;
  /** Also match memories a correction retired (default false: current ones only). */
  readonly includeSuperseded?: boolean;
}

export interface MemoryListInput extends MemoryFilterInput {
  /** `asc`, `desc`, or with a `query` `relevance` (the default then; else `desc`). */
  readonly order?: string;
  readonly limit?: number;
  readonly offset?: number;
  /** false: leave `count` null instead of counting every match (default true). */
  readonly includeCount?: boolean;
  /** The `nextCursor` of an earlier page of the same query: this page starts after it. */
  readonly cursor?: string;
}

/** API field names, so messages name what the caller sent. */
export interface FilterFieldNames {
  readonly memoryTypes: string;
  readonly eventTypes: string;
  readonly tags: string;
}

export const LIST_FIELD_NAMES: FilterFieldNames = {
  memoryTypes: 'memory_type',
  eventTypes: 'event_type',
  tags: 'tags',
};
export const SEARCH_FIELD_NAMES: FilterFieldNames = {
  memoryTypes: 'memory_types',
  eventTypes: 'event_types',
  tags: 'tags',
};

/**
 * Checks filter input and turns times into instants; throws `invalid` naming the field. A list
 * filter may hold at most `maxValues` values (see `Limits.maxFilterValues`).
 */
export function toMemoryFilter(
  input: MemoryFilterInput,
  nowMs: number,
  names: FilterFieldNames,
  maxValues: number = DEFAULT_LIMITS.maxFilterValues,
): MemoryFilter {
  const filter: {
    -readonly [K in keyof MemoryFilter]: MemoryFilter[K];
  } = {};
  if (input.agentId !== undefined) filter.agentId = checkId('agent_id', input.agentId);
  if (input.sessionId !== undefined) filter.sessionId = checkId('session_id', input.sessionId);
  // An empty list is no filter (as clients that send [] by default expect), never "match nothing".
  checkFilterSize(names.memoryTypes, input.memoryTypes ?? [], maxValues);
  checkFilterSize(names.eventTypes, input.eventTypes ?? [], maxValues);
  checkFilterSize(names.tags, input.tags ?? [], maxValues);
  if (input.memoryTypes !== undefined && input.memoryTypes.length > 0) {
    filter.memoryTypes = input.memoryTypes.map((t, i) => toMemoryType(names.memoryTypes, t, i));
  }
  if (input.eventTypes !== undefined && input.eventTypes.length > 0) {
    filter.eventTypes = input.eventTypes.map((t) => checkEventType(names.eventTypes, t));
  }
  if (input.tags !== undefined && input.tags.length > 0) {
    filter.tags = checkTags(names.tags, input.tags);
  }
  if (input.contentContains !== undefined && input.contentContains !== '') {
    filter.contentContains = input.contentContains;
    if (input.contentContainsIgnoreCase === true) filter.contentContainsIgnoreCase = true;
  }
  if (input.query !== undefined && input.query !== '') {
    filter.query = parseSearchQuery(input.query);
  }
  if (input.minImportance !== undefined) {
    filter.minImportance = checkImportance('min_importance', input.minImportance);
  }
  const { since, until } = parseTimeRange(input, nowMs);
  if (since !== undefined) filter.since = since;
  if (until !== undefined) filter.until = until;
  if (input.includeSuperseded === true) filter.includeSuperseded = true;
  return filter;
}

function toMemoryType(field: string, value: string, index: number): MemoryType {
  if (!isMemoryType(value)) {
    const where = field.endsWith('s') ? `${field}[${index}]` : field;
    throw invalid(`${where} must be one of episodic, session, decision, entity`);
  }
  return value;
}

export function toOrder(value: string | undefined): Order {
  if (value === undefined || value === 'desc') return 'desc';
  if (value === 'asc') return 'asc';
  throw invalid(`order must be 'asc' or 'desc'`);
}

/**
 * The order of a memory list: with a keyword query `relevance` by default (score, then time,
 * then insertion, all descending), and `asc` or `desc` by time when asked; without one `desc` by
 * default, and `relevance` refused.
 */
export function toListOrder(value: string | undefined, hasQuery: boolean): Order | 'relevance' {
  if (value === 'relevance' || (value === undefined && hasQuery)) {
    if (!hasQuery) throw invalid(`order 'relevance' needs a query`);
    return 'relevance';
  }
  if (value === undefined || value === 'desc' || value === 'asc') return toOrder(value);
  throw invalid(`order must be 'asc' or 'desc'${hasQuery ? ", or 'relevance'" : ''}`);
}

export function toLimit(value: number | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
    throw invalid(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return value;
}

export function toOffset(value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalid('offset must be a non-negative integer');
  }
  return value;
}

/**
 * What a memory list's cursor is bound to: the org, the endpoint kind, the filters (lists sorted,
 * times and the search query as the caller wrote them) and the order; never the limit, which may change between pages.
 */
export function memoryCursorScope(
  orgId: string,
  list: 'memories' | 'search',
  input: MemoryListInput,
  filter: MemoryFilter,
  order: Order | 'relevance',
): CursorScope {
  return {
    orgId,
    list,
    query: {
      agentId: filter.agentId,
      sessionId: filter.sessionId,
      memoryTypes: normalisedList(filter.memoryTypes),
      eventTypes: normalisedList(filter.eventTypes),
      tags: normalisedList(filter.tags),
      contentContains: filter.contentContains,
      query: filter.query?.text,
      contentContainsIgnoreCase: filter.contentContainsIgnoreCase,
      minImportance: filter.minImportance,
      since: input.since,
      until: input.until,
      order,
    },
  };
}
