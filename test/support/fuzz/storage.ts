import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import { createSqliteStorage } from '../../../adapters/storage/sqlite/index.js';
import type { StorageBundle } from '../../../adapters/storage/storage-bundle.js';
import { arcHarness } from '../arc-harness.js';
import { POSTGRES_SKIP_REASON, postgresHarness, TEST_POSTGRES_URL } from '../postgres-harness.js';

/** The drivers a fuzz run knows. */
export const FUZZ_DRIVERS = ['sqlite', 'postgres', 'arc', 'memory'] as const;

export interface FuzzStorage {
  readonly storage: StorageBundle;
  /** Closes the store and removes what it made (schema, stand-in, files). */
  close(): Promise<void>;
}

/**
 * A fresh store for one fuzz run, outside any test runner: SQLite in memory; PostgreSQL in a
 * schema of its own on MEMTRACE_TEST_POSTGRES_URL, dropped at the end; Arc on the DuckDB
 * stand-in (test/support/fake-arc), started here and stopped at the end.
 */
export async function openFuzzStorage(driver: string): Promise<FuzzStorage> {
  switch (driver) {
    case 'sqlite': {
      const storage = await createSqliteStorage({ path: ':memory:' });
      return { storage, close: () => storage.close() };
    }
    case 'memory': {
      const storage = await createInMemoryStorage();
      return { storage, close: () => storage.close() };
    }
    case 'postgres': {
      if (TEST_POSTGRES_URL === undefined) throw new Error(POSTGRES_SKIP_REASON);
      const harness = postgresHarness();
      const storage = await harness.open();
      return { storage, close: () => harness.close(storage) };
    }
    case 'arc': {
      const harness = arcHarness();
      const storage = await harness.open();
      return { storage, close: () => harness.close(storage) };
    }
    default:
      throw new Error(`fuzz driver '${driver}' is not one of ${FUZZ_DRIVERS.join(', ')}`);
  }
}
