import { DomainError, type DedupPolicy, type Memory } from '../../../domain/index.js';
import type { ArcTarget } from './arc-client.js';
import { DedupCandidates } from './arc-dedup.js';
import { buildDedupCandidates, buildExistingIds, buildIdsBetween } from './arc-memory-query.js';
import type { ArcQueries } from './arc-queries.js';
import type { ArcTargetState } from './arc-target-state.js';
import { toInt } from './arc-wire.js';

/** DomainError `conflict` (code `MEMORY_EXISTS`): the id is taken. */
export const memoryExists = (id: string) =>
  new DomainError('conflict', 'MEMORY_EXISTS', `memory ${id} already exists`);

/**
 * The checks an insert makes under its target's lock, before it writes: both only read, so an
 * insert runs them together.
 */
export class ArcInsertChecks {
  constructor(private readonly queries: ArcQueries) {}

  /**
   * @throws DomainError `conflict` (code `MEMORY_EXISTS`) when an id is pending or stored: one
   *   query over the id range when the ids share a millisecond, else over the ids in chunks
   */
  async idsAreNew(
    target: ArcTarget,
    state: ArcTargetState,
    memories: readonly Memory[],
  ): Promise<void> {
    for (const m of memories) if (state.pending.has(m.id)) throw memoryExists(m.id);
    const ids = memories.map((m) => m.id);
    const range = sameMillisecondRange(ids);
    if (range) {
      const batch = new Set(ids);
      const between = await this.queries.rows(
        target,
        buildIdsBetween(target.measurement, ...range),
      );
      const taken = between.find((r) => batch.has(String(r['id'])));
      if (taken) throw memoryExists(String(taken['id']));
      return;
    }
    const existing = await this.queries.chunks(target, ids, (chunk) =>
      buildExistingIds(target.measurement, chunk),
    );
    if (existing.length > 0) throw memoryExists(String(existing[0]?.['id']));
  }

  /**
   * Stored and pending memories of the same orgs and keys recorded inside the widest window
   * (windows read `createdAt`, not the event time).
   */
  async dedupCandidates(
    target: ArcTarget,
    state: ArcTargetState,
    memories: readonly Memory[],
    dedup: DedupPolicy | null,
  ): Promise<DedupCandidates> {
    const candidates = new DedupCandidates();
    if (dedup === null) return candidates;
    const byOrg = new Map<string, Memory[]>();
    for (const m of memories) {
      if (m.dedupKey === null) continue;
      const list = byOrg.get(m.orgId);
      if (list) list.push(m);
      else byOrg.set(m.orgId, [m]);
    }
    for (const [orgId, keyed] of byOrg) {
      const from = Math.min(...keyed.map((m) => m.createdAt)) - dedup.windowMs;
      const keys = [...new Set(keyed.map((m) => m.dedupKey as string))];
      const rows = await this.queries.chunks(target, keys, (chunk) =>
        buildDedupCandidates(target.measurement, orgId, chunk, from),
      );
      for (const r of rows) {
        candidates.add(orgId, String(r['dedup_key']), {
          id: String(r['id']),
          createdAt: toInt(r['created_ms']),
          seq: BigInt(String(r['seq_text'])),
        });
      }
      for (const p of state.pendingOf(orgId)) {
        if (p.memory.dedupKey !== null) {
          candidates.add(orgId, p.memory.dedupKey, {
            id: p.memory.id,
            createdAt: p.memory.createdAt,
            seq: p.seq,
          });
        }
      }
    }
    return candidates;
  }
}

/**
 * Memory ids start with their kind's prefix and 12 hex digits of the time in ms (see the id
 * generator): ids sharing that much were made in one millisecond, so few stored ids lie between.
 */
const TIME_ORDERED_PREFIX = 'mem_'.length + 12;

/**
 * The first and last of `ids` when they were made in one millisecond (the ids of one batch
 * follow each other): one statement then finds what is stored between them, where a taken one
 * can only be, instead of one statement per list of ids that Arc's SQL length allows.
 */
export function sameMillisecondRange(ids: readonly string[]): [string, string] | null {
  if (ids.length < 2) return null;
  const sorted = [...ids].sort();
  const first = sorted[0] as string;
  const last = sorted[sorted.length - 1] as string;
  let n = 0;
  while (n < first.length && first[n] === last[n]) n++;
  return n >= TIME_ORDERED_PREFIX ? [first, last] : null;
}
