import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { withSqlite } from './sqlite-errors.js';
import { findMigrationsDir, readMigrationFiles, type MigrationFile } from '../migration-files.js';

/** One forward-only migration file, `NNNN_snake_description.sql`. */
export type SqliteMigration = MigrationFile;

/** The `migrations/sqlite` folder above this module (sources or build). */
export const findSqliteMigrationsDir = (from: string = import.meta.url): string =>
  findMigrationsDir('sqlite', from);

/** The migration files of `dir`, ordered by version. @throws Error on a repeated version */
export const readSqliteMigrations = (dir: string): SqliteMigration[] =>
  readMigrationFiles('sqlite', dir);

/**
 * Applies the pending migrations of `dir` in version order, each in its own IMMEDIATE transaction
 * together with its `schema_migrations` row, so a failed file leaves no trace and two processes
 * migrating at once apply each file exactly once.
 *
 * @param nowMs the `applied_at` recorded, ms since the epoch
 * @returns the versions applied now (empty when the schema was up to date)
 * @throws DomainError `unavailable` when the database is busy past the timeout or unreadable
 */
export function migrateSqliteDatabase(
  db: Database.Database,
  dir: string = findSqliteMigrationsDir(),
  nowMs: () => number = Date.now,
): number[] {
  return withSqlite(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT    NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    const isApplied = db.prepare<[number], { one: number }>(
      'SELECT 1 AS one FROM schema_migrations WHERE version = ?',
    );
    const record = db.prepare<[number, string, number]>(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    const applied: number[] = [];
    for (const m of readSqliteMigrations(dir)) {
      const apply = db.transaction(() => {
        // Re-checked inside the write lock: another process may have applied it meanwhile.
        if (isApplied.get(m.version)) return;
        db.exec(readFileSync(m.file, 'utf8'));
        record.run(m.version, m.name, nowMs());
        applied.push(m.version);
      });
      apply.immediate();
    }
    return applied;
  });
}
