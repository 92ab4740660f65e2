import { cursorPosition, nextCursor } from '../shared/cursor.js';
import type { Memory } from './memory.js';
import {
  LIST_FIELD_NAMES,
  memoryCursorScope,
  SEARCH_FIELD_NAMES,
  toLimit,
  toListOrder,
  toMemoryFilter,
  toOffset,
  type MemoryListInput,
} from './memory-query.js';
import type { MemoryStore } from './memory-store.port.js';

export interface MemoryList {
  readonly memories: readonly Memory[];
  /** All matches of the filters; null when the caller asked not to count them. */
  readonly count: number | null;
  /** More matches follow this page. */
  readonly hasMore: boolean;
  /** Pass as `cursor` to read the page after this one; null when none follows. */
  readonly nextCursor: string | null;
  /**
   * With a `query`: `scores[i]` is the relevance score of `memories[i]` (higher is better, on
   * the store's own scale), in relevance and in time order alike. Absent without a query.
   */
  readonly scores?: readonly number[];
}

/**
 * One page of the org's memories by a list or search request: filters (a keyword `query`
 * included), order (`relevance` by default with a query, else `desc`), limit, offset or cursor,
 * and the count unless the caller declined it.
 * @throws DomainError `invalid` naming the field, or for a cursor of another query
 */
export async function readMemoryList(
  store: MemoryStore,
  orgId: string,
  input: MemoryListInput,
  kind: 'list' | 'search',
  nowMs: number,
  maxFilterValues: number,
): Promise<MemoryList> {
  const names = kind === 'list' ? LIST_FIELD_NAMES : SEARCH_FIELD_NAMES;
  const filter = toMemoryFilter(input, nowMs, names, maxFilterValues);
  const limit = toLimit(input.limit);
  const offset = toOffset(input.offset);
  const order = toListOrder(input.order, filter.query !== undefined);
  const list = kind === 'list' ? 'memories' : 'search';
  const scope = memoryCursorScope(orgId, list, input, filter, order);
  const after = cursorPosition(scope, input.cursor, offset);
  const relevance = order === 'relevance';
  const counted = input.includeCount !== false;
  // One row past the page tells whether more follow, and where the next page starts. A store
  // that can reads the count with the page: one round trip, one snapshot.
  const page = await store.findPage(orgId, {
    filter,
    order: relevance ? 'desc' : order,
    limit: limit + 1,
    offset,
    after,
    ...(relevance ? { byRelevance: true } : {}),
    ...(counted ? { withTotal: true } : {}),
  });
  const memories = page.memories.slice(0, limit);
  const hasMore = page.memories.length > limit;
  const next = nextCursor(scope, page.positions, limit);
  const scores = page.scores === undefined ? {} : { scores: page.scores.slice(0, limit) };
  if (!counted) return { memories, count: null, hasMore, nextCursor: next, ...scores };
  if (page.total !== undefined) {
    return { memories, count: page.total, hasMore, nextCursor: next, ...scores };
  }
  // The last page of an offset read holds the last match, so the count follows from it; any
  // other page (and any page after a cursor) needs the store to count every match.
  const count =
    !hasMore && after === undefined && (memories.length > 0 || offset === 0)
      ? offset + memories.length
      : await store.count(orgId, filter);
  return { memories, count, hasMore, nextCursor: next, ...scores };
}
