import type { KeysetPosition, Order } from '../shared/page.js';
import type { LiveAt, Memory, MemoryFilter, MemoryType } from './memory.js';
import type { MemoryPatch } from './memory-patch.js';

/** How a store recognises duplicates while inserting. */
export interface DedupPolicy {
  /**
   * A memory is a duplicate when a memory of the same org with the same `dedupKey` and
   * `createdAt >= memory.createdAt - windowMs` is already stored, or comes earlier in the same
   * insert call. The window reads when memories were recorded, never their event `time`, so
   * a memory about the distant past is still caught as a retry of one recorded a moment ago.
   */
  readonly windowMs: number;
}

/** Per-item result of {@link MemoryStore.insert}, in the order of the input. */
export type InsertOutcome =
  | { readonly status: 'created'; readonly memory: Memory }
  | { readonly status: 'duplicate'; readonly existingId: string };

export interface MemoryQuery {
  readonly filter: MemoryFilter;
  readonly order: Order;
  /** At most this many; `null` means all matches (context assembly). */
  readonly limit: number | null;
  /** Matches skipped (after `after`, when given). */
  readonly offset: number;
  /** Only matches strictly past this position in `order` (keyset paging; see {@link KeysetPosition}). */
  readonly after?: KeysetPosition;
  /**
   * Only with `filter.query` (ignored without one): order by search score, highest first, then
   * time desc, then insertion desc; `order` is ignored then, and `after` compares the position's
   * `score` too (see `isPastByRelevance`).
   */
  readonly byRelevance?: boolean;
  /**
   * Also give {@link MemoryPage.total}, read with the page (a store that reads both at once
   * does; one that does not leaves `total` out and the caller counts).
   */
  readonly withTotal?: boolean;
}

/** What {@link MemoryStore.findPage} returns: the memories and the position of each. */
export interface MemoryPage {
  readonly memories: Memory[];
  /** `positions[i]` is where `memories[i]` stands: a later query `after` it continues there. */
  readonly positions: readonly KeysetPosition[];
  /**
   * With `filter.query` (in either order): `scores[i]` is the search score of `memories[i]`.
   * Higher is better and positive; the scale is the store's own (SQLite: -bm25() of FTS5;
   * PostgreSQL: ts_rank_cd; Arc: its documented SQL formula; in memory: `bm25Scores` over
   * the org's memories matching the rest of the filter). Two identical queries on unchanged data
   * give the same scores, so a relevance cursor continues where it stopped. In relevance order
   * `positions[i].score` is the same number.
   */
  readonly scores?: readonly number[];
  /**
   * Only when the query asked `withTotal`, and only from a store that reads it with the page:
   * how many memories match `filter` (as {@link MemoryStore.count} says), whatever `after`,
   * `offset` and `limit`, in the same snapshot as the page, so the two always agree.
   */
  readonly total?: number;
}

/** What {@link MemoryStore.findByPriority} reads. */
export interface PriorityQuery {
  readonly filter: MemoryFilter;
  /**
   * Only memories whose content is at most this many UTF-16 code units long are asked for: every
   * such match is returned. A store may count some contents as shorter than their UTF-16 length
   * (by Unicode characters, say, or up to a NUL), and so return them too: the caller checks
   * again. Content of ASCII characters other than NUL is counted exactly. null: no bound.
   */
  readonly maxContentLength: number | null;
  /**
   * Only memories whose line has at most this many tokens, by the count the store keeps of each
   * memory it wrote with a `LineTokens` (in `LINE_TOKENIZER`), are asked for: every
   * such match is returned. A memory the store has no count for (written without one, or before
   * the store kept them) counts as 0 and is returned, as is every memory of a store that keeps
   * none: the caller checks again. Absent or null: no bound.
   */
  readonly maxLineTokens?: number | null;
  /** At most this many; `null` means all matches. */
  readonly limit: number | null;
}

export interface MemoryStats {
  readonly memoryCount: number;
  /** Memories with time >= the `since` given. */
  readonly memoriesSince: number;
  /** Memories with event type `error` and time >= `since`. */
  readonly errorsSince: number;
  /** Count per memory type; types with no memories are absent. */
  readonly memoryTypes: Readonly<Partial<Record<MemoryType, number>>>;
}

/**
 * Where memories live. Every method is scoped to one org: nothing of another org is ever read,
 * counted or changed.
 */
