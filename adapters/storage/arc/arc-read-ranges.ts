import type { MemoryFilter } from '../../../domain/index.js';
import { bySeq } from './arc-dedup.js';
import type { SeqRange } from './arc-memory-query.js';
import { chunkByLiteralLength } from './arc-sql.js';
import type { PendingMemory } from './arc-target-state.js';
import type { StoredMemory } from './arc-wire.js';

// Small pieces of the Arc reads: row order, `seq` ranges, and when ids go in chunks.

/** By time, then insertion order: the order of a memory list. */
export const compareStored = (a: StoredMemory, b: StoredMemory) =>
  a.memory.time - b.memory.time || bySeq(a.seq, b.seq);

/**
 * Whether the filter's ids are too many for one statement (Arc takes 10,000 characters of SQL):
 * such reads go in chunks of ids instead.
 */
export const longIds = (f: MemoryFilter): boolean =>
  f.ids !== undefined && chunkByLiteralLength(f.ids, INLINE_IDS_CHARS).length > 1;
const INLINE_IDS_CHARS = 4_000;
export const ALL: SeqRange = { kind: 'all' };

export const before = (seq: bigint): SeqRange => ({ kind: 'before', seq });
export const since = (seq: bigint): SeqRange => ({ kind: 'from', seq });
export const minSeq = (rows: readonly PendingMemory[]) =>
  rows.reduce((min, r) => (r.seq < min ? r.seq : min), (rows[0] as PendingMemory).seq);
