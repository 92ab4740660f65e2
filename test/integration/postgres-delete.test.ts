import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPgPool } from '../../adapters/storage/postgres/pg-pool.js';
import { PostgresMemoryStore } from '../../adapters/storage/postgres/postgres-memory-store.js';
import { migratePostgresDatabase } from '../../adapters/storage/postgres/postgres-migrator.js';
import { aMemory, BASE_TIME } from '../support/builders.js';
import {
  createSchema,
  dropSchema,
  POSTGRES_SKIP_REASON,
  randomSchemaName,
  TEST_POSTGRES_URL,
  truncateSchema,
} from '../support/postgres-harness.js';

const ORG = 'org_a';
const OTHER = 'org_b';
const HOUR = 3_600_000;
const DAY = { windowMs: 24 * HOUR };

describe.skipIf(TEST_POSTGRES_URL === undefined)(
  `PostgresMemoryStore.delete${TEST_POSTGRES_URL === undefined ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    const schema = randomSchemaName('delete');
    let pool: pg.Pool;
    let store: PostgresMemoryStore;

    /** The rows of `table` that belong to `orgId`. */
    const rowsOf = async (table: 'memory_tags' | 'dedup_keys', orgId: string) =>
      Number(
        (
          await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE org_id = $1`, [
            orgId,
          ])
        ).rows[0]?.n,
      );

    beforeAll(async () => {
      await createSchema(schema);
      pool = createPgPool({ url: TEST_POSTGRES_URL as string, schema });
      await migratePostgresDatabase(pool);
      store = new PostgresMemoryStore(pool);
    });
    beforeEach(async () => truncateSchema(pool, schema));
    afterAll(async () => {
      await pool?.end();
      await dropSchema(schema);
    });

    it('leaves no tag row or dedup key of what it deleted, and all of the other org', async () => {
      const mine = [
        aMemory({ tags: ['a', 'b'], dedupKey: 'k1' }),
        aMemory({ tags: ['a'], dedupKey: 'k2' }),
      ];
      const theirs = aMemory({ orgId: OTHER, tags: ['a'], dedupKey: 'k1' });
      await store.insert([...mine, theirs], DAY);

      expect(await store.delete(ORG, {})).toBe(2);

      expect([await rowsOf('memory_tags', ORG), await rowsOf('dedup_keys', ORG)]).toEqual([0, 0]);
      expect([await rowsOf('memory_tags', OTHER), await rowsOf('dedup_keys', OTHER)]).toEqual([
        1, 1,
      ]);
    });

    it('gives a deleted holder’s dedup key to the newest memory still having it', async () => {
      // Stored unchecked (an import): both keep the key, the newer one holds it.
      const older = aMemory({ dedupKey: 'k', time: BASE_TIME });
      const newer = aMemory({ dedupKey: 'k', time: BASE_TIME + 2 * HOUR });
      await store.insert([older, newer], null);

      expect(await store.delete(ORG, { ids: [newer.id] })).toBe(1);

      const late = aMemory({ dedupKey: 'k', time: BASE_TIME + HOUR });
      expect(await store.insert([late], DAY)).toEqual([
        { status: 'duplicate', existingId: older.id },
      ]);
    });

    it('counts each memory once when two deletes of the same ids run at once', async () => {
      const ms = Array.from({ length: 200 }, (_, i) =>
        aMemory({ tags: ['x'], dedupKey: `k${i}`, time: BASE_TIME + i }),
      );
      await store.insert(ms, DAY);
      const ids = ms.map((m) => m.id);

      const counts = await Promise.all([
        store.delete(ORG, { ids }),
        store.delete(ORG, { ids: [...ids].reverse() }),
        store.delete(ORG, { tags: ['x'] }),
      ]);

      expect(counts.reduce((a, b) => a + b, 0)).toBe(200);
      expect(await store.count(ORG, {})).toBe(0);
      expect([await rowsOf('memory_tags', ORG), await rowsOf('dedup_keys', ORG)]).toEqual([0, 0]);
    });
  },
);
