import type Database from 'better-sqlite3';
import {
  DomainError,
  MEMORY_TYPES,
  type DedupPolicy,
  type InsertOutcome,
  type Memory,
  type MemoryFilter,
  type MemoryQuery,
  type MemoryStats,
  type MemoryStore,
  type MemoryType,
} from '../../../domain/index.js';
import {
  MEMORY_COLUMNS,
  memoryToParams,
  rowToMemory,
  type MemoryParams,
  type MemoryRow,
} from './row-mappers.js';
import { isUniqueViolation, withSqlite } from './sqlite-errors.js';
import {
  buildCountMemories,
  buildFindMemories,
  buildMemoryStats,
  DEDUP_LOOKUP_SQL,
} from './sqlite-memory-query.js';
import { StatementCache } from './statement-cache.js';

type StatsRow = Record<string, number>;

/**
 * {@link MemoryStore} on SQLite. Memories live in `memories` (rowid `seq` = insertion order,
 * the tie-break for equal times) with their tags repeated in `memory_tags` so tag filters walk
 * an index in time order. Every query is scoped by `org_id`.
 */
export class SqliteMemoryStore implements MemoryStore {
  private readonly insertMemory: Database.Statement<MemoryParams>;
  private readonly insertTag: Database.Statement<[string, string, number, number | bigint, number]>;
  private readonly findDuplicate: Database.Statement<[string, string, number], { id: string }>;
  private readonly selectById: Database.Statement<[string, string], MemoryRow>;
  private readonly insertAll: Database.Transaction<
    (memories: readonly Memory[], dedup: DedupPolicy | null) => InsertOutcome[]
  >;
  private readonly dynamic: StatementCache;

  constructor(db: Database.Database) {
    // Positional parameters: binding by name costs about a third more per row in batches.
    this.insertMemory = db.prepare(
      `INSERT INTO memories (${MEMORY_COLUMNS}) VALUES (${MEMORY_COLUMNS.split(', ')
        .map(() => '?')
        .join(', ')})`,
    );
    this.insertTag = db.prepare(
      'INSERT INTO memory_tags (org_id, tag, time, seq, importance) VALUES (?, ?, ?, ?, ?)',
    );
    this.findDuplicate = db.prepare(DEDUP_LOOKUP_SQL);
    this.selectById = db.prepare(
      `SELECT ${MEMORY_COLUMNS} FROM memories WHERE id = ? AND org_id = ?`,
    );
    this.insertAll = db.transaction((memories, dedup) =>
      memories.map((m) => this.insertOne(m, dedup)),
    );
    this.dynamic = new StatementCache(db);
  }

  /**
   * Stores the memories in one IMMEDIATE transaction: the write lock is taken before the dedup
   * lookups, so two processes inserting one key never both store it, and an error stores nothing.
   * Earlier items of the same call are visible to later lookups because they share the
   * transaction.
   * @returns one outcome per input item, in input order
   * @throws DomainError `conflict` (code `MEMORY_EXISTS`) when an id is already stored;
   *   `unavailable` when the database is busy past the timeout or failing
   */
  async insert(memories: readonly Memory[], dedup: DedupPolicy | null): Promise<InsertOutcome[]> {
    if (memories.length === 0) return [];
    return withSqlite(() => {
      try {
        return this.insertAll.immediate(memories, dedup);
      } catch (e) {
        if (isUniqueViolation(e, 'memories.id')) {
          throw new DomainError(
            'conflict',
            'MEMORY_EXISTS',
            'a memory with this id already exists',
          );
        }
        throw e;
      }
    });
  }

  private insertOne(memory: Memory, dedup: DedupPolicy | null): InsertOutcome {
    if (dedup !== null && memory.dedupKey !== null) {
      const existing = this.findDuplicate.get(
        memory.orgId,
        memory.dedupKey,
        memory.time - dedup.windowMs,
      );
      if (existing) return { status: 'duplicate', existingId: existing.id };
    }
    const { lastInsertRowid } = this.insertMemory.run(...memoryToParams(memory));
    for (const tag of memory.tags)
      this.insertTag.run(memory.orgId, tag, memory.time, lastInsertRowid, memory.importance);
    return { status: 'created', memory };
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
    return withSqlite(() => {
      const { sql, params } = buildFindMemories(orgId, query);
      return (this.dynamic.get(sql).all(...params) as MemoryRow[]).map(rowToMemory);
    });
  }

  /** How many memories of the org match the filter. */
  async count(orgId: string, filter: MemoryFilter): Promise<number> {
    return withSqlite(() => {
      const { sql, params } = buildCountMemories(orgId, filter);
      return (this.dynamic.get(sql).get(...params) as { n: number }).n;
    });
  }

  /** Counts over the memories of `agentIds`, in one walk of the (org, agent, time) index. */
  async stats(orgId: string, agentIds: readonly string[], sinceMs: number): Promise<MemoryStats> {
    return withSqlite(() => {
      const { sql, params } = buildMemoryStats(orgId, agentIds, sinceMs);
      const row = this.dynamic.get(sql).get(...params) as StatsRow;
      const memoryTypes: Partial<Record<MemoryType, number>> = {};
      MEMORY_TYPES.forEach((type, i) => {
        const n = row[`type_${i}`] ?? 0;
        if (n > 0) memoryTypes[type] = n;
      });
      return {
        memoryCount: row['memory_count'] ?? 0,
        memoriesSince: row['memories_since'] ?? 0,
        errorsSince: row['errors_since'] ?? 0,
        memoryTypes,
      };
    });
  }
}
