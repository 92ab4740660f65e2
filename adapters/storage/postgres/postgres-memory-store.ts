import type pg from 'pg';
import {
  NO_LINE_TOKENS,
  DomainError,
  type DedupPolicy,
  type InsertOutcome,
  type LineTokens,
  type LiveAt,
  type Memory,
  type MemoryFilter,
  type MemoryPage,
  type MemoryPatch,
  type MemoryQuery,
  type MemoryStats,
  type MemoryStore,
  type PriorityQuery,
} from '../../../domain/index.js';
import { memoryStatsFromRow } from '../memory-stats-row.js';
import { isUniqueViolation, withPg } from './pg-errors.js';
import { inTransaction } from './pg-pool.js';
import {
  buildCountMemories,
  buildFindByPriority,
  buildFindMemories,
  buildMatchingSeqs,
  buildMemoryStats,
  type BuiltSql,
} from './postgres-memory-query.js';
import { buildExpiredSeqs } from './postgres-expiry-sql.js';
import { buildFindMemoriesWithTotal } from './postgres-page-total-sql.js';
import {
  buildDeleteMemories,
  insertMemoriesParams,
  insertMemoriesSql,
  REPOINT_DEDUP_KEYS_SQL,
} from './postgres-memory-write-sql.js';
import { SIMPLE_TEXT_SEARCH, type TextSearch } from './postgres-search-sql.js';
import { patchMemory, retireSuperseded } from './postgres-memory-corrections.js';
import { chunkByRows, claimDedupKeys, recordDedupKeys } from './postgres-memory-dedup.js';
import { MEMORY_COLUMNS, rowToMemory, type MemoryRow } from './row-mappers.js';

type StatsRow = Record<string, string | number>;

/** A row of a page; with its count (see `buildFindMemoriesWithTotal`), its place and the count. */
type PageRow = MemoryRow & {
  keyset_seq: string;
  score?: number;
  page_ord?: string | null;
  page_total?: string;
};

/** The page's own rows of a page read with its count, in their place. */
const pageRows = (rows: PageRow[]): PageRow[] =>
  rows
    .filter((r) => r.page_ord !== null && r.page_ord !== undefined)
    .sort((a, b) => Number(a.page_ord) - Number(b.page_ord));

/**
 * {@link MemoryStore} on PostgreSQL. Memories live in `memories` (identity `seq` = insertion
 * order, the tie-break for equal times) with their tags repeated in `memory_tags` so tag filters
 * walk an index in time order; `dedup_keys` holds the newest memory per (org, key), so dedup is
 * a unique constraint, not a read-then-write. Every query is scoped by `org_id`. Keyword search
 * reads `search_vector` (0012), written at insert under the text-search configuration `ts`
 * (see `TextSearch`; `simple`, the domain's words exactly, unless set otherwise).
 */
export class PostgresMemoryStore implements MemoryStore {
  private readonly insertSql: string;

  /** @param lineTokens counts each memory's line tokens as it is written (`PriorityQuery.maxLineTokens`) */
  constructor(
    private readonly pool: pg.Pool,
    private readonly ts: TextSearch = SIMPLE_TEXT_SEARCH,
    private readonly lineTokens: LineTokens = NO_LINE_TOKENS,
  ) {
    this.insertSql = insertMemoriesSql(ts);
  }

  /**
   * Stores the memories in one transaction. With a dedup policy each keyed memory first claims
   * its (org, key) row with INSERT ... ON CONFLICT DO UPDATE ... WHERE the holder is outside the
   * window: a concurrent claim of the same key waits on the row lock and then sees the winner,
   * in this or any other process. Earlier items of the same call claim first, so duplicates
   * inside one call are caught. Then the non-duplicates are inserted in input order, a few
   * thousand rows per statement (see {@link chunkByRows}).
   * @returns one outcome per input item, in input order
   * @throws DomainError `conflict` (code `MEMORY_EXISTS`) when an id is already stored (nothing
   *   is stored); `unavailable` when the database cannot be reached or is too slow
   */
  async insert(memories: readonly Memory[], dedup: DedupPolicy | null): Promise<InsertOutcome[]> {
    if (memories.length === 0) return [];
    return withPg(
      () =>
        inTransaction(this.pool, async (client) => {
          const duplicateOf =
            dedup === null
              ? new Map<number, string>()
              : await claimDedupKeys(client, memories, dedup);
          const created = memories.filter((_, i) => !duplicateOf.has(i));
          for (const chunk of chunkByRows(created, (m) => 1 + m.tags.length)) {
            await client.query(
              this.insertSql,
              insertMemoriesParams(chunk, this.ts, this.lineTokens),
            );
          }
          await retireSuperseded(client, created);
          if (dedup === null) await recordDedupKeys(client, created);
          return memories.map((memory, i): InsertOutcome => {
            const existingId = duplicateOf.get(i);
            return existingId === undefined
              ? { status: 'created', memory }
              : { status: 'duplicate', existingId };
          });
        }),
      (e) =>
        isUniqueViolation(e, 'memories_id_key')
          ? new DomainError('conflict', 'MEMORY_EXISTS', 'a memory with this id already exists')
          : undefined,
    );
  }

