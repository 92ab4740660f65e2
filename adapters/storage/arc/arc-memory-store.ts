import {
  compareContextPriority,
  DomainError,
  type DedupPolicy,
  type InsertOutcome,
  type Memory,
  type MemoryFilter,
  type MemoryQuery,
  type MemoryStats,
  type MemoryStore,
  type MemoryType,
  type PriorityQuery,
} from '../../../domain/index.js';
import { ArcClient, ArcWriteInDoubt, type ArcTarget } from './arc-client.js';
import {
  buildCount,
  buildDedupCandidates,
  buildExistingIds,
  buildIdsBetween,
  sameMillisecondRange,
  buildFind,
  buildFindById,
  buildFindByPriority,
  buildIds,
  buildStats,
  buildStatsRows,
  buildVisibleIds,
  type SeqRange,
} from './arc-memory-query.js';
import { ArcTargetState, type PendingMemory } from './arc-target-state.js';
import { bySeq, decideOutcomes, DedupCandidates } from './arc-dedup.js';
import { chunkByLiteralLength, MAX_SQL_CHARS } from './arc-sql.js';
import {
  emptyStats,
  encodeWrite,
  rowToStored,
  statsFromRow,
  toInt,
  type AnswerShape,
  type ArcRow,
  type StoredMemory,
} from './arc-wire.js';
import {
  ARC_DEFAULTS,
  ARC_SQL_LIMIT,
  CONFIRM_AFTER_MS,
  PARALLEL_QUERIES,
  type ArcMemoryStoreOptions,
} from './arc-options.js';

const compareStored = (a: StoredMemory, b: StoredMemory) =>
  a.memory.time - b.memory.time || bySeq(a.seq, b.seq);

/**
 * {@link MemoryStore} on Arc: one row per memory in a measurement of the org's Arc database,
 * written as columnar msgpack and read with SQL the store builds (every value through
 * `sqlString`). Orgs, keys, agents and sessions live elsewhere.
 *
 * Guarantees, within one memtrace process:
 * - Read-your-writes: a write Arc acknowledged is merged into every read until Arc shows it.
 * - Inserts to one Arc database are serialised, so the id check and dedup check see every
 *   earlier insert, acknowledged or not yet visible.
 * - A write is resent with the same rows (same ids and sequence numbers) after a failure that
 *   may have stored it; reads keep one row per id, so a resent write never shows twice.
 * Several processes on one Arc database share data but not these checks: two processes
 * inserting one dedup key within Arc's flush interval may both store it.
 */
export class ArcMemoryStore implements MemoryStore {
  private readonly client: ArcClient;
  private readonly states = new Map<string, ArcTargetState>();
  private readonly gzipAboveBytes: number;
  private readonly readYourWritesMs: number;
  private lastSeq = 0n;

  constructor(private readonly options: ArcMemoryStoreOptions) {
    this.client = new ArcClient({
      timeoutMs: options.timeoutMs ?? ARC_DEFAULTS.timeoutMs,
      retries: options.retries ?? ARC_DEFAULTS.retries,
      retryBaseMs: options.retryBaseMs ?? ARC_DEFAULTS.retryBaseMs,
    });
    this.gzipAboveBytes = options.gzipAboveBytes ?? ARC_DEFAULTS.gzipAboveBytes;
    this.readYourWritesMs = options.readYourWritesMs ?? ARC_DEFAULTS.readYourWritesMs;
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
    const groups = await this.groupByTarget(memories);
    const release = await this.lockAll(groups.map((g) => g.state));
    try {
      const seen = new Set<string>();
      for (const m of memories) {
        if (seen.has(m.id)) throw memoryExists(m.id);
        seen.add(m.id);
      }
      for (const g of groups) await this.resendInDoubt(g.target, g.state);
      const outcomes = new Map<Memory, InsertOutcome>();
      const writes: { group: (typeof groups)[number]; rows: StoredMemory[] }[] = [];
      for (const g of groups) {
        // Both only read, so they go to Arc together; a taken id fails the call either way.
        const [, candidates] = await Promise.all([
          this.checkIdsAreNew(g.target, g.state, g.memories),
          this.dedupCandidates(g.target, g.state, g.memories, dedup),
        ]);
        writes.push({
          group: g,
          rows: decideOutcomes(g.memories, dedup, candidates, () => this.nextSeq(), outcomes),
        });
      }
      for (const { group, rows } of writes) await this.write(group.target, group.state, rows);
      return memories.map((m) => outcomes.get(m) as InsertOutcome);
    } finally {
      release();
    }
  }

