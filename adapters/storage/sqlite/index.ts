import type Database from 'better-sqlite3';
import type { LineTokens } from '../../../domain/index.js';
import type { StorageBundle } from '../storage-bundle.js';
import {
  DEFAULT_BUSY_TIMEOUT_MS,
  openSqliteDatabase,
  type SqliteOpenOptions,
} from './sqlite-database.js';
import { translateSqliteError, withSqlite } from './sqlite-errors.js';
import { checkpointInBackground, type BackgroundCheckpoints } from './sqlite-checkpointer.js';
import { SqliteFailFast } from './sqlite-fail-fast.js';
import { recountLineTokens } from './sqlite-line-tokens-recount.js';
import { migrateSqliteDatabase } from './sqlite-migrator.js';
import { SqliteAgentStore } from './sqlite-agent-store.js';
import { SqliteArcInstanceStore } from './sqlite-arc-instance-store.js';
import { SqliteAuthStore } from './sqlite-auth-store.js';
import { SqliteMemoryStore } from './sqlite-memory-store.js';
import { SqliteSessionStore } from './sqlite-session-store.js';

export type { SqliteOpenOptions, SqliteSynchronous } from './sqlite-database.js';
export { SqliteAgentStore } from './sqlite-agent-store.js';
export { SqliteArcInstanceStore } from './sqlite-arc-instance-store.js';
export { SqliteAuthStore } from './sqlite-auth-store.js';
export { SqliteMemoryStore } from './sqlite-memory-store.js';
export { SqliteSessionStore } from './sqlite-session-store.js';

/**
 * Opens the SQLite database at `options.path` (`:memory:` for a private in-memory one), applies
 * pending migrations from `migrations/sqlite`, counts the line tokens of memories marked for it
 * when given `lineTokens` (see `recountLineTokens`), and returns the stores on one connection.
 * Writes are acknowledged only once durable unless `synchronous: 'normal'` is chosen.
 *
 * @throws DomainError `unavailable` when the file cannot be opened or migrated
 */
export async function createSqliteStorage(options: SqliteOpenOptions): Promise<StorageBundle> {
  const db = openSqliteDatabase(options);
  try {
    migrateSqliteDatabase(db);
    if (options.lineTokens) recountLineTokens(db, options.lineTokens);
  } catch (e) {
    db.close();
    throw translateSqliteError(e);
  }
  const checkpoints = options.backgroundCheckpoints
    ? await checkpointInBackground(db, options.path)
    : { stop: async () => undefined };
  return bundle(
    db,
    options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    checkpoints,
    options.lineTokens,
  );
}

/**
 * Applies the pending migrations to the database at `path` and closes it; what `npm run migrate`
 * runs.
 * @returns the versions applied now (empty when the schema was up to date)
 */
export async function migrateSqlite(path: string): Promise<number[]> {
  const db = openSqliteDatabase({ path });
  try {
    return migrateSqliteDatabase(db);
  } finally {
    db.close();
  }
}

function bundle(
  db: Database.Database,
  busyTimeoutMs: number,
  checkpoints: BackgroundCheckpoints,
  lineTokens: LineTokens | undefined,
): StorageBundle {
  const failFast = new SqliteFailFast(db, busyTimeoutMs);
  // Takes and releases the write lock: a file another process has locked, or that can no
  // longer be written, makes memtrace not ready even though reads would still succeed.
  const count = db.prepare('SELECT count(*) AS n FROM schema_migrations');
  const probe = db.transaction(() => count.get());
  return {
    driver: 'sqlite',
    memories: failFast.guard(new SqliteMemoryStore(db, lineTokens)),
    sessions: failFast.guard(new SqliteSessionStore(db)),
    agents: failFast.guard(new SqliteAgentStore(db)),
    auth: failFast.guard(new SqliteAuthStore(db)),
    arcInstances: failFast.guard(new SqliteArcInstanceStore(db)),
    ping: () =>
      failFast.run(async () => {
        withSqlite(() => probe.immediate());
      }),
    close: async () => {
      await checkpoints.stop();
      if (db.open) db.close();
    },
  };
}
