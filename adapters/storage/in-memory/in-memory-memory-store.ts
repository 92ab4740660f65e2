import type {
  DedupPolicy,
  InsertOutcome,
  LineTokens,
  LiveAt,
  Memory,
  MemoryFilter,
  MemoryPage,
  MemoryPatch,
  MemoryQuery,
  MemoryStats,
  MemoryStore,
  MemoryType,
  PriorityQuery,
  SearchQuery,
} from '../../../domain/index.js';
import {
  NO_LINE_TOKENS,
  alreadySuperseded,
  applyMemoryPatch,
  compareContextPriority,
  DomainError,
  bm25Scores,
  isPast,
  isPastByRelevance,
  isLive,
  matchesFilter,
  supersededNotFound,
} from '../../../domain/index.js';

interface Row {
  readonly seq: number;
  /** The tokens of the memory's context line, when the store was given a counter (else 0). */
  readonly lineTokens: number;
  /** Replaced whole by a patch or a supersede; the row (and its place in order) stays. */
  memory: Memory;
}

const dedupIndexKey = (m: Memory): string | null =>
  m.dedupKey === null ? null : `${m.orgId}\u0000${m.dedupKey}`;

function appendTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Memories in process memory: the reference implementation of the MemoryStore contract. */
export class InMemoryMemoryStore implements MemoryStore {
  private readonly byOrg = new Map<string, Row[]>();
  private readonly byId = new Map<string, Row>();
  /** Rows by org and dedup key, so a dedup check never scans the org. */
  private readonly byDedupKey = new Map<string, Row[]>();
  private seq = 0;

  /** @param lineTokens counts each memory's line tokens as it is written (`PriorityQuery.maxLineTokens`) */
  constructor(private readonly lineTokens: LineTokens = NO_LINE_TOKENS) {}

  async insert(memories: readonly Memory[], dedup: DedupPolicy | null): Promise<InsertOutcome[]> {
    const outcomes: InsertOutcome[] = [];
    const pending: Memory[] = [];
    const pendingIds = new Set<string>();
    const pendingByKey = new Map<string, Memory[]>();
    const retiring = new Map<string, string>();
    for (const memory of memories) {
      if (this.byId.has(memory.id) || pendingIds.has(memory.id)) {
        throw new DomainError('conflict', 'MEMORY_EXISTS', `memory ${memory.id} already exists`);
      }
      const key = dedupIndexKey(memory);
      const existing =
        dedup && key !== null ? this.findDuplicate(memory, key, pendingByKey, dedup) : null;
      if (existing) {
        outcomes.push({ status: 'duplicate', existingId: existing });
        continue;
      }
      if (memory.supersedes !== null) this.checkRetirable(memory, retiring, pending);
      pending.push(memory);
      pendingIds.add(memory.id);
      if (key !== null) appendTo(pendingByKey, key, memory);
      outcomes.push({ status: 'created', memory });
    }
    for (const memory of pending) {
      const row = { seq: ++this.seq, memory, lineTokens: this.lineTokens(memory.content) };
      this.rows(memory.orgId).push(row);
      this.byId.set(memory.id, row);
      const key = dedupIndexKey(memory);
      if (key !== null) appendTo(this.byDedupKey, key, row);
    }
    for (const [target, by] of retiring) {
      const row = this.byId.get(target) as Row;
      row.memory = { ...row.memory, supersededBy: by };
    }
    return outcomes;
  }

  /**
   * Refuses a supersedes of no memory of the org stored or earlier in the call (`earlier`), or
   * of a retired one.
   */
  private checkRetirable(
    memory: Memory,
    retiring: Map<string, string>,
    earlier: readonly Memory[],
  ): void {
    const target = memory.supersedes as string;
    const found = this.byId.get(target)?.memory ?? earlier.find((m) => m.id === target);
    if (!found || found.orgId !== memory.orgId) throw supersededNotFound(target);
    const by = retiring.get(target) ?? found.supersededBy;
    // Retired by this very memory already (an import restoring both): nothing to change.
    if (by !== null && by !== memory.id) throw alreadySuperseded(target, by);
    retiring.set(target, memory.id);
  }

  async update(orgId: string, id: string, patch: MemoryPatch): Promise<Memory | null> {
    const row = this.byId.get(id);
    if (!row || row.memory.orgId !== orgId) return null;
    row.memory = applyMemoryPatch(row.memory, patch);
    return row.memory;
  }

  async findById(orgId: string, id: string): Promise<Memory | null> {
    const row = this.byId.get(id);
    return row && row.memory.orgId === orgId ? row.memory : null;
  }

  async find(orgId: string, query: MemoryQuery): Promise<Memory[]> {
    return (await this.findPage(orgId, query)).memories;
  }

