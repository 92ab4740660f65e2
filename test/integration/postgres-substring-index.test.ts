import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStorage, migratePostgres } from '../../adapters/storage/postgres/index.js';
import { buildCountMemories } from '../../adapters/storage/postgres/postgres-memory-query.js';
import { aMemory, BASE_TIME } from '../support/builders.js';
import {
  createSchema,
  dropSchema,
  POSTGRES_SKIP_REASON,
  randomSchemaName,
  TEST_POSTGRES_URL,
  urlWithSchema,
} from '../support/postgres-harness.js';

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

    it('reads the trigram index for a pattern with no narrower filter, and the walk under one', async () => {
      const schema = randomSchemaName('substring');
      await createSchema(schema);
      cleanups.push(() => dropSchema(schema));
      const storage = await createPostgresStorage({ url: URL, schema });
      cleanups.push(() => storage.close());
      // Enough rows that reading the org's every row costs more than the trigram index.
      for (let batch = 0; batch < 10; batch++) {
        const ms = Array.from({ length: 2_000 }, (_, i) =>
          aMemory({ content: `routine note ${batch}.${i} about nothing`, time: BASE_TIME + i }),
        );
        await storage.memories.insert(ms, null);
      }
      await storage.memories.insert([aMemory({ content: 'the rare needle here' })], null);
      const c = new pg.Client({ connectionString: urlWithSchema(URL, schema) });
      await c.connect();
      cleanups.push(() => c.end());
      await c.query('ANALYZE memories');
      await c.query('ANALYZE memory_tags');
      const plan = async (filter: Parameters<typeof buildCountMemories>[1]) => {
        const { sql, params } = buildCountMemories('org_a', filter);
        const { rows } = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [...params]);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      };

      expect(await plan({ contentContains: 'rare needle' })).toContain('idx_memories_content_trgm');
      expect(
        await plan({ contentContains: 'RARE NEEDLE', contentContainsIgnoreCase: true }),
      ).toContain('idx_memories_content_trgm');
      expect(await plan({ contentContains: 'rare needle', tags: ['crawling'] })).not.toContain(
        'idx_memories_content_trgm',
      );
      expect(await storage.memories.count('org_a', { contentContains: 'rare needle' })).toBe(1);
    });
  },
);