export interface MemoryStore {
  /**
   * Stores memories atomically: either every non-duplicate item is stored, or (on any error)
   * none is. With a `dedup` policy, items whose `dedupKey` is non-null are checked as the policy
   * says, atomically with the insert, so two concurrent inserts of one key never both land;
   * without one nothing is checked. Duplicates are not stored.
   *
   * A stored memory whose `supersedes` is set retires that memory in the same atomic step: its
   * `supersededBy` becomes the new memory's id. The retired memory must be a memory of the same
   * org stored before the call or earlier in it (so no cycle can form), and still current (or
   * already retired by the very memory that names it, as an import restores both); otherwise
   * nothing of the call is stored. Of
   * concurrent calls retiring one memory exactly one succeeds, so chains stay linear.
   * @returns one outcome per input item, in input order
   * @throws DomainError `not_found` when a `supersedes` names no memory of the org;
   *   `conflict` (code `ALREADY_SUPERSEDED`) when it names a memory already retired, or two
   *   items retire the same one; `unavailable` when the backend cannot be reached
   */
  insert(memories: readonly Memory[], dedup: DedupPolicy | null): Promise<InsertOutcome[]>;

  /** The memory with this id in this org, or null. */
  findById(orgId: string, id: string): Promise<Memory | null>;

  /**
   * Memories of the org matching the filter, ordered by time (`asc` or `desc`); equal times keep
   * insertion order (reversed for `desc`); with `byRelevance` and a `filter.query`, by score
   * instead (see {@link MemoryQuery.byRelevance}). Starts past `after` when given, skips `offset`
   * matches, returns at most `limit`.
   */
  find(orgId: string, query: MemoryQuery): Promise<Memory[]>;

  /**
   * {@link find}, with the keyset position of each memory returned. A row written or deleted
   * between two pages never makes the next page (read `after` the last position) skip or repeat
   * another row.
   */
  findPage(orgId: string, query: MemoryQuery): Promise<MemoryPage>;

  /**
   * Memories of the org matching the filter in context priority: importance, then time, then id,
   * each highest first (the order a token budget keeps them in). A session's context reads its
   * best memories this way instead of the whole session.
   */
  findByPriority(orgId: string, query: PriorityQuery): Promise<Memory[]>;

  /** How many memories of the org match the filter (`query` included). */
  count(orgId: string, filter: MemoryFilter): Promise<number>;

  /**
   * Applies a patch to the org's memory with this id (see {@link applyMemoryPatch}) atomically:
   * concurrent patches, in this or any other process, each see the other's result, so none loses
   * another's metadata keys. A retired memory can be patched too (it stays retired).
   * @returns the memory after the change, or null when the org has no memory with this id
   * @throws DomainError `invalid` when the merged metadata passes `patch.maxMetadataBytes`, or
   *   the patch sets an expiry on a memory that stays pinned (nothing changes); `unavailable`
   *   when the backend cannot be reached
   */
  update(orgId: string, id: string, patch: MemoryPatch): Promise<Memory | null>;

  /**
   * Deletes every memory of the org that matches the filter (retired ones only with
   * `includeSuperseded`) (an empty filter matches all of the
   * org's memories), atomically: all of them or, on any error, none. Once it resolves, no method
   * of any store instance on the same backend (another process included) returns them or counts
   * them (a memory they retired stays retired: forgetting a correction does not bring back the
   * fact it corrected), and their content is not kept readable by the store (SQLite overwrites freed pages).
   * @returns how many were deleted (0 when none matched)
   * @throws DomainError `unavailable` when the backend cannot be reached or refuses deletes
   */
  delete(orgId: string, filter: MemoryFilter): Promise<number>;

  /**
   * Deletes at most `limit` memories of the org that are not live at `nowMs` (see `isLive`: past
   * their `expiresAt`, or, without one and not pinned, older than `retentionMs`), atomically per
   * call. Several processes may purge one store at once: each memory is deleted once, and the
   * callers' counts add up to what was deleted.
   * @returns how many were deleted; less than `limit` when no more are expired
   * @throws DomainError `unavailable` when the backend cannot be reached or refuses deletes
   */
  purgeExpired(
    orgId: string,
    nowMs: number,
    retentionMs: number | null,
    limit: number,
  ): Promise<number>;

  /**
   * Aggregates over the current memories (retired ones are not counted, as lists do not count
   * them) whose agent id is one of `agentIds`.
   * @param sinceMs the start of the recent window (inclusive)
   * @param live only memories live then (all when absent)
   */
  stats(
    orgId: string,
    agentIds: readonly string[],
    sinceMs: number,
    live?: LiveAt,
  ): Promise<MemoryStats>;
}