  /** The org's memory with this id, or null (another org's id reads as null). */
  async findById(orgId: string, id: string): Promise<Memory | null> {
    const { target, state } = await this.open(orgId);
    const pending = state.pending.get(id);
    if (pending) return pending.memory.orgId === orgId ? pending.memory : null;
    const rows = await this.rows(target, buildFindById(target.measurement, orgId, id));
    return rows.length > 0 ? rowToStored(rows[0] as ArcRow).memory : null;
  }

  /**
   * Matches of the filter ordered by (time, insertion order), ascending or descending, after
   * `offset` matches and at most `limit` (`null`: all), acknowledged writes included.
   */
  async find(orgId: string, query: MemoryQuery): Promise<Memory[]> {
    const { filter, order, limit, offset } = query;
    const sign = order === 'asc' ? 1 : -1;
    return this.readMerged(
      orgId,
      (state) => state.matching(orgId, filter),
      (m, page, range) =>
        page
          ? buildFind(m, orgId, filter, order, limit, offset, range)
          : buildFind(m, orgId, filter, order, limit === null ? null : offset + limit, 0, range),
      (m, range) => buildFind(m, orgId, filter, order, null, 0, range),
      (a, b) => sign * compareStored(a, b),
      offset,
      limit,
    );
  }

  /** Matches in context priority (see `buildFindByPriority`), acknowledged writes included. */
  async findByPriority(orgId: string, query: PriorityQuery): Promise<Memory[]> {
    const max = query.maxContentLength;
    return this.readMerged(
      orgId,
      (state) =>
        state
          .matching(orgId, query.filter)
          .filter((p) => max === null || p.memory.content.length <= max),
      (m, _page, range) => buildFindByPriority(m, orgId, query, range),
      (m, range) => buildFindByPriority(m, orgId, { ...query, limit: null }, range),
      (a, b) => compareContextPriority(a.memory, b.memory),
      0,
      query.limit,
    );
  }

  /** How many memories of the org match the filter, acknowledged writes included. */
  async count(orgId: string, filter: MemoryFilter): Promise<number> {
    const { target, state } = await this.open(orgId);
    const m = target.measurement;
    const pending = state.matching(orgId, filter);
    if (pending.length === 0) {
      const [row] = await this.one(target, buildCount(m, orgId, filter));
      return toInt(row?.['n']);
    }
    const from = minSeq(pending);
    const [older, recent] = await Promise.all([
      this.one(target, buildCount(m, orgId, filter, before(from))),
      this.rows(target, buildIds(m, orgId, filter, since(from))),
      this.confirm(target, state),
    ]);
    const ids = new Set(pending.map((p) => p.memory.id));
    for (const r of recent) ids.add(String(r['id']));
    return toInt(older[0]?.['n']) + ids.size;
  }