  /**
   * Applies the patch in one transaction: the row is locked (SELECT ... FOR UPDATE), merged by
   * the domain's rule and written back with its tag rows, so concurrent patches from any
   * process never lose each other's metadata keys.
   */
  async update(orgId: string, id: string, patch: MemoryPatch): Promise<Memory | null> {
    return withPg(() =>
      inTransaction(this.pool, (client) => patchMemory(client, orgId, id, patch)),
    );
  }

  /** The org's memory with this id, or null (another org's id reads as null). */
  async findById(orgId: string, id: string): Promise<Memory | null> {
    return withPg(async () => {
      const { rows } = await this.pool.query<MemoryRow>(
        `SELECT ${MEMORY_COLUMNS} FROM memories WHERE id = $1 AND org_id = $2`,
        [id, orgId],
      );
      return rows[0] ? rowToMemory(rows[0]) : null;
    });
  }

  /**
   * Matches of the filter ordered by (time, insertion order), ascending or descending, after
   * `offset` matches and at most `limit` (`null`: all), in the order of one index walk.
   */
  async find(orgId: string, query: MemoryQuery): Promise<Memory[]> {
    return (await this.findPage(orgId, query)).memories;
  }

  /**
   * {@link find} with each row's (time, seq) position; with a search query, each row's score
   * (ts_rank_cd, see `searchSql`), also in its position in relevance order. With `withTotal`,
   * the count of every match too, in the same statement (see `buildFindMemoriesWithTotal`).
   */
  async findPage(orgId: string, query: MemoryQuery): Promise<MemoryPage> {
    return withPg(async () => {
      const withTotal = query.withTotal === true;
      const { sql, params } = (withTotal ? buildFindMemoriesWithTotal : buildFindMemories)(
        orgId,
        query,
        this.ts,
      );
      const result = await this.pool.query<PageRow>(sql, params as unknown[]);
      const rows = withTotal ? pageRows(result.rows) : result.rows;
      const memories = rows.map(rowToMemory);
      const scored = query.filter.query !== undefined;
      const byRelevance = scored && query.byRelevance === true;
      return {
        memories,
        positions: rows.map((r, i) => ({
          time: (memories[i] as Memory).time,
          seq: r.keyset_seq,
          ...(byRelevance ? { score: Number(r.score) } : {}),
        })),
        ...(scored ? { scores: rows.map((r) => Number(r.score)) } : {}),
        ...(withTotal ? { total: Number(result.rows[0]?.page_total ?? 0) } : {}),
      };
    });
  }

  /** Matches in context priority; see {@link buildFindByPriority}. */
  async findByPriority(orgId: string, query: PriorityQuery): Promise<Memory[]> {
    return withPg(async () => {
      const { sql, params } = buildFindByPriority(orgId, query, this.ts);
      const { rows } = await this.pool.query<MemoryRow>(sql, params as unknown[]);
      return rows.map(rowToMemory);
    });
  }

  /** How many memories of the org match the filter. */
  async count(orgId: string, filter: MemoryFilter): Promise<number> {
    return withPg(async () => {
      const { sql, params } = buildCountMemories(orgId, filter, this.ts);
      const { rows } = await this.pool.query<{ n: string }>(sql, params as unknown[]);
      return Number(rows[0]?.n ?? 0);
    });
  }

  /**
   * Deletes the org's matches of the filter in one transaction: the memories with their tag
   * rows and the dedup keys they held (see {@link buildDeleteMemories}); each such key then
   * goes to the newest memory still having it, so dedup answers as if the deleted memories had
   * never been stored. The rows are dead at once for every reader; VACUUM reclaims the space.
   */
  async delete(orgId: string, filter: MemoryFilter): Promise<number> {
    return this.deleteWhere(orgId, buildMatchingSeqs(orgId, filter, this.ts));
  }

  private deleteWhere(orgId: string, matches: BuiltSql): Promise<number> {
    return withPg(() =>
      inTransaction(this.pool, async (client) => {
        const { sql, params } = buildDeleteMemories(matches);
        const { rows } = await client.query<{ n: string; keys: string[] }>(
          sql,
          params as unknown[],
        );
        const keys = rows[0]?.keys ?? [];
        if (keys.length > 0) await client.query(REPOINT_DEDUP_KEYS_SQL, [orgId, keys]);
        return Number(rows[0]?.n ?? 0);
      }),
    );
  }

  /**
   * Deletes at most `limit` expired memories of the org like {@link delete} does, skipping rows
   * another server's purge has locked (see `buildExpiredSeqs`).
   */
  async purgeExpired(
    orgId: string,
    nowMs: number,
    retentionMs: number | null,
    limit: number,
  ): Promise<number> {
    return this.deleteWhere(orgId, buildExpiredSeqs(orgId, nowMs, retentionMs, limit));
  }

  /** Counts over the memories of `agentIds`, in one walk of the (org, agent, time) index. */
  async stats(
    orgId: string,
    agentIds: readonly string[],
    sinceMs: number,
    live?: LiveAt,
  ): Promise<MemoryStats> {
    return withPg(async () => {
      const { sql, params } = buildMemoryStats(orgId, agentIds, sinceMs, live);
      const { rows } = await this.pool.query<StatsRow>(sql, params as unknown[]);
      return memoryStatsFromRow(rows[0] ?? {}, (v) => Number(v ?? 0));
    });
  }
}
