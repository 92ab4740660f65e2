/** Sort direction by time; ties in time keep insertion order (reversed for `desc`). */
export type Order = 'asc' | 'desc';

/** A page of results plus the number of all matches. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Every match of the filters, not just this page. */
  readonly total: number;
}

export interface PageRequest {
  /** 1..MAX_LIMIT. */
  readonly limit: number;
  /** >= 0. */
  readonly offset: number;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
