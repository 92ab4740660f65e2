import {
  compareContextPriority,
  isPast,
  isLive,
  type LiveAt,
  type Memory,
  type MemoryFilter,
  type MemoryPage,
  type MemoryQuery,
  type MemoryStats,
  type PriorityQuery,
} from '../../../domain/index.js';
import { ALL, before, compareStored, longIds, minSeq, since } from './arc-read-ranges.js';
import { addRecent, type StatsRow } from './arc-recent-stats.js';
import {
  buildCount,
  buildFind,
  buildFindById,
  buildFindByPriority,
  buildIds,
  type SeqRange,
} from './arc-memory-query.js';
import type { ArcTarget } from './arc-client.js';
import { ArcSearch } from './arc-search.js';
import { buildStats, buildStatsRows } from './arc-stats-query.js';
import type { ArcQueries } from './arc-queries.js';
import type { ArcTargetState, PendingMemory } from './arc-target-state.js';
import type { ArcTargets } from './arc-targets.js';
import {
  emptyStats,
  rowToStored,
  statsFromRow,
  toInt,
  type ArcRow,
  type StoredMemory,
} from './arc-wire.js';

/**
 * The reads of the Arc store, acknowledged writes included: a write Arc acknowledged but does
 * not show yet is merged in by id (see `readMerged`), and each read that merges asks Arc
 * alongside which pending writes it shows now.
 */
export class ArcReader {
  private readonly search: ArcSearch;

  constructor(
    private readonly targets: ArcTargets,
    private readonly queries: ArcQueries,
  ) {
    this.search = new ArcSearch(targets, queries);
  }

  /** The org's memory with this id, or null (another org's id reads as null). */
  async findById(orgId: string, id: string): Promise<Memory | null> {
    return (await this.findStored(orgId, id))?.memory ?? null;
  }

  /** The latest revision of the org's memory with this id, acknowledged writes included. */
  async findStored(orgId: string, id: string): Promise<StoredMemory | null> {
    const { target, state } = await this.targets.open(orgId);
    const pending = state.pending.get(id);
    if (pending) return pending.memory.orgId === orgId ? pending : null;
    const rows = await this.queries.rows(target, buildFindById(target.measurement, orgId, id));
    return rows.length > 0 ? rowToStored(rows[0] as ArcRow) : null;
  }

  /** See `ArcMemoryStore.findPage`: matches with their (time, seq) positions. */
  async findPage(orgId: string, query: MemoryQuery): Promise<MemoryPage> {
    if (query.filter.query !== undefined) return this.search.findPage(orgId, query);
    const { filter, order, limit, offset, after } = query;
    const sign = order === 'asc' ? 1 : -1;
    const past = (p: StoredMemory) =>
      after === undefined || isPast(p.memory.time, p.seq, after, order);
    const rows = longIds(filter)
      ? await this.readByIdChunks(
          orgId,
          filter,
          (m, f) => buildFind(m, orgId, f, order, null, 0, ALL, after),
          (a, b) => sign * compareStored(a, b),
          offset,
          limit,
          past,
        )
      : await this.readMerged(
          orgId,
          (state) => state.matching(orgId, filter).filter(past),
          (m, page, range) =>
            page
              ? buildFind(m, orgId, filter, order, limit, offset, range, after)
              : buildFind(
                  m,
                  orgId,
                  filter,
                  order,
                  limit === null ? null : offset + limit,
                  0,
                  range,
                  after,
                ),
          (m, range) => buildFind(m, orgId, filter, order, null, 0, range, after),
          (a, b) => sign * compareStored(a, b),
          offset,
          limit,
        );
    return {
      memories: rows.map((r) => r.memory),
      positions: rows.map((r) => ({ time: r.memory.time, seq: r.seq.toString() })),
    };
  }

  /** Matches in context priority (see `buildFindByPriority`). */
  async findByPriority(orgId: string, query: PriorityQuery): Promise<Memory[]> {
    return (await this.findStoredByPriority(orgId, query)).map((r) => r.memory);
  }

