import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { LineTokens } from '../../../domain/index.js';
import { withSqlite } from './sqlite-errors.js';
import { registerSubstringFunctions } from './sqlite-substring-sql.js';

/** How hard SQLite works to keep committed transactions across a power loss. */
export type SqliteSynchronous = 'full' | 'normal';

export interface SqliteOpenOptions {
  /** A file path, or `:memory:` for a private in-memory database. */
  readonly path: string;
  /**
   * `full` (default): a commit is on disk before it is acknowledged, so acknowledged writes
   * survive a crash or power loss. `normal`: faster in WAL mode, but the last commits may be
   * lost on power loss (never corrupted).
   */
  readonly synchronous?: SqliteSynchronous;
  /** How long a write waits for another connection's lock before failing; default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /**
   * Checkpoint the WAL from a worker thread instead of inside the commit that fills it (see
   * `checkpointInBackground`); off unless asked (the server asks).
   */
  readonly backgroundCheckpoints?: boolean;
  /**
   * Counts each memory's line tokens as it is written (see `LineTokens`), so a context skips the
   * memories whose line cannot fit without reading them; without it every memory is read.
   */
  readonly lineTokens?: LineTokens;
}

/** How long a write waits for another connection's lock when no option says otherwise. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Whether `file` names a database that lives only in memory. */
export function isInMemoryPath(file: string): boolean {
  return file === ':memory:' || file === '' || /[?&]mode=memory\b/.test(file);
}

/**
 * Opens (creating when missing, with its directory) a SQLite database with the pragmas memtrace
 * relies on: WAL for files (readers never block the writer), the chosen `synchronous` level,
 * foreign keys on, `secure_delete` (a delete overwrites the freed bytes with zeros, so deleted
 * memories are not left readable in the file; the WAL keeps older page images until a
 * checkpoint restarts it), the case-insensitive substring function, and a busy timeout (5 s) so concurrent writers wait instead of failing.
 *
 * @throws DomainError `unavailable` when the file cannot be opened
 */
export function openSqliteDatabase(options: SqliteOpenOptions): Database.Database {
  return withSqlite(() => {
    const memory = isInMemoryPath(options.path);
    if (!memory && !options.path.startsWith('file:')) {
      mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
    }
    const db = new Database(options.path);
    try {
      if (!memory) db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      db.pragma('foreign_keys = ON');
      db.pragma('secure_delete = ON');
      registerSubstringFunctions(db);
      const busyMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
      db.pragma(
        `busy_timeout = ${Number.isFinite(busyMs) ? Math.max(0, Math.trunc(busyMs)) : DEFAULT_BUSY_TIMEOUT_MS}`,
      );
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  });
}

/**
 * Copies the WAL into the database file and truncates it (`wal_checkpoint(TRUNCATE)`), so the
 * page images written before a delete, which hold the deleted content, leave the disk with it.
 * Best effort and without waiting: while another connection reads or writes, the checkpoint
 * stops short and the WAL is emptied by a later one (the next delete's, or on close).
 */
export function scrubWal(db: Database.Database): void {
  try {
    const busyMs = db.pragma('busy_timeout', { simple: true }) as number;
    db.pragma('busy_timeout = 0');
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.pragma(`busy_timeout = ${busyMs}`);
    }
  } catch {
    // The delete is committed; a failed checkpoint only leaves the WAL as it was.
  }
}
