import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One forward-only migration file, `NNNN_snake_description.sql`. */
export interface MigrationFile {
  readonly version: number;
  readonly name: string;
  readonly file: string;
}

const MIGRATION_FILE = /^(\d{4,})_([a-z0-9_]+)\.sql$/;

/**
 * The `migrations/<backend>` folder, found by walking up from `from` (a module URL), so the same
 * code works from the sources and from the build (`dist/`).
 * @throws Error when no ancestor holds `migrations/<backend>`
 */
export function findMigrationsDir(backend: string, from: string): string {
  let dir = path.dirname(fileURLToPath(from));
  for (;;) {
    const candidate = path.join(dir, 'migrations', backend);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no migrations/${backend} folder above ${from}`);
    dir = parent;
  }
}

/** The migration files of `dir`, ordered by version. @throws Error on a repeated version */
export function readMigrationFiles(backend: string, dir: string): MigrationFile[] {
  const migrations = readdirSync(dir)
    .map((f) => ({ f, m: MIGRATION_FILE.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .map(({ f, m }) => ({ version: Number(m[1]), name: m[2] as string, file: path.join(dir, f) }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (i > 0 && migrations[i - 1]?.version === m.version) {
      throw new Error(`two ${backend} migrations have version ${m.version}`);
    }
  });
  return migrations;
}
