import type pg from 'pg';
import type { LineTokens } from '../../../domain/index.js';
import type { StorageBundle } from '../storage-bundle.js';
import { withPg } from './pg-errors.js';
import { createPgPool, type PostgresOptions } from './pg-pool.js';
import { PostgresAgentStore } from './postgres-agent-store.js';
import { PostgresArcInstanceStore } from './postgres-arc-instance-store.js';
import { PostgresAuthStore } from './postgres-auth-store.js';
import { PostgresMemoryStore } from './postgres-memory-store.js';
import { recountLineTokens, recountPending } from './postgres-line-tokens-recount.js';
import { migratePostgresDatabase } from './postgres-migrator.js';
import { PostgresSessionStore } from './postgres-session-store.js';
import {
  buildSearchIndex,
  DEFAULT_TEXT_SEARCH_CONFIG,
  resolveTextSearch,
} from './postgres-search-index.js';
import type { TextSearch } from './postgres-search-sql.js';

export type { PostgresOptions } from './pg-pool.js';
export { POSTGRES_DEFAULTS } from './pg-pool.js';
export { PostgresAgentStore } from './postgres-agent-store.js';
export { PostgresArcInstanceStore } from './postgres-arc-instance-store.js';
export { PostgresAuthStore } from './postgres-auth-store.js';
export { PostgresMemoryStore } from './postgres-memory-store.js';
export { PostgresSessionStore } from './postgres-session-store.js';
export { DEFAULT_TEXT_SEARCH_CONFIG } from './postgres-search-index.js';

export interface PostgresStorageOptions extends PostgresOptions {
  /** Apply pending migrations (under an advisory lock) before returning; default true. */
  readonly migrate?: boolean;
  /** Told about connections the server dropped while idle (they are replaced on demand). */
  readonly onIdleError?: (e: Error) => void;
  /**
   * Counts each memory's line tokens as it is written (see `LineTokens`), so a context skips the
   * memories whose line cannot fit without reading them; without it every memory is read.
   */
  readonly lineTokens?: LineTokens;
}

/**
 * Opens the process's one connection pool to PostgreSQL, checks that the database answers,
 * applies pending migrations from `migrations/postgres` unless `migrate` is false, and returns
 * the stores on that pool. Several processes may share one database: dedup, bootstrap,
 * session updates and migrations are atomic across them. The keyword-search index is built or
 * checked for `textSearchConfig` (see `buildSearchIndex`): without `migrate`, a database indexed
 * under another configuration is refused. Given `lineTokens`, the memories marked for it get
 * their line tokens counted (see `recountLineTokens`).
 *
 * @throws DomainError `unavailable` when the database cannot be reached or migrated
 * @throws Error when `textSearchConfig` is no configuration of the database, or differs from the
 *   index's without `migrate`
 */
export async function createPostgresStorage(
  options: PostgresStorageOptions,
): Promise<StorageBundle> {
  const pool = createPgPool(options, options.onIdleError);
  try {
    const migrate = options.migrate ?? true;
    if (migrate) await migratePostgres(options);
    else await withPg(() => pool.query('SELECT 1'));
    const ts = await resolveTextSearch(pool, textSearchConfigOf(options));
    if (!migrate) await withMigrationPool(options, (p) => buildSearchIndex(p, ts, false));
    const { lineTokens } = options;
    if (lineTokens && (await recountPending(pool))) {
      await withMigrationPool(options, (p) => recountLineTokens(p, lineTokens));
    }
    return bundle(pool, ts, lineTokens);
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
}

const textSearchConfigOf = (options: PostgresOptions): string =>
  options.textSearchConfig ?? DEFAULT_TEXT_SEARCH_CONFIG;

/**
 * Applies the pending migrations to the database at `options.url`, then builds the keyword
 * search index of the rows that have none yet, or re-indexes them all when the configuration
 * changed (see `buildSearchIndex`), and closes the pool; what `npm run migrate` runs.
 * @returns the versions applied now (empty when the schema was up to date)
 */
export async function migratePostgres(options: PostgresOptions, dir?: string): Promise<number[]> {
  return withMigrationPool(options, async (pool) => {
    const applied = await migratePostgresDatabase(pool, dir);
    const ts = await resolveTextSearch(pool, textSearchConfigOf(options));
    await buildSearchIndex(pool, ts, true);
    return applied;
  });
}

/**
 * Runs `work` on a connection of its own with no timeouts, then closes it: a migration or an
 * index build may run for longer than any request may wait, and the request pool's client-side
 * timeout would cut it off.
 */
async function withMigrationPool<T>(
  options: PostgresOptions,
  work: (pool: pg.Pool) => Promise<T>,
): Promise<T> {
  const pool = createPgPool({ ...options, statementTimeoutMs: 0, poolSize: 1 });
  try {
    return await work(pool);
  } finally {
    await pool.end().catch(() => undefined);
  }
}

function bundle(pool: pg.Pool, ts: TextSearch, lineTokens?: LineTokens): StorageBundle {
  let closing: Promise<void> | undefined;
  return {
    driver: 'postgres',
    memories: new PostgresMemoryStore(pool, ts, lineTokens),
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
