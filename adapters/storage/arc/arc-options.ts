import type { ArcClientOptions, ArcTarget } from './arc-client.js';

/** Finds the Arc database (and server) of an org. */
export type ArcTargetResolver = (orgId: string) => Promise<ArcTarget>;

export interface ArcMemoryStoreOptions extends Partial<ArcClientOptions> {
  /** Where each org's memories live. */
  readonly resolveTarget: ArcTargetResolver;
  /** Write bodies larger than this are gzipped; default 64 KiB. */
  readonly gzipAboveBytes?: number;
  /**
   * How long an acknowledged write is merged into reads while Arc does not show it yet
   * (Arc shows writes only once its buffer is flushed); default 60 s. Must exceed Arc's
   * `max_buffer_age_ms`.
   */
  readonly readYourWritesMs?: number;
}

export const ARC_DEFAULTS = {
  timeoutMs: 5000,
  retries: 3,
  retryBaseMs: 50,
  gzipAboveBytes: 64 * 1024,
  readYourWritesMs: 60_000,
} as const;

/** Arc refuses longer SQL with a 400. */
export const ARC_SQL_LIMIT = 10_000;
/** Statements that carry value lists run at most this many at a time. */
export const PARALLEL_QUERIES = 4;
/** Pending writes one visibility check asks Arc about at most. */
export const CONFIRM_BATCH = 1000;
/**
 * Checks one confirmation makes at most, oldest writes first, while Arc shows every write a check
 * asked about: enough to confirm the largest batch at once, so that pending writes drain faster
 * than batches add them (each read merges every pending write in, and asks Arc for every row
 * since the oldest).
 */
export const CONFIRM_ROUNDS = 10;
/**
 * After a write, Arc is asked which pending writes it shows once the oldest has waited this
 * long, so that a process that only writes does not keep every write in memory for long.
 */
export const CONFIRM_AFTER_MS = 250;
