import type Database from 'better-sqlite3';
import {
  NO_LINE_TOKENS,
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
import {
  MEMORY_COLUMNS,
  memoryToParams,
  rowToMemory,
  type MemoryParams,
  type MemoryRow,
} from './row-mappers.js';
import { translateInsertError, translateSqliteError, withSqlite } from './sqlite-errors.js';
import { scrubWal } from './sqlite-database.js';
import { registerSubstringFunctions, substringDriven } from './sqlite-substring-sql.js';
import {
  buildCountMemories,
  buildDeletionTargets,
  buildFindMemories,
  buildFindByPriority,
  type BuiltSql,
} from './sqlite-memory-query.js';
import { buildMemoryStats } from './sqlite-stats-sql.js';
import { toMemoryPage, type PageRow } from './sqlite-search-sql.js';
import { buildExpiredTargets } from './sqlite-expiry-sql.js';
import { StatementCache } from './statement-cache.js';
import { SqliteMemoryCorrections } from './sqlite-memory-corrections.js';

type StatsRow = Record<string, number>;

/** A write call waiting for the next group commit. */
interface PendingWrite {
  /** The call's statements, run inside the group's transaction in a savepoint of their own. */
  readonly run: () => unknown;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** The error the call rejects with for a failure of its own or of the whole group. */
  readonly translate: (error: unknown) => unknown;
}

/**
 * The dedup lookup: the newest memory of the org with this key recorded at or after the window
 * start (`org_id`, `dedup_key`, `created_at >= ?`), a point seek on (org_id, dedup_key,
 * created_at) (migration 0008), an index of the memories with a key only (0013).
 */
export const DEDUP_LOOKUP_SQL =
  'SELECT id FROM memories INDEXED BY idx_memories_org_dedup_created ' +
  'WHERE org_id = ? AND dedup_key = ? AND created_at >= ? ' +
  'ORDER BY created_at DESC, seq DESC LIMIT 1';

/** What {@link buildDeletionTargets} selects: a memory's rowid and the key of its tag rows. */
interface DeletionTarget {
  readonly seq: number;
  readonly time: number;
  readonly tags: string;
}

/**
 * {@link MemoryStore} on SQLite. Memories live in `memories` (rowid `seq` = insertion order,
 * the tie-break for equal times) with their tags repeated in `memory_tags` so tag filters walk
 * an index in time order. Every query is scoped by `org_id`.
 */
export class SqliteMemoryStore implements MemoryStore {
  private readonly insertMemory: Database.Statement<[...MemoryParams, number]>;
  private readonly corrections: SqliteMemoryCorrections;
  private readonly patchOne: Database.Transaction<
    (orgId: string, id: string, patch: MemoryPatch) => Memory | null
  >;
  private readonly findDuplicate: Database.Statement<[string, string, number], { id: string }>;
  private readonly selectById: Database.Statement<[string, string], MemoryRow>;
  private readonly insertAll: Database.Transaction<
    (memories: readonly Memory[], dedup: DedupPolicy | null) => InsertOutcome[]
  >;
  private readonly deleteTag: Database.Statement<[string, string, number, number]>;
  private readonly deleteMemory: Database.Statement<[number]>;
  private readonly deleteAll: Database.Transaction<(orgId: string, targets: BuiltSql) => number>;
  private readonly writeGroup: Database.Transaction<(run: () => void) => void>;
  private readonly dynamic: StatementCache;
  private pending: PendingWrite[] = [];
  /** Whether a delete of the group being committed removed rows (see `scrubWal`). */
  private deletedInGroup = false;

  /** @param lineTokens counts each memory's line tokens as it is written (`PriorityQuery.maxLineTokens`) */
  constructor(
    private readonly db: Database.Database,
    private readonly lineTokens: LineTokens = NO_LINE_TOKENS,
  ) {
    registerSubstringFunctions(db);
    // Positional parameters: binding by name costs about a third more per row in batches.
    this.insertMemory = db.prepare(
      `INSERT INTO memories (${MEMORY_COLUMNS}, line_tokens) VALUES (${MEMORY_COLUMNS.split(', ')
        .map(() => '?')
        .join(', ')}, ?)`,
    );
    this.corrections = new SqliteMemoryCorrections(db);
    this.patchOne = db.transaction((orgId, id, patch) => this.corrections.patch(orgId, id, patch));
    this.findDuplicate = db.prepare(DEDUP_LOOKUP_SQL);
    this.selectById = db.prepare(
      `SELECT ${MEMORY_COLUMNS} FROM memories WHERE id = ? AND org_id = ?`,
    );
    this.insertAll = db.transaction((memories, dedup) =>
      memories.map((m) => this.insertOne(m, dedup)),
    );
    this.deleteTag = db.prepare(
      'DELETE FROM memory_tags WHERE org_id = ? AND tag = ? AND time = ? AND seq = ?',
    );
    this.deleteMemory = db.prepare('DELETE FROM memories WHERE seq = ?');
    this.deleteAll = db.transaction((orgId, targets) => this.deleteTargets(orgId, targets));
    this.writeGroup = db.transaction((run: () => void) => run());
    this.dynamic = new StatementCache(db);
  }

  /**
   * Stores the memories atomically: either every non-duplicate item is stored or (on an error)
   * none is. The write lock is taken before the dedup lookups (IMMEDIATE), so two processes
   * inserting one key never both store it. Earlier items of the same call, and of calls
   * committed before, are visible to later lookups.
   *
   * Calls that arrive in the same turn of the event loop (deletes included) share one
   * transaction (group commit: one WAL sync for all of them instead of one each), run in arrival
   * order, each inside its own savepoint, so one call's error rolls back only that call. Every
   * call resolves only after the commit.
   * @returns one outcome per input item, in input order
   * @throws DomainError `conflict` (code `MEMORY_EXISTS`) when an id is already stored;
   *   `unavailable` when the database is busy past the timeout or failing
   */
  insert(memories: readonly Memory[], dedup: DedupPolicy | null): Promise<InsertOutcome[]> {
    if (memories.length === 0) return Promise.resolve([]);
    return this.enqueue(() => this.insertAll(memories, dedup), translateInsertError);
  }

  /**
   * Deletes the org's matches of the filter with their tag rows, in one savepoint of the next
   * group commit (see {@link insert}): under the write lock taken before the matches are read,
   * so a concurrent insert, here or in another process, is either wholly before or wholly after.
   * The connection runs with `secure_delete`, so the freed bytes are overwritten with zeros,
   * and the WAL, which still holds earlier images of those pages, is emptied after the commit
   * (see `scrubWal`).
   */
  delete(orgId: string, filter: MemoryFilter): Promise<number> {
    const targets = buildDeletionTargets(orgId, filter);
    return this.enqueue(() => this.deleteAll(orgId, targets), translateSqliteError);
  }

  /**
   * Deletes at most `limit` expired memories of the org like {@link delete} does: one SQLite
   * writer at a time, so concurrent purges never delete one memory twice.
   */
  purgeExpired(
    orgId: string,
    nowMs: number,
    retentionMs: number | null,
    limit: number,
  ): Promise<number> {
    const targets = buildExpiredTargets(orgId, nowMs, retentionMs, limit);
    return this.enqueue(() => this.deleteAll(orgId, targets), translateSqliteError);
  }

  private deleteTargets(orgId: string, { sql, params }: BuiltSql): number {
    const targets = this.dynamic.get(sql).all(...params) as DeletionTarget[];
    for (const { seq, time, tags } of targets) {
      for (const tag of new Set(JSON.parse(tags) as string[])) {
        this.deleteTag.run(orgId, tag, time, seq);
      }
      this.deleteMemory.run(seq);
    }
    if (targets.length > 0) this.deletedInGroup = true;
    return targets.length;
  }

  /** Queues a write for the next group commit; resolves with its result once committed. */
  private enqueue<T>(run: () => T, translate: (error: unknown) => unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (result: unknown) => void, reject, translate });
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  /** Commits every write queued since the last commit, in arrival order. */
  private commitPending(): void {
    const group = this.pending;
    this.pending = [];
    const outcomes: ({ ok: unknown } | { error: unknown })[] = [];
    this.deletedInGroup = false;
    try {
      withSqlite(() =>
        this.writeGroup.immediate(() => {
          for (const call of group) {
            try {
              // A transaction function called inside a transaction runs in a savepoint.
              outcomes.push({ ok: call.run() });
            } catch (e) {
              outcomes.push({ error: e });
            }
          }
        }),
      );
    } catch (e) {
      // The transaction itself failed (lock, disk, commit): nothing of the group is stored.
      for (const call of group) call.reject(call.translate(e));
      return;
    }
    if (this.deletedInGroup) scrubWal(this.db);
    group.forEach((call, i) => {
      const outcome = outcomes[i];
      if (outcome && 'ok' in outcome) call.resolve(outcome.ok);
      else call.reject(call.translate(outcome?.error));
    });
  }

  private insertOne(memory: Memory, dedup: DedupPolicy | null): InsertOutcome {
    if (dedup !== null && memory.dedupKey !== null) {
      const existing = this.findDuplicate.get(
        memory.orgId,
        memory.dedupKey,
        memory.createdAt - dedup.windowMs,
      );
      if (existing) return { status: 'duplicate', existingId: existing.id };
    }
    if (memory.supersedes !== null) this.corrections.retire(memory);
    const { lastInsertRowid } = this.insertMemory.run(
      ...memoryToParams(memory),
      this.lineTokens(memory.content),
    );
    this.corrections.writeTags(memory, lastInsertRowid);
    return { status: 'created', memory };
  }

  /**
   * Applies the patch in one savepoint of the next group commit (see {@link insert}), under the
   * write lock: read, merged by the domain's rule and written back with its tag rows, so
   * concurrent patches, here or in another process, never lose each other's metadata keys.
   */
  update(orgId: string, id: string, patch: MemoryPatch): Promise<Memory | null> {
    return this.enqueue(() => this.patchOne(orgId, id, patch), translateSqliteError);
  }

  /** The org's memory with this id, or null (another org's id reads as null). */
  async findById(orgId: string, id: string): Promise<Memory | null> {
    return withSqlite(() => {
      const row = this.selectById.get(id, orgId);
      return row ? rowToMemory(row) : null;
    });
  }

  /**
   * Matches of the filter ordered by (time, insertion order), ascending or descending, after
   * `offset` matches and at most `limit` (`null`: all). Served by one index, never a sort.
   */
  async find(orgId: string, query: MemoryQuery): Promise<Memory[]> {
    return (await this.findPage(orgId, query)).memories;
  }

  /** {@link find} with each row's position, and with a search each row's score. */
  async findPage(orgId: string, query: MemoryQuery): Promise<MemoryPage> {
    return withSqlite(() => {
      const driven = substringDriven(this.db, query.filter);
      const { sql, params } = buildFindMemories(orgId, query, driven);
      return toMemoryPage(this.dynamic.get(sql).all(...params) as PageRow[], query);
    });
  }

  /** Matches in context priority; see {@link buildFindByPriority}. */
  async findByPriority(orgId: string, query: PriorityQuery): Promise<Memory[]> {
    return withSqlite(() => {
      const { sql, params } = buildFindByPriority(orgId, query);
      return (this.dynamic.get(sql).all(...params) as MemoryRow[]).map(rowToMemory);
    });
  }

  /** How many memories of the org match the filter. */
  async count(orgId: string, filter: MemoryFilter): Promise<number> {
    return withSqlite(() => {
      const { sql, params } = buildCountMemories(orgId, filter, substringDriven(this.db, filter));
      return (this.dynamic.get(sql).get(...params) as { n: number }).n;
    });
  }

  /** Counts over the memories of `agentIds`, in one walk of the (org, agent, time) index. */
  async stats(
    orgId: string,
    agentIds: readonly string[],
    sinceMs: number,
    live?: LiveAt,
  ): Promise<MemoryStats> {
    return withSqlite(() => {
      const { sql, params } = buildMemoryStats(orgId, agentIds, sinceMs, live);
      const row = this.dynamic.get(sql).get(...params) as StatsRow;
      return memoryStatsFromRow(row, (v) => (v as number | null | undefined) ?? 0);
    });
  }
}
