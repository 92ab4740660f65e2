import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ArcDriverOptions } from '../adapters/storage/arc/index.js';
import type { PostgresStorageOptions } from '../adapters/storage/postgres/index.js';
import type { SqliteOpenOptions } from '../adapters/storage/sqlite/index.js';
import type { StorageBundle } from '../adapters/storage/storage-bundle.js';
import { GptTokenCounter } from '../adapters/tokenizer/gpt-token-counter.js';
import { LINE_TOKENIZER, lineTokensOf, type LineTokens } from '../domain/index.js';

/**
 * How long a SQLite write of the server waits for another process's lock (the CLI, a second
 * server) by default: short enough that a stuck lock is a 503 within 2 s, since the wait
 * blocks the event loop.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 1000;

/**
 * The storage factory: one entry per storage driver, in the order MEMTRACE_STORAGE_DRIVER lists
 * them. Each imports only its own driver's module when it runs, so a native driver that is not
 * used is never loaded; its parameter is the driver's options. Adding a driver is adding its
 * folder under adapters/storage/ and one line here.
 */
const STORAGE_FACTORY = {
  sqlite: (options: SqliteOpenOptions) => openSqliteFile(options),
  postgres: async (options: PostgresStorageOptions) =>
    (await import('../adapters/storage/postgres/index.js')).createPostgresStorage({
      ...options,
      lineTokens: options.lineTokens ?? defaultLineTokens(),
    }),
  arc: async (options: ArcDriverOptions) =>
    (await import('../adapters/storage/arc/index.js')).createArcStorage(options),
  memory: async (options: { readonly lineTokens?: LineTokens }) =>
    (await import('../adapters/storage/in-memory/index.js')).createInMemoryStorage({
      lineTokens: options.lineTokens ?? defaultLineTokens(),
    }),
} satisfies Record<string, (options: never) => Promise<StorageBundle>>;

type Factory = typeof STORAGE_FACTORY;

/** A storage driver's name (MEMTRACE_STORAGE_DRIVER). */
export type StorageDriver = keyof Factory;

/** The storage drivers memtrace has, in the factory's order. */
export const STORAGE_DRIVERS = Object.keys(STORAGE_FACTORY) as readonly StorageDriver[];

/**
 * Which storage to open, per driver: `memory` keeps everything in the process (tests, trials);
 * `sqlite` a file (`:memory:` for a private database); `postgres` a database, migrated unless
 * `migrate` is false; `arc` memories in Arc beside an opened relational store.
 */
export type StorageOptions = {
  [D in StorageDriver]: { readonly driver: D } & Parameters<Factory[D]>[0];
}[StorageDriver];

/**
 * What the relational drivers count each memory's line tokens with (see `LineTokens`): the
 * default tokenizer, whose tables load on the first write.
 */
function defaultLineTokens(): LineTokens {
  return lineTokensOf(new GptTokenCounter(LINE_TOKENIZER));
}

/** Opens one storage driver with the server's defaults. */
export async function openStorage(options: StorageOptions): Promise<StorageBundle> {
  const open = STORAGE_FACTORY[options.driver] as (
    options: StorageOptions,
  ) => Promise<StorageBundle>;
  return open(options);
}

async function openSqliteFile(options: SqliteOpenOptions): Promise<StorageBundle> {
  if (options.path !== ':memory:') {
    mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
  }
  const { createSqliteStorage } = await import('../adapters/storage/sqlite/index.js');
  return createSqliteStorage({
    ...options,
    lineTokens: options.lineTokens ?? defaultLineTokens(),
    busyTimeoutMs: options.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS,
    // A commit that fills the WAL would otherwise copy it into the file while requests wait.
    backgroundCheckpoints: options.backgroundCheckpoints ?? true,
  });
}
