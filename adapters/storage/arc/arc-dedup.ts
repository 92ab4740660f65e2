import type { DedupPolicy, InsertOutcome, Memory } from '../../../domain/index.js';
import type { StoredMemory } from './arc-wire.js';

/** A stored or pending memory that a new memory with the same org and key may duplicate. */
export interface DedupCandidate {
  readonly id: string;
  /** When it was recorded, ms: dedup windows read this, not the event time. */
  readonly createdAt: number;
  readonly seq: bigint;
}

export const bySeq = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** Dedup candidates by (org, key). */
export class DedupCandidates {
  private readonly byKey = new Map<string, DedupCandidate[]>();

  add(orgId: string, key: string, c: DedupCandidate): void {
    const k = `${orgId}\u0000${key}`;
    const list = this.byKey.get(k);
    if (list) list.push(c);
    else this.byKey.set(k, [c]);
  }

  /** The candidate of this org and key recorded last at or after `from`, ties by sequence. */
  newestSince(orgId: string, key: string, from: number): DedupCandidate | undefined {
    return (this.byKey.get(`${orgId}\u0000${key}`) ?? [])
      .filter((c) => c.createdAt >= from)
      .sort((a, b) => b.createdAt - a.createdAt || bySeq(b.seq, a.seq))[0];
  }
}

/**
 * Decides each memory's outcome in input order (a duplicate of the newest candidate within
 * its window, earlier items of the call included) and gives the created ones their sequence
 * numbers from `nextSeq`.
 * @returns the memories to write
 */
export function decideOutcomes(
  memories: readonly Memory[],
  dedup: DedupPolicy | null,
  candidates: DedupCandidates,
  nextSeq: () => bigint,
  outcomes: Map<Memory, InsertOutcome>,
): StoredMemory[] {
  const created: StoredMemory[] = [];
  for (const m of memories) {
    if (dedup !== null && m.dedupKey !== null) {
      const hit = candidates.newestSince(m.orgId, m.dedupKey, m.createdAt - dedup.windowMs);
      if (hit) {
        outcomes.set(m, { status: 'duplicate', existingId: hit.id });
        continue;
      }
    }
    const stored = { memory: m, seq: nextSeq(), revision: 0 };
    created.push(stored);
    outcomes.set(m, { status: 'created', memory: m });
    if (dedup !== null && m.dedupKey !== null) {
      candidates.add(m.orgId, m.dedupKey, { id: m.id, createdAt: m.createdAt, seq: stored.seq });
    }
  }
  return created;
}
