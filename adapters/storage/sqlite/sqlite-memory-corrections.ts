import type Database from 'better-sqlite3';
import {
  alreadySuperseded,
  applyMemoryPatch,
  supersededNotFound,
  type Memory,
  type MemoryPatch,
} from '../../../domain/index.js';
import { MEMORY_COLUMNS, rowToMemory, type MemoryRow } from './row-mappers.js';

type Target = { seq: number; time: number; tags: string; superseded_by: string | null };

/**
 * The writes of corrections on SQLite: retiring a memory that a new one supersedes, patching a
 * memory, and the tag rows both (and every insert) write. Each runs inside the caller's transaction (the memory store's group
 * commit, under the write lock), so it is atomic with the rest of the call.
 */
export class SqliteMemoryCorrections {
  private readonly selectTarget: Database.Statement<[string, string], Target>;
  private readonly retireMemory: Database.Statement<[string, number]>;
  private readonly retireTag: Database.Statement<[string, string, number, number]>;
  private readonly selectForPatch: Database.Statement<
    [string, string],
    MemoryRow & { seq: number }
  >;
  private readonly updateMemory: Database.Statement<
    [number, string, string, number | null, number, number]
  >;
  private readonly deleteTag: Database.Statement<[string, string, number, number]>;
  private readonly insertTag: Database.Statement<
    [string, string, number, number | bigint, number, number, number | null, number]
  >;

  constructor(db: Database.Database) {
    this.selectTarget = db.prepare(
      'SELECT seq, time, tags, superseded_by FROM memories WHERE id = ? AND org_id = ?',
    );
    this.retireMemory = db.prepare('UPDATE memories SET superseded_by = ? WHERE seq = ?');
    // Each tag row by its whole primary key: the memory's tags list names them.
    this.retireTag = db.prepare(
      'UPDATE memory_tags SET superseded = 1 WHERE org_id = ? AND tag = ? AND time = ? AND seq = ?',
    );
    this.selectForPatch = db.prepare(
      `SELECT seq, ${MEMORY_COLUMNS} FROM memories WHERE id = ? AND org_id = ?`,
    );
    this.updateMemory = db.prepare(
      'UPDATE memories SET importance = ?, tags = ?, metadata = ?, expires_at = ?, pinned = ? ' +
        'WHERE seq = ?',
    );
    this.deleteTag = db.prepare(
      'DELETE FROM memory_tags WHERE org_id = ? AND tag = ? AND time = ? AND seq = ?',
    );
    this.insertTag = db.prepare(
      'INSERT INTO memory_tags (org_id, tag, time, seq, importance, superseded, expires_at, pinned) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /**
   * Marks the memory `m.supersedes` names as retired by `m`, checked before m is inserted: it
   * must be a memory of m's org stored already (before the call or earlier in it, so no cycle
   * can form) that is current, or already retired by m itself (as an import restores it).
   * @throws DomainError `not_found`, or `conflict` when another memory retired it
   */
  retire(m: Memory): void {
    const id = m.supersedes as string;
    const target = this.selectTarget.get(id, m.orgId);
    if (!target) throw supersededNotFound(id);
    if (target.superseded_by !== null && target.superseded_by !== m.id) {
      throw alreadySuperseded(id, target.superseded_by);
    }
    this.retireMemory.run(m.id, target.seq);
    for (const tag of new Set(JSON.parse(target.tags) as string[])) {
      this.retireTag.run(m.orgId, tag, target.time, target.seq);
    }
  }

  /** Applies the patch to the org's memory; null when there is none. */
  patch(orgId: string, id: string, patch: MemoryPatch): Memory | null {
    const row = this.selectForPatch.get(id, orgId);
    if (!row) return null;
    const current = rowToMemory(row);
    const next = applyMemoryPatch(current, patch);
    this.updateMemory.run(
      next.importance,
      JSON.stringify(next.tags),
      JSON.stringify(next.metadata),
      next.expiresAt,
      next.pinned ? 1 : 0,
      row.seq,
    );
    // Tag rows repeat importance and the retired flag: rewritten whole.
    for (const tag of new Set(current.tags)) this.deleteTag.run(orgId, tag, next.time, row.seq);
    this.writeTags(next, row.seq);
    return next;
  }

  /**
   * Writes the `memory_tags` rows of a memory stored as `seq`, with what a tag walk checks
   * without the memory row: importance, the retired flag, the expiry and the pin (0013).
   */
  writeTags(m: Memory, seq: number | bigint): void {
    const superseded = m.supersededBy === null ? 0 : 1;
    const pinned = m.pinned ? 1 : 0;
    for (const tag of m.tags) {
      this.insertTag.run(m.orgId, tag, m.time, seq, m.importance, superseded, m.expiresAt, pinned);
    }
  }
}
