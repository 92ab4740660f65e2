import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createPgPool } from '../../adapters/storage/postgres/pg-pool.js';

const url = process.env.MEMTRACE_TEST_POSTGRES_URL;
const schema = `memtrace_pool_${process.pid}`;

describe.skipIf(!url)(
  `createPgPool${url ? '' : ' (skipped: MEMTRACE_TEST_POSTGRES_URL is not set)'}`,
  () => {
    beforeAll(async () => {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await admin.end();
    });
    afterAll(async () => {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    });

    it('opens every connection with JIT off and the given search_path, before any query', async () => {
      const pool = createPgPool({ url: url as string, schema, poolSize: 3 });
      try {
        // Several connections at once: each must carry the settings from its first query on.
        const rows = await Promise.all(
          [1, 2, 3].map(() =>
            pool.query<{ jit: string; path: string }>(
              "SELECT current_setting('jit') AS jit, current_setting('search_path') AS path",
            ),
          ),
        );
        for (const r of rows) expect(r.rows[0]).toEqual({ jit: 'off', path: `"${schema}"` });
      } finally {
        await pool.end();
      }
    });
  },
);
