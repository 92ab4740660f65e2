import { isLive } from '../../../domain/index.js';
import type {
  DedupPolicy,
  InsertOutcome,
  LiveAt,
  Memory,
  MemoryFilter,
  MemoryPage,
  MemoryPatch,
  MemoryQuery,
  MemoryStats,
  MemoryStore,
  PriorityQuery,
} from '../../../domain/index.js';
import { ArcClient } from './arc-client.js';
import { decideOutcomes } from './arc-dedup.js';
import { ArcCorrections } from './arc-corrections.js';
import { ArcDeleter } from './arc-deleter.js';
import { ArcInsertChecks, memoryExists } from './arc-insert-checks.js';
import { buildExpiredIds } from './arc-memory-query.js';
import { lockAll } from './arc-insert-lock.js';
import { ARC_DEFAULTS, type ArcMemoryStoreOptions } from './arc-options.js';
import { ArcQueries } from './arc-queries.js';
import { ArcReader } from './arc-reader.js';
import { ArcTargets, type TargetGroup } from './arc-targets.js';
import type { StoredMemory } from './arc-wire.js';
import { ArcWriter } from './arc-writer.js';

/**
 * {@link MemoryStore} on Arc: one row per memory in a measurement of the org's Arc database,
 * written as columnar msgpack and read with SQL the store builds (every value through
 * `sqlString`). Orgs, keys, agents and sessions live elsewhere.
 *
 * Guarantees, within one memtrace process:
 * - Read-your-writes: a write Arc acknowledged is merged into every read until Arc shows it
 *   ({@link ArcReader}).
 * - Inserts to one Arc database are serialised, so the id check and dedup check see every
 *   earlier insert, acknowledged or not yet visible ({@link ArcInsertChecks}).
 * - A write is resent with the same rows (same ids and sequence numbers) after a failure that
 *   may have stored it; reads keep one row per id, so a resent write never shows twice
 *   ({@link ArcWriter}).
 * Several processes on one Arc database share data but not these checks: two processes
 * inserting one dedup key within Arc's flush interval may both store it.
 */
export class ArcMemoryStore implements MemoryStore {
  private readonly client: ArcClient;
  private readonly targets: ArcTargets;
  private readonly checks: ArcInsertChecks;
  private readonly writer: ArcWriter;
  private readonly reader: ArcReader;
  private readonly deleter: ArcDeleter;
  private readonly queries: ArcQueries;
  private readonly corrections: ArcCorrections;
  private lastSeq = 0n;

  constructor(options: ArcMemoryStoreOptions) {
    this.client = new ArcClient({
      timeoutMs: options.timeoutMs ?? ARC_DEFAULTS.timeoutMs,
      retries: options.retries ?? ARC_DEFAULTS.retries,
      retryBaseMs: options.retryBaseMs ?? ARC_DEFAULTS.retryBaseMs,
    });
    const queries = new ArcQueries(this.client);
    this.queries = queries;
    this.targets = new ArcTargets(
      options.resolveTarget,
      options.readYourWritesMs ?? ARC_DEFAULTS.readYourWritesMs,
    );
    this.checks = new ArcInsertChecks(queries);
    this.writer = new ArcWriter(
      this.client,
      queries,
      options.gzipAboveBytes ?? ARC_DEFAULTS.gzipAboveBytes,
    );
    this.reader = new ArcReader(this.targets, queries);
    this.deleter = new ArcDeleter(this.client, queries, this.writer);
    this.corrections = new ArcCorrections(this.reader);
  }

  /**
   * Stores the memories: after the id and dedup checks, one msgpack write per Arc database.
   * Either every non-duplicate item is written or (on an error) none is, as long as the call's
   * orgs share one database (they always do: callers insert for one org).
   * @returns one outcome per input item, in input order
   * @throws DomainError `conflict` (code `MEMORY_EXISTS`) when an id is already stored;
   *   `unavailable` when Arc cannot be reached, is failing, or did not confirm the write (it is
   *   then resent before the next insert to that database, and may still appear)
   */
  async insert(memories: readonly Memory[], dedup: DedupPolicy | null): Promise<InsertOutcome[]> {
    if (memories.length === 0) return [];
    const groups = await this.targets.groupByTarget(memories);
    const release = await lockAll(groups.map((g) => g.state.insertLock));
    try {
      const seen = new Set<string>();
      for (const m of memories) {
        if (seen.has(m.id)) throw memoryExists(m.id);
        seen.add(m.id);
      }
      for (const g of groups) await this.writer.resendInDoubt(g.target, g.state);
      const outcomes = new Map<Memory, InsertOutcome>();
      const writes: { group: TargetGroup; rows: StoredMemory[] }[] = [];
      for (const g of groups) {
        // Both only read, so they go to Arc together; a taken id fails the call either way.
        const [, candidates] = await Promise.all([
          this.checks.idsAreNew(g.target, g.state, g.memories),
          this.checks.dedupCandidates(g.target, g.state, g.memories, dedup),
        ]);
        const rows = decideOutcomes(g.memories, dedup, candidates, () => this.nextSeq(), outcomes);
        // Retired memories go in the same write as the memories that supersede them.
        writes.push({
          group: g,
          rows: [...rows, ...(await this.corrections.retirements(rows, seen))],
        });
      }
      for (const { group, rows } of writes) {
        await this.writer.write(group.target, group.state, rows);
      }
      return memories.map((m) => outcomes.get(m) as InsertOutcome);
    } finally {
      release();
    }
  }