  private findStoredByPriority(orgId: string, query: PriorityQuery): Promise<StoredMemory[]> {
    const max = query.maxContentLength;
    if (longIds(query.filter)) {
      return this.readByIdChunks(
        orgId,
        query.filter,
        (m, filter) => buildFindByPriority(m, orgId, { ...query, filter, limit: null }),
        (a, b) => compareContextPriority(a.memory, b.memory),
        0,
        query.limit,
        (p) => max === null || p.memory.content.length <= max,
      );
    }
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

  /** How many memories of the org match the filter. */
  async count(orgId: string, filter: MemoryFilter): Promise<number> {
    const { target, state } = await this.targets.open(orgId);
    const m = target.measurement;
    const all = state.pendingOf(orgId);
    const stale = state.pendingIdsOf(orgId);
    const ids = new Set(state.matching(orgId, filter).map((p) => p.memory.id));
    const add = (rows: readonly ArcRow[]) => {
      for (const r of rows) if (!stale.has(String(r['id']))) ids.add(String(r['id']));
    };
    if (longIds(filter)) {
      add(await this.chunked(target, filter, (f) => buildIds(m, orgId, f, ALL)));
      return ids.size;
    }
    if (all.length === 0) {
      const [row] = await this.queries.one(target, buildCount(m, orgId, filter));
      return toInt(row?.['n']);
    }
    // Every pending id has a seq from `from` on (a revision keeps its memory's seq), so the
    // count before it holds none of them.
    const from = minSeq(all);
    const [older, recent] = await Promise.all([
      this.queries.one(target, buildCount(m, orgId, filter, before(from))),
      this.queries.rows(target, buildIds(m, orgId, filter, since(from))),
      this.queries.confirm(target, state),
    ]);
    add(recent);
    return toInt(older[0]?.['n']) + ids.size;
  }

  /** Counts over the memories of `agentIds` (none: empty stats, without asking Arc). */
  async stats(
    orgId: string,
    agentIds: readonly string[],
    sinceMs: number,
    live?: LiveAt,
  ): Promise<MemoryStats> {
    if (agentIds.length === 0) return emptyStats();
    const { target, state } = await this.targets.open(orgId);
    const m = target.measurement;
    const agents = new Set(agentIds);
    const all = state.pendingOf(orgId);
    const stale = state.pendingIdsOf(orgId);
    const pending = all.filter(
      (p) =>
        agents.has(p.memory.agentId) &&
        p.memory.supersededBy === null &&
        (live === undefined || isLive(p.memory, live)),
    );
    if (all.length === 0) {
      const [row] = await this.queries.one(
        target,
        buildStats(m, orgId, agentIds, sinceMs, ALL, live),
      );
      return statsFromRow(row);
    }
    const from = minSeq(all);
    const [older, recent] = await Promise.all([
      this.queries.one(target, buildStats(m, orgId, agentIds, sinceMs, before(from), live)),
      this.queries.rows(target, buildStatsRows(m, orgId, agentIds, since(from), live)),
      this.queries.confirm(target, state),
    ]);
    const rows = new Map<string, StatsRow>();
    for (const p of pending) rows.set(p.memory.id, p.memory);
    for (const r of recent) {
      const id = String(r['id']);
      if (!rows.has(id) && !stale.has(id)) {
        rows.set(id, {
          time: toInt(r['time_ms']),
          eventType: String(r['event_type']),
          memoryType: String(r['memory_type']),
        });
      }
    }
    return addRecent(statsFromRow(older[0]), rows.values(), sinceMs);
  }

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
  ): Promise<StoredMemory[]> {
    const { target, state } = await this.targets.open(orgId);
    const m = target.measurement;
    const all = state.pendingOf(orgId);
    if (all.length === 0) {
      const rows = await this.queries.rows(target, head(m, true, { kind: 'all' }));
      return rows.map(rowToStored).sort(compare);
    }
    const pending = pendingOf(state);
    // Arc's rows of a pending id are the same write or an older revision: the pending one is
    // the truth, whether it matches or not.
    const stale = state.pendingIdsOf(orgId);
    const from = minSeq(all);
    const [older, recent] = await Promise.all([
      this.queries.rows(target, head(m, false, before(from))),
      this.queries.rows(target, tail(m, since(from))),
      this.queries.confirm(target, state),
    ]);
    const merged = new Map<string, StoredMemory>();
    for (const p of pending) merged.set(p.memory.id, p);
    for (const r of [...recent, ...older]) {
      const stored = rowToStored(r);
      const id = stored.memory.id;
      if (!merged.has(id) && !stale.has(id)) merged.set(id, stored);
    }
    const sorted = [...merged.values()].sort(compare);
    return sorted.slice(offset, limit === null ? undefined : offset + limit);
  }

  /**
   * A read whose ids filter is longer than one statement takes: every match of each chunk of ids
   * (at most as many rows as ids), merged by id with the pending writes that match and `keep`,
   * sorted by `compare`, then cut.
   */
  private async readByIdChunks(
    orgId: string,
    filter: MemoryFilter,
    build: (measurement: string, filter: MemoryFilter) => string,
    compare: (a: StoredMemory, b: StoredMemory) => number,
    offset: number,
    limit: number | null,
    keep: (p: StoredMemory) => boolean = () => true,
  ): Promise<StoredMemory[]> {
    const { target, state } = await this.targets.open(orgId);
    const merged = new Map<string, StoredMemory>();
    const stale = state.pendingIdsOf(orgId);
    for (const p of state.matching(orgId, filter).filter(keep)) merged.set(p.memory.id, p);
    for (const r of await this.chunked(target, filter, (f) => build(target.measurement, f))) {
      const stored = rowToStored(r);
      const id = stored.memory.id;
      if (!merged.has(id) && !stale.has(id)) merged.set(id, stored);
    }
    const sorted = [...merged.values()].sort(compare);
    return sorted.slice(offset, limit === null ? undefined : offset + limit);
  }

  /** One statement per chunk of the filter's ids, a few at a time. */
  private chunked(
    target: ArcTarget,
    filter: MemoryFilter,
    build: (filter: MemoryFilter) => string,
  ): Promise<ArcRow[]> {
    const ids = [...new Set(filter.ids)];
    return this.queries.chunks(target, ids, (chunk) => build({ ...filter, ids: chunk }));
  }
}
