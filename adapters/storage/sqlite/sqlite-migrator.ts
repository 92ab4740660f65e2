import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { withSqlite } from './sqlite-errors.js';

/** One forward-only migration file, `NNNN_snake_description.sql`. */
export interface SqliteMigration {
  readonly version: number;
  readonly name: string;
  readonly file: string;
}

const MIGRATION_FILE = /^(\d{4,})_([a-z0-9_]+)\.sql$/;

/**
 * The `migrations/sqlite` folder, found by walking up from this module, so the same code works
 * from the sources (`adapters/storage/sqlite/`) and from the build (`dist/adapters/storage/sqlite/`).
 * @throws Error when no ancestor holds `migrations/sqlite`
 */
export function findSqliteMigrationsDir(from: string = import.meta.url): string {
  let dir = path.dirname(fileURLToPath(from));
  for (;;) {
    const candidate = path.join(dir, 'migrations', 'sqlite');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no migrations/sqlite folder above ${from}`);
    dir = parent;
  }
}

/** The migration files of `dir`, ordered by version. @throws Error on a repeated version */
export function readSqliteMigrations(dir: string): SqliteMigration[] {
  const migrations = readdirSync(dir)
    .map((f) => ({ f, m: MIGRATION_FILE.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .map(({ f, m }) => ({ version: Number(m[1]), name: m[2] as string, file: path.join(dir, f) }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (i > 0 && migrations[i - 1]?.version === m.version) {
      throw new Error(`two sqlite migrations have version ${m.version}`);
    }
  });
  return migrations;
}

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