  /** The org's memory with this id, or null (another org's id reads as null). */
  findById(orgId: string, id: string): Promise<Memory | null> {
    return this.reader.findById(orgId, id);
  }

  /**
   * Matches of the filter ordered by (time, insertion order), ascending or descending, after
   * `offset` matches and at most `limit` (`null`: all), acknowledged writes included.
   */
  async find(orgId: string, query: MemoryQuery): Promise<Memory[]> {
    return (await this.reader.findPage(orgId, query)).memories;
  }

  /** {@link find} with each memory's (time, seq) position (`seq`: the write's sequence). */
  findPage(orgId: string, query: MemoryQuery): Promise<MemoryPage> {
    return this.reader.findPage(orgId, query);
  }

  /** Matches in context priority (see `buildFindByPriority`), acknowledged writes included. */
  findByPriority(orgId: string, query: PriorityQuery): Promise<Memory[]> {
    return this.reader.findByPriority(orgId, query);
  }

  /** How many memories of the org match the filter, acknowledged writes included. */
  count(orgId: string, filter: MemoryFilter): Promise<number> {
    return this.reader.count(orgId, filter);
  }

  /**
   * Deletes the org's memories matching the filter, acknowledged writes included, under the
   * insert lock of the org's Arc database (see {@link ArcDeleter}: flush, then Arc's delete API,
   * which Arc's config must enable with `delete.enabled = true`).
   * @returns how many memories were deleted
   * @throws DomainError `unavailable` when Arc cannot be reached or refuses deletes
   */
  async delete(orgId: string, filter: MemoryFilter): Promise<number> {
    const { target, state } = await this.targets.open(orgId);
    const release = await state.insertLock.acquire();
    try {
      return await this.deleter.delete(target, state, orgId, filter);
    } finally {
      release();
    }
  }

  /**
   * Deletes at most `limit` expired memories of the org (acknowledged writes included) through
   * {@link delete}: their ids are read first, then deleted like any other memories.
   */
  async purgeExpired(
    orgId: string,
    nowMs: number,
    retentionMs: number | null,
    limit: number,
  ): Promise<number> {
    const { target, state } = await this.targets.open(orgId);
    const live = { at: nowMs, retentionMs };
    const pending = state.pendingOf(orgId).filter((p) => !isLive(p.memory, live));
    const shown = await this.queries.rows(
      target,
      buildExpiredIds(target.measurement, orgId, nowMs, retentionMs, limit),
    );
    const ids = [
      ...new Set([...pending.map((p) => p.memory.id), ...shown.map((r) => String(r['id']))]),
    ];
    return ids.length === 0
      ? 0
      : this.delete(orgId, { ids: ids.slice(0, limit), includeSuperseded: true });
  }

  /**
   * Patches the org's memory under the insert lock of its Arc database: the next revision of it
   * (see {@link ArcCorrections}) is written, and reads keep the latest. Concurrent patches in
   * this process are serialised by the lock, so none loses another's metadata keys; another
   * process patching the same memory at the same moment may (Arc has no transaction).
   */
  async update(orgId: string, id: string, patch: MemoryPatch): Promise<Memory | null> {
    const { target, state } = await this.targets.open(orgId);
    const release = await state.insertLock.acquire();
    try {
      await this.writer.resendInDoubt(target, state);
      const next = await this.corrections.patched(orgId, id, patch);
      if (next === null) return null;
      await this.writer.write(target, state, [next]);
      return next.memory;
    } finally {
      release();
    }
  }

  /** Counts over the memories of `agentIds` (only those live then, with `live`), acknowledged writes included. */
  stats(
    orgId: string,
    agentIds: readonly string[],
    sinceMs: number,
    live?: LiveAt,
  ): Promise<MemoryStats> {
    return this.reader.stats(orgId, agentIds, sinceMs, live);
  }

  /**
   * Resolves when Arc at `url` is ready; rejects with DomainError `unavailable` otherwise.
   */
  ping(url: string): Promise<void> {
    return this.client.ping(url);
  }

  /** How many acknowledged writes reads still merge in (for tests and metrics). */
  pendingCount(): number {
    return this.targets.pendingCount();
  }

  /** Insertion order across the process: strictly increasing, close to µs since the epoch. */
  private nextSeq(): bigint {
    const now = BigInt(Date.now()) * 1000n;
    this.lastSeq = now > this.lastSeq ? now : this.lastSeq + 1n;
    return this.lastSeq;
  }
}