  /** Counts over the memories of `agentIds`, acknowledged writes included. */
  async stats(orgId: string, agentIds: readonly string[], sinceMs: number): Promise<MemoryStats> {
    if (agentIds.length === 0) return emptyStats();
    const { target, state } = await this.open(orgId);
    const m = target.measurement;
    const agents = new Set(agentIds);
    const pending = state.pendingOf(orgId).filter((p) => agents.has(p.memory.agentId));
    if (pending.length === 0) {
      const [row] = await this.one(target, buildStats(m, orgId, agentIds, sinceMs));
      return statsFromRow(row);
    }
    const from = minSeq(pending);
    const [older, recent] = await Promise.all([
      this.one(target, buildStats(m, orgId, agentIds, sinceMs, before(from))),
      this.rows(target, buildStatsRows(m, orgId, agentIds, since(from))),
      this.confirm(target, state),
    ]);
    const rows = new Map<string, { time: number; eventType: string; memoryType: string }>();
    for (const p of pending) rows.set(p.memory.id, p.memory);
    for (const r of recent) {
      const id = String(r['id']);
      if (!rows.has(id)) {
        rows.set(id, {
          time: toInt(r['time_ms']),
          eventType: String(r['event_type']),
          memoryType: String(r['memory_type']),
        });
      }
    }
    const stats = statsFromRow(older[0]);
    const types: Partial<Record<MemoryType, number>> = { ...stats.memoryTypes };
    let recentCount = 0;
    let recentErrors = 0;
    for (const r of rows.values()) {
      const type = r.memoryType as MemoryType;
      types[type] = (types[type] ?? 0) + 1;
      if (r.time >= sinceMs) {
        recentCount++;
        if (r.eventType === 'error') recentErrors++;
      }
    }
    return {
      memoryCount: stats.memoryCount + rows.size,
      memoriesSince: stats.memoriesSince + recentCount,
      errorsSince: stats.errorsSince + recentErrors,
      memoryTypes: types,
    };
  }

  /**
   * Resolves when Arc at `url` is ready; rejects with DomainError `unavailable` otherwise.
   */
  ping(url: string): Promise<void> {
    return this.client.ping(url);
  }

  /** How many acknowledged writes reads still merge in (for tests and metrics). */
  pendingCount(): number {
    let n = 0;
    for (const s of this.states.values()) n += s.pending.size;
    return n;
  }

  private async open(orgId: string): Promise<{ target: ArcTarget; state: ArcTargetState }> {
    const target = await this.options.resolveTarget(orgId);
    return { target, state: this.stateOf(target) };
  }

  private stateOf(target: ArcTarget): ArcTargetState {
    const key = targetKey(target);
    let state = this.states.get(key);
    if (!state) this.states.set(key, (state = new ArcTargetState(key)));
    state.expire(Date.now() - this.readYourWritesMs);
    return state;
  }

