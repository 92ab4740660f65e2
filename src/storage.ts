import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PostgresStorageOptions } from '../adapters/storage/postgres/index.js';
import type { SqliteOpenOptions } from '../adapters/storage/sqlite/index.js';
import type { StorageBundle } from '../adapters/storage/storage-bundle.js';

/**
 * How long a SQLite write of the server waits for another process's lock (the CLI, a second
 * server) by default: short enough that a stuck lock is a 503 within 2 s, since the wait
 * blocks the event loop.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 1000;

/**
 * Which storage to open, per driver: `memory` keeps everything in the process (tests, trials);
 * `sqlite` a file (`:memory:` for a private database); `postgres` a database, migrated unless
 * `migrate` is false. The Arc driver needs the whole configuration (see `openConfiguredStorage`).
 */
export type StorageOptions =
  | { readonly driver: 'memory' }
  | ({ readonly driver: 'sqlite' } & SqliteOpenOptions)
  | ({ readonly driver: 'postgres' } & PostgresStorageOptions);

/**
 * Opens one storage driver with the server's defaults. Only the chosen driver's module is
 * imported, so a native driver that is not used is never loaded.
 */
export async function openStorage(options: StorageOptions): Promise<StorageBundle> {
  switch (options.driver) {
    case 'memory': {
      const { createInMemoryStorage } = await import('../adapters/storage/in-memory/index.js');
      return createInMemoryStorage();
    }
    case 'sqlite': {
      const sqlite: SqliteOpenOptions = options;
      if (sqlite.path !== ':memory:') {
        mkdirSync(path.dirname(path.resolve(sqlite.path)), { recursive: true });
      }
      const { createSqliteStorage } = await import('../adapters/storage/sqlite/index.js');
      return createSqliteStorage({
        ...sqlite,
        busyTimeoutMs: sqlite.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS,
      });
    }
    case 'postgres': {
      const { createPostgresStorage } = await import('../adapters/storage/postgres/index.js');
      return createPostgresStorage(options);
    }
  }
}
