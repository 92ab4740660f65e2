import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteStorage } from '../../adapters/storage/sqlite/index.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import type { StorageHarness } from '../contract/storage.contract.js';
import { TEST_LINE_TOKENS } from './line-tokens.js';

/** A fresh database file name in the OS temp directory. */
export function tempSqlitePath(prefix = 'memtrace'): string {
  return path.join(os.tmpdir(), `${prefix}-${randomBytes(8).toString('hex')}.db`);
}

/** Removes a database file with its WAL and shared-memory companions. */
export function removeSqliteFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
}

/**
 * The SQLite driver on a temp file (WAL, like production), migrated by the driver's own
 * migrator. `reset` empties every table except `schema_migrations` through a second connection,
 * so the store under test is used only through its port.
 */
export function sqliteHarness(): StorageHarness {
  const file = tempSqlitePath('memtrace-contract');
  let raw: Database.Database | null = null;
  return {
    name: 'sqlite',
    keepsLineTokens: true,
    open: () => createSqliteStorage({ path: file, lineTokens: TEST_LINE_TOKENS }),
    reset: async (_s: StorageBundle) => {
      raw ??= new Database(file);
      // Ordinary tables only: a full-text index (virtual) and its shadow tables are emptied by
      // the triggers that keep it in step with `memories`, and refuse direct writes.
      const tables = raw
        .prepare<[], { name: string }>(
          "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' " +
            "AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
        )
        .all();
      raw.transaction(() => {
        for (const { name } of tables) raw?.exec(`DELETE FROM "${name}"`);
      })();
    },
    close: async (s: StorageBundle) => {
      raw?.close();
      await s.close();
      removeSqliteFiles(file);
    },
  };
}
