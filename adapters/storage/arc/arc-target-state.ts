import { matchesFilter, type MemoryFilter } from '../../../domain/index.js';
import type { StoredMemory } from './arc-wire.js';
import { InsertLock } from './arc-insert-lock.js';
import { CONFIRM_BATCH, CONFIRM_ROUNDS } from './arc-options.js';

/** A write Arc acknowledged but may not show yet. */
export interface PendingMemory extends StoredMemory {
  readonly ackedAt: number;
}

/** A write whose outcome is unknown, kept to be resent byte for byte. */
export interface InDoubtWrite {
  readonly rows: readonly StoredMemory[];
  readonly body: Uint8Array;
}

/** A memory Arc shows, with the latest revision of it Arc shows. */
export interface VisibleRevision {
  readonly id: string;
  readonly revision: number;
}

/** The ids of the rows Arc shows with a sequence number from `first` to `last`. */
export type VisibleIds = (first: bigint, last: bigint) => Promise<VisibleRevision[]>;

/**
 * What the store keeps per Arc database and measurement in this process: the insert lock,
 * acknowledged writes Arc may not show yet (merged into reads), and writes in doubt.
 */
export class ArcTargetState {
  /** Acknowledged writes by id, oldest first. */
  readonly pending = new Map<string, PendingMemory>();
  readonly inDoubt: InDoubtWrite[] = [];
  readonly insertLock = new InsertLock();
  private confirming: Promise<void> | undefined;

  constructor(readonly key: string) {}

  acknowledge(rows: readonly StoredMemory[], now: number): void {
    for (const r of rows) {
      const known = this.pending.get(r.memory.id);
      // A resent older revision never replaces a newer one.
      if (known && known.revision > r.revision) continue;
      // Deleted first, so the map stays in acknowledgement order (see expire).
      this.pending.delete(r.memory.id);
      this.pending.set(r.memory.id, { ...r, ackedAt: now });
    }
  }

  /** Forgets pending writes acknowledged before `cutoff` (Arc should show them by then). */
  expire(cutoff: number): void {
    for (const [id, p] of this.pending) {
      if (p.ackedAt >= cutoff) break;
      this.pending.delete(id);
    }
  }

  pendingOf(orgId: string): PendingMemory[] {
    return [...this.pending.values()].filter((p) => p.memory.orgId === orgId);
  }

  matching(orgId: string, filter: MemoryFilter): PendingMemory[] {
    return this.pendingOf(orgId).filter((p) => matchesFilter(p.memory, filter));
  }

  /**
   * The sequence range of the oldest `limit` pending writes (acknowledgement order is sequence
   * order), so that asking Arc which of them it shows stays a bounded query.
   */
  oldestSeqRange(limit: number): [bigint, bigint] {
    let min: bigint | undefined;
    let max: bigint | undefined;
    let n = 0;
    for (const p of this.pending.values()) {
      if (n++ >= limit) break;
      if (min === undefined || p.seq < min) min = p.seq;
      if (max === undefined || p.seq > max) max = p.seq;
    }
    return [min ?? 0n, max ?? 0n];
  }

  /** When the oldest pending write was acknowledged, or undefined when none is pending. */
  oldestAckedAt(): number | undefined {
    for (const p of this.pending.values()) return p.ackedAt;
    return undefined;
  }

  /**
   * Drops from the pending writes those Arc shows now, asking `visible` (one query over a
   * sequence range, see {@link confirmOldest}); calls made while one runs share it. Best effort:
   * reads stay exact without it, it only keeps the pending set small.
   */
  async confirm(visible: VisibleIds): Promise<void> {
    if (this.pending.size === 0) return;
    this.confirming ??= (async () => {
      try {
        await this.confirmOldest(visible);
      } catch {
        // The reads that run beside it report Arc's failure.
      } finally {
        this.confirming = undefined;
      }
    })();
    await this.confirming;
  }

  /**
   * Asks `visible` which of the oldest pending writes Arc shows, in rounds of CONFIRM_BATCH
   * (at most CONFIRM_ROUNDS), and forgets those; stops at a round Arc does not show whole, as
   * it then does not show the newer ones either.
   */
  async confirmOldest(visible: VisibleIds): Promise<void> {
    for (let round = 0; round < CONFIRM_ROUNDS && this.pending.size > 0; round++) {
      const asked = Math.min(this.pending.size, CONFIRM_BATCH);
      const [first, last] = this.oldestSeqRange(CONFIRM_BATCH);
      const ids = await visible(first, last);
      const before = this.pending.size;
      this.confirmVisible(ids);
      if (before - this.pending.size < asked) return;
    }
  }

  /** Arc shows these revisions now: reads no longer need to merge in those or older ones. */
  confirmVisible(shown: readonly VisibleRevision[]): void {
    for (const { id, revision } of shown) {
      const p = this.pending.get(id);
      if (p && p.revision <= revision) this.pending.delete(id);
    }
  }

  /** The org's pending ids: Arc's rows of them are stale or the same as the pending ones. */
  pendingIdsOf(orgId: string): Set<string> {
    return new Set(this.pendingOf(orgId).map((p) => p.memory.id));
  }
}
