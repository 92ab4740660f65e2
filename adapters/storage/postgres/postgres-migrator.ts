import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { withPg } from './pg-errors.js';
import { findMigrationsDir, readMigrationFiles, type MigrationFile } from '../migration-files.js';

/** One forward-only migration file, `NNNN_snake_description.sql`. */
export type PostgresMigration = MigrationFile;

/** The session-level advisory lock migrators hold, so two servers starting together take turns. */
export const MIGRATION_LOCK_KEY = 0x6d74_0001;

/** The `migrations/postgres` folder above this module (sources or build). */
export const findPostgresMigrationsDir = (from: string = import.meta.url): string =>
  findMigrationsDir('postgres', from);

/** The migration files of `dir`, ordered by version. @throws Error on a repeated version */
export const readPostgresMigrations = (dir: string): PostgresMigration[] =>
  readMigrationFiles('postgres', dir);

/**
 * Applies the pending migrations of `dir` in version order while holding a session-level
 * advisory lock (`pg_advisory_lock`), each file in its own transaction together with its
 * `schema_migrations(version, name, applied_at)` row: a failed file leaves no trace, and of
 * two processes migrating at once the second waits, then finds nothing left to do. Runs on one
 * connection with no statement timeout (a migration may rewrite a large table).
 *
 * @param nowMs the `applied_at` recorded, ms since the epoch
 * @returns the versions applied now (empty when the schema was up to date)
 * @throws DomainError `unavailable` when the database cannot be reached; the database's error
 *   when a migration fails
 */
export async function migratePostgresDatabase(
  pool: pg.Pool,
  dir: string = findPostgresMigrationsDir(),
  nowMs: () => number = Date.now,
): Promise<number[]> {
  const migrations = readPostgresMigrations(dir);
  return withMigrationLock(pool, async (client) => {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text    NOT NULL,
      applied_at bigint  NOT NULL
    )`);
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM schema_migrations',
    );
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(readFileSync(m.file, 'utf8'));
        await client.query(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
          [m.version, m.name, nowMs()],
        );
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
      applied.push(m.version);
    }
    return applied;
  });
}

/**
 * Runs `work` on a client of `pool` with no statement timeout, holding the migration lock
 * ({@link MIGRATION_LOCK_KEY}): what migrates, builds or recounts for every memory runs once
 * while servers starting together wait their turn (the timeout is lifted first, so waiting for
 * the lock is not cut off either). A client that failed is dropped, not reused: its session
 * state (the timeout, a lock) dies with it.
 * @throws DomainError `unavailable` when the database cannot be reached
 */
export async function withMigrationLock<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return withPg(async () => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('SET statement_timeout = 0');
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        return await work(client);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } catch (e) {
      broken = e instanceof Error ? e : new Error(String(e));
      throw e;
    } finally {
      client.release(broken ?? false);
    }
  });
}

/** Whether the schema on the search path has a table `name` (a later migration may add it). */
export async function tableExists(db: pg.Pool | pg.PoolClient, name: string): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [
    name,
  ]);
  return rows[0]?.ok === true;
}
