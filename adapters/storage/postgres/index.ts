import type pg from 'pg';
import type { StorageBundle } from '../storage-bundle.js';
import { withPg } from './pg-errors.js';
import { createPgPool, type PostgresOptions } from './pg-pool.js';
import { PostgresAgentStore } from './postgres-agent-store.js';
import { PostgresArcInstanceStore } from './postgres-arc-instance-store.js';
import { PostgresAuthStore } from './postgres-auth-store.js';
import { PostgresMemoryStore } from './postgres-memory-store.js';
import { migratePostgresDatabase } from './postgres-migrator.js';
import { PostgresSessionStore } from './postgres-session-store.js';

export type { PostgresOptions } from './pg-pool.js';
export { POSTGRES_DEFAULTS } from './pg-pool.js';
export { PostgresAgentStore } from './postgres-agent-store.js';
export { PostgresArcInstanceStore } from './postgres-arc-instance-store.js';
export { PostgresAuthStore } from './postgres-auth-store.js';
export { PostgresMemoryStore } from './postgres-memory-store.js';
export { PostgresSessionStore } from './postgres-session-store.js';

export interface PostgresStorageOptions extends PostgresOptions {
  /** Apply pending migrations (under an advisory lock) before returning; default true. */
  readonly migrate?: boolean;
  /** Told about connections the server dropped while idle (they are replaced on demand). */
  readonly onIdleError?: (e: Error) => void;
}

/**
 * Opens the process's one connection pool to PostgreSQL, checks that the database answers,
 * applies pending migrations from `migrations/postgres` unless `migrate` is false, and returns
 * the stores on that pool. Several processes may share one database: dedup, bootstrap,
 * session updates and migrations are atomic across them.
 *
 * @throws DomainError `unavailable` when the database cannot be reached or migrated
 */
export async function createPostgresStorage(
  options: PostgresStorageOptions,
): Promise<StorageBundle> {
  const pool = createPgPool(options, options.onIdleError);
  try {
    if (options.migrate ?? true) await migratePostgres(options);
    else await withPg(() => pool.query('SELECT 1'));
    return bundle(pool);
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
}

/**
 * Applies the pending migrations to the database at `options.url` and closes the pool; what
 * `npm run migrate` runs.
 * @returns the versions applied now (empty when the schema was up to date)
 */
export async function migratePostgres(options: PostgresOptions, dir?: string): Promise<number[]> {
  // A connection of its own with no timeouts: a migration may rewrite a large table for longer
  // than any request may wait, and the request pool's client-side timeout would cut it off.
  const pool = createPgPool({ ...options, statementTimeoutMs: 0, poolSize: 1 });
  try {
    return await migratePostgresDatabase(pool, dir);
  } finally {
    await pool.end().catch(() => undefined);
  }
}

function bundle(pool: pg.Pool): StorageBundle {
  let closing: Promise<void> | undefined;
  return {
    driver: 'postgres',
    memories: new PostgresMemoryStore(pool),
    sessions: new PostgresSessionStore(pool),
    agents: new PostgresAgentStore(pool),
    auth: new PostgresAuthStore(pool),
    arcInstances: new PostgresArcInstanceStore(pool),
    ping: async () => {
      await withPg(() => pool.query('SELECT 1'));
    },
    close: () => (closing ??= pool.end().catch(() => undefined)),
  };
}
