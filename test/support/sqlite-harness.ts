import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteStorage } from '../../adapters/storage/sqlite/index.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import type { StorageHarness } from '../contract/storage.contract.js';

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
 * migrator. `reset` empties every plain table except `schema_migrations` through a second connection,
 * so the store under test is used only through its port.
 */
export function sqliteHarness(): StorageHarness {
  const file = tempSqlitePath('memtrace-contract');
  let raw: Database.Database | null = null;
  return {
    name: 'sqlite',
    open: () => createSqliteStorage({ path: file }),
    reset: async (_s: StorageBundle) => {
      raw ??= new Database(file);
      const tables = raw
        .prepare<[], { name: string }>(
          // Plain tables only: a virtual table's shadow tables follow its content table's
          // triggers (the substring index, 0011), and writing them directly is refused.
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
