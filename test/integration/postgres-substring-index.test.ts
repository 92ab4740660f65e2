import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migratePostgres } from '../../adapters/storage/postgres/index.js';
import { POSTGRES_SKIP_REASON, TEST_POSTGRES_URL } from '../support/postgres-harness.js';

const URL = TEST_POSTGRES_URL as string;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** The test URL with another database, and user when given. */
function urlFor(database: string, user?: { name: string; password: string }): string {
  const u = new globalThis.URL(URL);
  if (user !== undefined) {
    u.username = user.name;
    u.password = user.password;
  }
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs `sql` as the test URL's user, in its database or in `database`. */
async function admin(sql: string, database?: string): Promise<void> {
  const c = new pg.Client({ connectionString: database === undefined ? URL : urlFor(database) });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

describe.skipIf(TEST_POSTGRES_URL === undefined)(
  `PostgreSQL substring index (0011)${TEST_POSTGRES_URL === undefined ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    it('fails at migrate, naming pg_trgm and what to do, when the role may not create it', async () => {
      // A throwaway database (pg_trgm is per database, and the shared one already has it) and a
      // role that owns a schema there but has no CREATE on the database, so no extension.
      const suffix = randomBytes(6).toString('hex');
      const db = `memtrace_trgm_${suffix}`;
      const role = `memtrace_trgm_${suffix}`;
      const password = randomBytes(12).toString('hex');
      // Dropped after the database (cleanups run last first), which holds its schema.
      await admin(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' NOSUPERUSER NOCREATEDB`);
      cleanups.push(() => admin(`DROP ROLE IF EXISTS ${role}`));
      await admin(`CREATE DATABASE ${db}`);
      cleanups.push(() => admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
      await admin(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`, db);
      await admin(`CREATE SCHEMA app AUTHORIZATION ${role}`, db);

      const migrate = migratePostgres({ url: urlFor(db, { name: role, password }), schema: 'app' });

      await expect(migrate).rejects.toThrow(/pg_trgm/);
      await expect(migrate).rejects.toThrow(/CREATE EXTENSION pg_trgm/);
      await expect(migrate).rejects.toThrow(new RegExp(`role ${role} may not create it`));
    });
  },
);
