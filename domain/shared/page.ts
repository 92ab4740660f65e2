/**
 * Sort direction by time; ties in time keep insertion order (reversed for `desc`). Every store
 * breaks ties by its insertion sequence, so (time, sequence) is a total order a keyset position
 * can point into.
 */
export type Order = 'asc' | 'desc';

/**
 * Where a row stands in a list's total order: its sort instant (a memory's `time`, a session's or
 * agent's `createdAt`) and the store's insertion sequence (decimal digits; a store's own
 * tie-breaker, unique per row). A page read `after` a position starts with the first row past it
 * in the list's order, whatever was written or deleted since: no row is skipped or repeated.
 */
export interface KeysetPosition {
  readonly time: number;
  readonly seq: string;
  /**
   * The row's search score, in relevance order only (see `MemoryQuery.byRelevance`): that order
   * is score desc, then time desc, then seq desc, and a position past it compares all three.
   */
  readonly score?: number;
}

/** A page of results plus the number of all matches. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Every match of the filters, not just this page. */
  readonly total: number;
  /** The position of each item, in the same order (to continue after any of them). */
  readonly positions: readonly KeysetPosition[];
}

export interface PageRequest {
  /** 1..MAX_LIMIT. */
  readonly limit: number;
  /** >= 0; counted after `after`. */
  readonly offset: number;
  /** Only rows strictly past this position in the list's order. */
  readonly after?: KeysetPosition;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** Whether a row at (time, seq) lies strictly past `after` in the given order. */
export function isPast(
  time: number,
  seq: bigint | number,
  after: KeysetPosition,
  order: Order,
): boolean {
  const a = BigInt(after.seq);
  const s = BigInt(seq);
  if (order === 'asc') return time > after.time || (time === after.time && s > a);
  return time < after.time || (time === after.time && s < a);
}

/**
 * Whether a row at (score, time, seq) lies strictly past `after` in relevance order (score desc,
 * then time desc, then seq desc). A position without a score is before every row.
 */
export function isPastByRelevance(
  score: number,
  time: number,
  seq: bigint | number,
  after: KeysetPosition,
): boolean {
  if (after.score === undefined) return true;
  if (score !== after.score) return score < after.score;
  return isPast(time, seq, after, 'desc');
}
