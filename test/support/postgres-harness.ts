import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPostgresStorage } from '../../adapters/storage/postgres/index.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import type { StorageHarness } from '../contract/storage.contract.js';
import { TEST_LINE_TOKENS } from './line-tokens.js';

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

/**
 * Empties every table of `schema` but `schema_migrations`, restarting identities, in one round
 * trip (several statements in one simple query run as one transaction). DELETE rather than TRUNCATE: a test's tables hold a few rows,
 * and TRUNCATE gives every table and index a new file (0.3-0.5 s for this schema, paid before
 * every PostgreSQL test, against ~50 ms). Tables are emptied referencing ones first, so a
 * foreign key without ON DELETE CASCADE cannot refuse the delete.
 */
export async function truncateSchema(client: pg.Client | pg.Pool, schema: string): Promise<void> {
  const { rows } = await client.query<{ kind: string; name: string; refs: string[] | null }>(
    `SELECT 't' AS kind, t.tablename AS name,
            (SELECT array_agg(DISTINCT r.relname::text)
               FROM pg_constraint c
               JOIN pg_class r ON r.oid = c.confrelid
              WHERE c.contype = 'f' AND c.conrelid = format('%I.%I', t.schemaname, t.tablename)::regclass
                AND c.confrelid <> c.conrelid) AS refs
       FROM pg_tables t WHERE t.schemaname = $1 AND t.tablename <> 'schema_migrations'
     UNION ALL
     SELECT 's', sequencename, NULL FROM pg_sequences WHERE schemaname = $1`,
    [schema],
  );
  const tables = rows.filter((r) => r.kind === 't');
  if (tables.length === 0) return;
  // A table goes after every table that references it.
  const order: string[] = [];
  const left = new Map(tables.map((t) => [t.name, t.refs ?? []]));
  while (left.size > 0) {
    const referenced = new Set([...left.values()].flat());
    const leaves = [...left.keys()].filter((name) => !referenced.has(name));
    if (leaves.length === 0) throw new Error(`foreign keys of ${schema} form a cycle`);
    for (const name of leaves) {
      order.push(name);
      left.delete(name);
    }
  }
  const q = (name: string) => `"${schema}"."${name}"`;
  const sequences = rows.filter((r) => r.kind === 's');
  await client.query(
    [
      ...order.map((name) => `DELETE FROM ${q(name)}`),
      ...sequences.map((s) => `ALTER SEQUENCE ${q(s.name)} RESTART`),
    ].join(';\n'),
  );
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
    keepsLineTokens: true,
    open: async () => {
      await createSchema(schema);
      return createPostgresStorage({
        url: TEST_POSTGRES_URL as string,
        schema,
        poolSize: 5,
        lineTokens: TEST_LINE_TOKENS,
      });
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