  private async groupByTarget(memories: readonly Memory[]) {
    const targets = new Map<string, ArcTarget>();
    for (const orgId of new Set(memories.map((m) => m.orgId))) {
      targets.set(orgId, await this.options.resolveTarget(orgId));
    }
    const groups = new Map<
      string,
      { target: ArcTarget; state: ArcTargetState; memories: Memory[] }
    >();
    for (const m of memories) {
      const target = targets.get(m.orgId) as ArcTarget;
      const key = targetKey(target);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { target, state: this.stateOf(target), memories: [] }));
      group.memories.push(m);
    }
    return [...groups.values()].sort((a, b) => (a.state.key < b.state.key ? -1 : 1));
  }

  private async lockAll(states: readonly ArcTargetState[]): Promise<() => void> {
    const releases: (() => void)[] = [];
    for (const s of states) releases.push(await s.lock());
    return () => releases.reverse().forEach((r) => r());
  }

  /** Rows of a query wrapped with its end marker, all of them or an error. */
  /**
   * A read in `compare`'s order, acknowledged writes included. With no pending write among the
   * matches it is one query (`head(…, true, all)`: the page itself). Otherwise rows written from
   * the oldest pending one on are few: all of them are read (`tail`) and merged by id with the
   * pending writes and with the older rows, read as a page reaching the end of this one
   * (`head(…, false, before)`), then sorted and cut.
   */
  private async readMerged(
    orgId: string,
    pendingOf: (state: ArcTargetState) => readonly PendingMemory[],
    head: (measurement: string, page: boolean, range: SeqRange) => string,
    tail: (measurement: string, range: SeqRange) => string,
    compare: (a: StoredMemory, b: StoredMemory) => number,
    offset: number,
    limit: number | null,
  ): Promise<Memory[]> {
    const { target, state } = await this.open(orgId);
    const m = target.measurement;
    const pending = pendingOf(state);
    if (pending.length === 0) {
      const rows = await this.rows(target, head(m, true, { kind: 'all' }));
      return rows
        .map(rowToStored)
        .sort(compare)
        .map((x) => x.memory);
    }
    const from = minSeq(pending);
    const [older, recent] = await Promise.all([
      this.rows(target, head(m, false, before(from))),
      this.rows(target, tail(m, since(from))),
      this.confirm(target, state),
    ]);
    const merged = new Map<string, StoredMemory>();
    for (const p of pending) merged.set(p.memory.id, p);
    for (const r of [...recent, ...older]) {
      const stored = rowToStored(r);
      if (!merged.has(stored.memory.id)) merged.set(stored.memory.id, stored);
    }
    const sorted = [...merged.values()].sort(compare);
    return sorted.slice(offset, limit === null ? undefined : offset + limit).map((x) => x.memory);
  }

  private rows(target: ArcTarget, sql: string): Promise<ArcRow[]> {
    return this.query(target, sql, 'rows');
  }

  /** The one row of an aggregate (none when nothing was ever written). */
  private one(target: ArcTarget, sql: string): Promise<ArcRow[]> {
    return this.query(target, sql, 'one');
  }

  private async query(target: ArcTarget, sql: string, shape: AnswerShape): Promise<ArcRow[]> {
    if (sql.length > ARC_SQL_LIMIT) {
      throw new DomainError(
        'invalid',
        'INVALID_REQUEST',
        'the filters are too long for the Arc store (its SQL is limited to 10,000 characters)',
      );
    }
    return this.client.query(target, sql, shape);
  }

  /** Runs one statement per chunk of `values`, a few at a time, and concatenates the rows. */
  private async queryChunks(
    target: ArcTarget,
    values: readonly string[],
    build: (chunk: readonly string[]) => string,
  ): Promise<ArcRow[]> {
    const budget = MAX_SQL_CHARS - build([]).length;
    const chunks = chunkByLiteralLength(values, budget);
    const rows: ArcRow[] = [];
    for (let i = 0; i < chunks.length; i += PARALLEL_QUERIES) {
      const batch = chunks.slice(i, i + PARALLEL_QUERIES);
      for (const part of await Promise.all(batch.map((c) => this.rows(target, build(c))))) {
        rows.push(...part);
      }
    }
    return rows;
  }

  private async checkIdsAreNew(
    target: ArcTarget,
    state: ArcTargetState,
    memories: readonly Memory[],
  ): Promise<void> {
    for (const m of memories) if (state.pending.has(m.id)) throw memoryExists(m.id);
    const ids = memories.map((m) => m.id);
    const range = sameMillisecondRange(ids);
    if (range) {
      const batch = new Set(ids);
      const between = await this.rows(target, buildIdsBetween(target.measurement, ...range));
      const taken = between.find((r) => batch.has(String(r['id'])));
      if (taken) throw memoryExists(String(taken['id']));
      return;
    }
    const existing = await this.queryChunks(target, ids, (chunk) =>
      buildExistingIds(target.measurement, chunk),
    );
    if (existing.length > 0) throw memoryExists(String(existing[0]?.['id']));
  }

  /** Stored and pending memories of the same orgs and keys inside the widest window. */
  private async dedupCandidates(
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
      const from = Math.min(...keyed.map((m) => m.time)) - dedup.windowMs;
      const keys = [...new Set(keyed.map((m) => m.dedupKey as string))];
      const rows = await this.queryChunks(target, keys, (chunk) =>
        buildDedupCandidates(target.measurement, orgId, chunk, from),
      );
      for (const r of rows) {
        candidates.add(orgId, String(r['dedup_key']), {
          id: String(r['id']),
          time: toInt(r['time_ms']),
          seq: BigInt(String(r['seq_text'])),
        });
      }
      for (const p of state.pendingOf(orgId)) {
        if (p.memory.dedupKey !== null) {
          candidates.add(orgId, p.memory.dedupKey, {
            id: p.memory.id,
            time: p.memory.time,
            seq: p.seq,
          });
        }
      }
    }
    return candidates;
  }

  private async write(
    target: ArcTarget,
    state: ArcTargetState,
    rows: readonly StoredMemory[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const body = await encodeWrite(target.measurement, rows, this.gzipAboveBytes);
    try {
      await this.client.write(target, body);
    } catch (e) {
      if (e instanceof ArcWriteInDoubt) {
        state.inDoubt.push({ rows, body });
        throw inDoubtError(e);
      }
      throw e;
    }
    state.acknowledge(rows, Date.now());
    const oldest = state.oldestAckedAt();
    if (oldest !== undefined && Date.now() - oldest >= CONFIRM_AFTER_MS) {
      void this.confirm(target, state);
    }
  }

  /**
   * Resends writes whose outcome is unknown, byte for byte, before anything else is written
   * to that database: they are then stored (perhaps twice, which reads collapse) and visible
   * to the checks of the insert that follows.
   * @throws DomainError `unavailable` while Arc still does not confirm them
   */
  private async resendInDoubt(target: ArcTarget, state: ArcTargetState): Promise<void> {
    while (state.inDoubt.length > 0) {
      const first = state.inDoubt[0] as { rows: readonly StoredMemory[]; body: Uint8Array };
      try {
        await this.client.write(target, first.body);
      } catch (e) {
        if (e instanceof ArcWriteInDoubt) throw inDoubtError(e);
        if (e instanceof DomainError) throw e;
        // Arc refuses it outright: it was never stored and never will be.
        state.inDoubt.shift();
        continue;
      }
      state.inDoubt.shift();
      state.acknowledge(first.rows, Date.now());
    }
  }

  /**
   * Drops from the pending writes those Arc shows now (one query over their sequence range).
   * Best effort: reads stay exact without it, it only keeps the pending set small.
   */
  private async confirm(target: ArcTarget, state: ArcTargetState): Promise<void> {
    if (state.pending.size === 0) return;
    state.confirming ??= (async () => {
      try {
        await state.confirmOldest(async (first, last) => {
          const sql = buildVisibleIds(target.measurement, first, last);
          return (await this.client.query(target, sql, 'rows')).map((r) => String(r['id']));
        });
      } catch {
        // The reads that run beside it report Arc's failure.
      } finally {
        state.confirming = undefined;
      }
    })();
    await state.confirming;
  }

  /** Insertion order across the process: strictly increasing, close to µs since the epoch. */
  private nextSeq(): bigint {
    const now = BigInt(Date.now()) * 1000n;
    this.lastSeq = now > this.lastSeq ? now : this.lastSeq + 1n;
    return this.lastSeq;
  }
}

const targetKey = (t: ArcTarget) => `${t.url}\u0000${t.database}\u0000${t.measurement}`;
const before = (seq: bigint): SeqRange => ({ kind: 'before', seq });
const since = (seq: bigint): SeqRange => ({ kind: 'from', seq });
const minSeq = (rows: readonly PendingMemory[]) =>
  rows.reduce((min, r) => (r.seq < min ? r.seq : min), (rows[0] as PendingMemory).seq);

const memoryExists = (id: string) =>
  new DomainError('conflict', 'MEMORY_EXISTS', `memory ${id} already exists`);

const inDoubtError = (e: Error) =>
  new DomainError(
    'unavailable',
    'STORAGE_UNAVAILABLE',
    `storage unavailable: ${e.message}; the write will be resent before the next one`,
  );
