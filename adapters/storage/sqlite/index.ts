import type Database from 'better-sqlite3';
import type { StorageBundle } from '../storage-bundle.js';
import { openSqliteDatabase, type SqliteOpenOptions } from './sqlite-database.js';
import { translateSqliteError, withSqlite } from './sqlite-errors.js';
import { migrateSqliteDatabase } from './sqlite-migrator.js';
import { SqliteAgentStore } from './sqlite-agent-store.js';
import { SqliteAuthStore } from './sqlite-auth-store.js';
import { SqliteMemoryStore } from './sqlite-memory-store.js';
import { SqliteSessionStore } from './sqlite-session-store.js';

export type { SqliteOpenOptions, SqliteSynchronous } from './sqlite-database.js';
export { SqliteAgentStore } from './sqlite-agent-store.js';
export { SqliteAuthStore } from './sqlite-auth-store.js';
export { SqliteMemoryStore } from './sqlite-memory-store.js';
export { SqliteSessionStore } from './sqlite-session-store.js';

/**
 * Opens the SQLite database at `options.path` (`:memory:` for a private in-memory one), applies
 * pending migrations from `migrations/sqlite`, and returns the stores on one connection.
 * Writes are acknowledged only once durable unless `synchronous: 'normal'` is chosen.
 *
 * @throws DomainError `unavailable` when the file cannot be opened or migrated
 */
export async function createSqliteStorage(options: SqliteOpenOptions): Promise<StorageBundle> {
  const db = openSqliteDatabase(options);
  try {
    migrateSqliteDatabase(db);
    return bundle(db);
  } catch (e) {
    db.close();
    throw translateSqliteError(e);
  }
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

function bundle(db: Database.Database): StorageBundle {
  const ping = db.prepare('SELECT 1');
  return {
    driver: 'sqlite',
    memories: new SqliteMemoryStore(db),
    sessions: new SqliteSessionStore(db),
    agents: new SqliteAgentStore(db),
    auth: new SqliteAuthStore(db),
    ping: async () => {
      withSqlite(() => ping.get());
    },
    close: async () => {
      if (db.open) db.close();
    },
  };
}
