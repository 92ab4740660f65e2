import { cursorPosition, nextCursor } from '../shared/cursor.js';
import type { Limits } from '../shared/limits.js';
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
  /**
   * With a keyword search (`query`), in either order: `scores[i]` is the relevance of
   * `memories[i]` (positive, higher is better, on the store's own scale); absent without one.
   */
  readonly scores?: readonly number[];
  /** All matches of the filters; null when the caller asked not to count them. */
  readonly count: number | null;
  /** More matches follow this page. */
  readonly hasMore: boolean;
  /** Pass as `cursor` to read the page after this one; null when none follows. */
  readonly nextCursor: string | null;
}

/**
 * A page of memories by the list (`kind` 'list': `memory_type`, `q`) or search (`query`,
 * `memory_types`) endpoint's filters. With a keyword search the page is in relevance order
 * unless `order` asks for time, and carries the score of each memory; its cursor continues in
 * the same order (a relevance cursor holds the score of the page's last memory).
 */
export async function listMemories(
  store: MemoryStore,
  nowMs: number,
  limits: Limits,
  orgId: string,
  input: MemoryListInput,
  kind: 'list' | 'search',
): Promise<MemoryList> {
  const names = kind === 'list' ? LIST_FIELD_NAMES : SEARCH_FIELD_NAMES;
  const filter = toMemoryFilter(input, nowMs, names, limits.maxFilterValues);
  const limit = toLimit(input.limit);
  const offset = toOffset(input.offset);
  const order = toListOrder(input.order, filter.query, names);
  const scope = memoryCursorScope(
    orgId,
    kind === 'list' ? 'memories' : 'search',
    input,
    filter,
    order,
  );
  const after = cursorPosition(scope, input.cursor, offset);
  const byRelevance = order === 'relevance';
  // One row past the page tells whether more follow, and where the next page starts.
  const page = await store.findPage(orgId, {
    filter,
    order: byRelevance ? 'desc' : order,
    ...(byRelevance ? { byRelevance } : {}),
    limit: limit + 1,
    offset,
    after,
  });
  const memories = page.memories.slice(0, limit);
  const scores = filter.query === undefined ? undefined : (page.scores ?? []).slice(0, limit);
  const hasMore = page.memories.length > limit;
  const next = nextCursor(scope, page.positions, limit);
  const listed = { memories, ...(scores === undefined ? {} : { scores }), hasMore };
  if (input.includeCount === false) return { ...listed, count: null, nextCursor: next };
  // The last page of an offset read holds the last match, so the count follows from it; any
  // other page (and any page after a cursor) needs the store to count every match.
  const count =
    !hasMore && after === undefined && (memories.length > 0 || offset === 0)
      ? offset + memories.length
      : await store.count(orgId, filter);
  return { ...listed, count, nextCursor: next };
}