  async findPage(orgId: string, query: MemoryQuery): Promise<MemoryPage> {
    const { order, after, filter } = query;
    const scores = filter.query === undefined ? null : this.scores(orgId, filter);
    const byRelevance = scores !== null && query.byRelevance === true;
    const scoreOf = (r: Row): number => scores?.get(r) ?? 0;
    const sign = order === 'asc' ? 1 : -1;
    const all = this.rows(orgId).filter((r) => matchesFilter(r.memory, filter));
    const matches = all
      .filter(
        (r) =>
          after === undefined ||
          (byRelevance
            ? isPastByRelevance(scoreOf(r), r.memory.time, r.seq, after)
            : isPast(r.memory.time, r.seq, after, order)),
      )
      .sort((a, b) =>
        byRelevance
          ? scoreOf(b) - scoreOf(a) || b.memory.time - a.memory.time || b.seq - a.seq
          : sign * (a.memory.time - b.memory.time || a.seq - b.seq),
      );
    const end = query.limit === null ? undefined : query.offset + query.limit;
    const page = matches.slice(query.offset, end);
    const position = (r: Row) => ({ time: r.memory.time, seq: String(r.seq) });
    return {
      memories: page.map((r) => r.memory),
      positions: page.map((r) =>
        byRelevance ? { ...position(r), score: scoreOf(r) } : position(r),
      ),
      ...(scores === null ? {} : { scores: page.map(scoreOf) }),
      ...(query.withTotal === true ? { total: all.length } : {}),
    };
  }

  /**
   * BM25 scores of the rows matching the filter, over the org's rows matching it but for its
   * query (the collection the ranking reads).
   */
  private scores(orgId: string, filter: MemoryFilter): Map<Row, number> {
    const { query, ...rest } = filter;
    const candidates = this.rows(orgId).filter((r) => matchesFilter(r.memory, rest));
    const scores = bm25Scores(
      candidates.map((r) => r.memory.content),
      query as SearchQuery,
    );
    return new Map(candidates.map((r, i) => [r, scores[i] as number]));
  }

  async findByPriority(orgId: string, query: PriorityQuery): Promise<Memory[]> {
    const { maxContentLength: max, maxLineTokens: maxTokens, limit } = query;
    const matches = this.rows(orgId)
      .filter((r) => maxTokens === undefined || maxTokens === null || r.lineTokens <= maxTokens)
      .map((r) => r.memory)
      .filter((m) => (max === null || m.content.length <= max) && matchesFilter(m, query.filter))
      .sort(compareContextPriority);
    return limit === null ? matches : matches.slice(0, limit);
  }

  async count(orgId: string, filter: MemoryFilter): Promise<number> {
    return this.rows(orgId).filter((r) => matchesFilter(r.memory, filter)).length;
  }

  async stats(
    orgId: string,
    agentIds: readonly string[],
    sinceMs: number,
    live?: LiveAt,
  ): Promise<MemoryStats> {
    const mine = this.rows(orgId).filter(
      (r) =>
        agentIds.includes(r.memory.agentId) &&
        r.memory.supersededBy === null &&
        (live === undefined || isLive(r.memory, live)),
    );
    const memoryTypes: Partial<Record<MemoryType, number>> = {};
    for (const { memory } of mine) {
      memoryTypes[memory.memoryType] = (memoryTypes[memory.memoryType] ?? 0) + 1;
    }
    const recent = mine.filter((r) => r.memory.time >= sinceMs);
    return {
      memoryCount: mine.length,
      memoriesSince: recent.length,
      errorsSince: recent.filter((r) => r.memory.eventType === 'error').length,
      memoryTypes,
    };
  }

  async purgeExpired(
    orgId: string,
    nowMs: number,
    retentionMs: number | null,
    limit: number,
  ): Promise<number> {
    const live = { at: nowMs, retentionMs };
    const expired = this.rows(orgId)
      .filter((r) => !isLive(r.memory, live))
      .slice(0, limit)
      .map((r) => r.memory.id);
    return expired.length === 0 ? 0 : this.delete(orgId, { ids: expired, includeSuperseded: true });
  }

  async delete(orgId: string, filter: MemoryFilter): Promise<number> {
    const rows = this.rows(orgId);
    const gone = new Set(rows.filter((r) => matchesFilter(r.memory, filter)));
    if (gone.size === 0) return 0;
    this.byOrg.set(
      orgId,
      rows.filter((r) => !gone.has(r)),
    );
    for (const row of gone) {
      this.byId.delete(row.memory.id);
      const key = dedupIndexKey(row.memory);
      if (key === null) continue;
      const left = (this.byDedupKey.get(key) ?? []).filter((r) => r !== row);
      if (left.length === 0) this.byDedupKey.delete(key);
      else this.byDedupKey.set(key, left);
    }
    return gone.size;
  }

  clear(): void {
    this.byOrg.clear();
    this.byId.clear();
    this.byDedupKey.clear();
  }

  private findDuplicate(
    memory: Memory,
    key: string,
    pending: ReadonlyMap<string, readonly Memory[]>,
    dedup: DedupPolicy,
  ): string | null {
    // The window reads when memories were recorded, not their event time.
    const from = memory.createdAt - dedup.windowMs;
    const inBatch = pending.get(key)?.find((m) => m.createdAt >= from);
    if (inBatch) return inBatch.id;
    const stored = (this.byDedupKey.get(key) ?? [])
      .filter((r) => r.memory.createdAt >= from)
      .sort((a, b) => b.memory.createdAt - a.memory.createdAt || b.seq - a.seq)[0];
    return stored ? stored.memory.id : null;
  }

  private rows(orgId: string): Row[] {
    let rows = this.byOrg.get(orgId);
    if (!rows) this.byOrg.set(orgId, (rows = []));
    return rows;
  }
}
