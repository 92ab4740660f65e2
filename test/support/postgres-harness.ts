import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPostgresStorage } from '../../adapters/storage/postgres/index.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import type { StorageHarness } from '../contract/storage.contract.js';

/** The database PostgreSQL tests use, or undefined (they are then skipped, saying why). */
export const TEST_POSTGRES_URL = process.env.MEMTRACE_TEST_POSTGRES_URL || undefined;

export const POSTGRES_SKIP_REASON =
  'MEMTRACE_TEST_POSTGRES_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)';

/** A fresh schema name: `memtrace_test_<prefix>_<random hex>`. */
export const randomSchemaName = (prefix = 'x'): string =>
  `memtrace_test_${prefix}_${randomBytes(6).toString('hex')}`;

/** `url` with `?options=-c search_path=<schema>`, so every connection made from it uses it. */
export function urlWithSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** A one-off connection to the test database, closed after `work`. */
export async function withAdminClient<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createSchema(schema: string): Promise<void> {
  await withAdminClient((c) => c.query(`CREATE SCHEMA "${schema}"`));
}

export async function dropSchema(schema: string): Promise<void> {
  await withAdminClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

/** Empties every table of `schema` but `schema_migrations`, restarting identities. */
export async function truncateSchema(client: pg.Client | pg.Pool, schema: string): Promise<void> {
  const { rows } = await client.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'",
    [schema],
  );
  if (rows.length === 0) return;
  const tables = rows.map((r) => `"${schema}"."${r.tablename}"`).join(', ');
  await client.query(`TRUNCATE ${tables} RESTART IDENTITY`);
}

/**
 * The PostgreSQL driver on its own schema (one per test file): `open` creates the schema and
 * lets the driver migrate it through its own migrator; `reset` truncates through a second
 * connection, so the store under test is used only through its port; `close` drops the schema.
 */
export function postgresHarness(): StorageHarness {
  const schema = randomSchemaName('contract');
  let raw: pg.Client | null = null;
  return {
    name: 'postgres',
    enabled: TEST_POSTGRES_URL !== undefined,
    skipReason: POSTGRES_SKIP_REASON,
    countsWithPage: true,
    open: async () => {
      await createSchema(schema);
      return createPostgresStorage({ url: TEST_POSTGRES_URL as string, schema, poolSize: 5 });
    },
    reset: async (_s: StorageBundle) => {
      if (raw === null) {
        raw = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await raw.connect();
      }
      await truncateSchema(raw, schema);
    },
    close: async (s: StorageBundle) => {
      await raw?.end();
      await s?.close();
      await dropSchema(schema);
    },
  };
}
