import { createSqliteStorage } from '../../adapters/storage/sqlite/index.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import {
  arcDatabaseName,
  openArcStorage,
  type ArcStorageOptions,
  type ArcTargetResolver,
} from '../../adapters/storage/arc/index.js';
import type { StorageHarness } from '../contract/storage.contract.js';
import { startFakeArc, type FakeArc, type FakeArcOptions } from './fake-arc/index.js';
import { removeSqliteFiles, tempSqlitePath } from './sqlite-harness.js';

/** Arc settings pointing at `url`, with short timeouts for tests. */
export function testArcConfig(
  url: string,
  overrides: Partial<ArcStorageOptions> = {},
): ArcStorageOptions {
  return {
    url,
    database: 'memtrace_{org}',
    measurement: 'events',
    timeoutMs: 2000,
    retries: 3,
    readYourWritesMs: 60_000,
    ...overrides,
  };
}

/** A resolver whose databases change with `generation()`: a new generation is an empty Arc. */
export function generationalResolver(
  arc: ArcStorageOptions,
  generation: () => number,
): ArcTargetResolver {
  return async (orgId) => ({
    url: arc.url,
    apiKey: arc.apiKey ?? null,
    database: arcDatabaseName(`t${generation()}_{org}`, orgId),
    measurement: arc.measurement,
  });
}

export interface ArcTestStorage {
  readonly fake: FakeArc;
  readonly storage: StorageBundle;
  /** Where the storage puts an org's memories now. */
  readonly resolve: ArcTargetResolver;
  /** Empties the relational store and moves memories to fresh Arc databases. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The arc driver as production composes it (`openArcStorage`) on SQLite in a temp
 * file and the Arc stand-in. Resetting moves to new Arc databases rather than deleting, so the
 * store is used only through its port.
 */
export async function openArcTestStorage(
  fakeOptions: FakeArcOptions = {},
  arcOverrides: Partial<ArcStorageOptions> = {},
): Promise<ArcTestStorage> {
  // Deletes on, as memtrace's Arc deployments must configure (delete.enabled = true).
  const fake = await startFakeArc({ deleteEnabled: true, ...fakeOptions });
  const file = tempSqlitePath('memtrace-arc');
  const relational = await createSqliteStorage({ path: file });
  const arc = testArcConfig(fake.url, {
    ...(fakeOptions.authToken !== undefined ? { apiKey: fakeOptions.authToken } : {}),
    ...arcOverrides,
  });
  let generation = 0;
  const resolve = generationalResolver(arc, () => generation);
  const storage = openArcStorage(relational, arc, resolve);
  return {
    fake,
    storage,
    resolve,
    reset: async () => {
      generation++;
      const raw = (await import('better-sqlite3')).default;
      const db = new raw(file);
      try {
        const tables = db
          .prepare<[], { name: string }>(
            // Plain tables only: the substring index's shadow tables follow memories (0011).
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' " +
              "AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
          )
          .all();
        db.transaction(() => {
          for (const { name } of tables) db.exec(`DELETE FROM "${name}"`);
        })();
      } finally {
        db.close();
      }
    },
    close: async () => {
      await storage.close();
      await fake.stop();
      removeSqliteFiles(file);
    },
  };
}

/**
 * The storage contract harness of the arc driver. At buffer age 0 the stand-in shows a write
 * before it answers it; at a non-zero age it shows it only after its flush, as Arc does, and
 * the store's read-your-writes merge must give the same answers.
 */
export function arcHarness(fakeOptions: FakeArcOptions = {}): StorageHarness {
  let opened: ArcTestStorage | null = null;
  const age = fakeOptions.maxBufferAgeMs ?? 0;
  return {
    name: age > 0 ? `arc (Arc shows writes ${age} ms late)` : 'arc',
    open: async () => {
      opened = await openArcTestStorage(fakeOptions);
      return opened.storage;
    },
    reset: async () => opened?.reset(),
    close: async () => opened?.close(),
  };
}
