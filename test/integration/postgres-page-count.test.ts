import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  readMemoryList,
  type MemoryList,
  type MemoryListInput,
} from '../../domain/index.js';
import { createPgPool } from '../../adapters/storage/postgres/pg-pool.js';
import { migratePostgresDatabase } from '../../adapters/storage/postgres/postgres-migrator.js';
import { PostgresMemoryStore } from '../../adapters/storage/postgres/postgres-memory-store.js';
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
const NOW = BASE_TIME + 1000 * 3_600_000;
const HOUR = 3_600_000;
const anId = () => `mem_${randomBytes(12).toString('hex')}`;

/**
 * A list or search on PostgreSQL reads its page and its count in one statement: one round trip
 * to the database, and one snapshot, so the count never disagrees with the page however other
 * connections write meanwhile.
 */
describe.skipIf(TEST_POSTGRES_URL === undefined)(
  `PostgreSQL list and search: page and count together${TEST_POSTGRES_URL === undefined ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    const schema = randomSchemaName('pagecount');
    let pool: pg.Pool;
    let store: PostgresMemoryStore;
    /** Statements sent through the pool (pool.query and checked-out clients alike). */
    let statements: string[] = [];

    const list = (input: MemoryListInput, kind: 'list' | 'search' = 'list'): Promise<MemoryList> =>
      readMemoryList(store, ORG, input, kind, NOW, DEFAULT_LIMITS.maxFilterValues);

    beforeAll(async () => {
      await createSchema(schema);
      pool = createPgPool({ url: TEST_POSTGRES_URL as string, schema, poolSize: 4 });
      await migratePostgresDatabase(pool);
      // Counts every statement the store sends: through the pool, or a client it checks out.
      const query = pool.query.bind(pool);
      pool.query = ((...args: Parameters<typeof query>) => {
        const q = args[0] as string | { text: string };
        statements.push(typeof q === 'string' ? q : q.text);
        return query(...args);
      }) as typeof pool.query;
      const connect = pool.connect.bind(pool);
      // pool.query itself checks out with a callback: only a checkout by the store is counted.
      pool.connect = ((...args: unknown[]) => {
        if (args.length === 0) statements.push('(checkout)');
        return (connect as (...a: unknown[]) => unknown)(...args);
      }) as typeof pool.connect;
      store = new PostgresMemoryStore(pool);
    });

    beforeEach(async () => {
      await truncateSchema(pool, schema);
    });

    afterAll(async () => {
      await pool?.end();
      await dropSchema(schema);
    });

    describe('round trips', () => {
      beforeEach(async () => {
        await store.insert(
          Array.from({ length: 30 }, (_, i) =>
            aMemory({
              id: anId(),
              time: BASE_TIME + i * HOUR,
              tags: i % 2 === 0 ? ['prod'] : ['dev'],
              content: `deploy ${i % 3 === 0 ? 'needle' : 'hay'} step ${i}`,
              pinned: i % 5 === 0,
            }),
          ),
          null,
        );
      });

      const inputs: {
        readonly name: string;
        readonly kind: 'list' | 'search';
        readonly input: MemoryListInput;
      }[] = [
        { name: 'a first page of a list', kind: 'list', input: { limit: 5 } },
        { name: 'a middle page by offset', kind: 'list', input: { limit: 5, offset: 10 } },
        { name: 'a page past the end', kind: 'list', input: { limit: 5, offset: 100 } },
        { name: 'a tag', kind: 'search', input: { tags: ['prod'], limit: 5 } },
        { name: 'a substring', kind: 'search', input: { contentContains: 'needle', limit: 3 } },
        { name: 'a keyword query', kind: 'search', input: { query: 'needle', limit: 3 } },
        {
          name: 'a keyword query newest first',
          kind: 'search',
          input: { query: 'deploy', order: 'desc', limit: 3 },
        },
        { name: 'the last page', kind: 'list', input: { limit: 50 } },
      ];

      it.each(inputs)('reads $name and its count in one statement', async ({ kind, input }) => {
        // Every match, read whole: what the count must say.
        const all = await list({ ...input, limit: 100, offset: 0, includeCount: false }, kind);
        statements = [];
        const page = await list(input, kind);
        expect(statements, statements.join('\n')).toHaveLength(1);
        expect(page.count).toBe(all.memories.length);
      });

      it('reads the page after a cursor and its count in one statement', async () => {
        const first = await list({ tags: ['prod'], limit: 4 }, 'search');
        expect(first.nextCursor).not.toBeNull();
        statements = [];
        const next = await list(
          { tags: ['prod'], limit: 4, cursor: first.nextCursor as string },
          'search',
        );
        expect(statements, statements.join('\n')).toHaveLength(1);
        expect(next.count).toBe(15);
        expect(next.memories).toHaveLength(4);
      });

      it('reads a ranked page after a cursor and its count in one statement', async () => {
        const first = await list({ query: 'deploy', limit: 7 }, 'search');
        statements = [];
        const next = await list(
          { query: 'deploy', limit: 7, cursor: first.nextCursor as string },
          'search',
        );
        expect(statements, statements.join('\n')).toHaveLength(1);
        expect(next.count).toBe(30);
      });
    });

    describe('under concurrent writes', () => {
      /**
       * A writer adds a batch of 20 matching memories in one transaction, then deletes them in
       * another, over and over: every snapshot holds 0 or 20 matches. A reader's page of 10 and
       * its count must come from one of them: 0 and no row, or 20 with 10 rows and more to come.
       * Read as two statements, the count can come from the other state than the page (a page of
       * 10 rows counted 0, or an empty page counted 20).
       */
      it('never gives a count that disagrees with its page', async () => {
        // Other memories, so the org is not empty and the filters have something to skip.
        await store.insert(
          Array.from({ length: 50 }, (_, i) =>
            aMemory({ id: anId(), time: BASE_TIME + i, tags: ['steady'], content: 'calm' }),
          ),
          null,
        );
        let stop = false;
        let cycles = 0;
        const writer = (async () => {
          while (!stop) {
            await store.insert(
              Array.from({ length: 20 }, (_, i) =>
                aMemory({
                  id: anId(),
                  time: BASE_TIME + HOUR + i,
                  tags: ['churn'],
                  content: `churning batch ${cycles} item ${i}`,
                }),
              ),
              null,
            );
            await store.delete(ORG, { tags: ['churn'] });
            cycles++;
          }
        })();
        const reads: { readonly name: string; readonly input: MemoryListInput }[] = [
          { name: 'tag', input: { tags: ['churn'], limit: 10 } },
          { name: 'query', input: { query: 'churning', limit: 10 } },
          { name: 'query by time', input: { query: 'churning', order: 'desc', limit: 10 } },
          { name: 'substring', input: { contentContains: 'churning', limit: 10 } },
        ];
        const disagreements: string[] = [];
        let seenFull = 0;
        let seenEmpty = 0;
        try {
          for (let i = 0; i < 400 && disagreements.length < 5; i++) {
            const { name, input } = reads[i % reads.length] as (typeof reads)[number];
            const page = await list(input, 'search');
            const n = page.memories.length;
            if (n === 0) seenEmpty++;
            else seenFull++;
            const consistent =
              (page.count === 0 && n === 0 && !page.hasMore) ||
              (page.count === 20 && n === 10 && page.hasMore);
            if (!consistent) {
              disagreements.push(
                `${name}: ${n} rows, has_more ${page.hasMore}, count ${page.count}`,
              );
            }
          }
        } finally {
          stop = true;
          await writer;
        }
        // The reads did meet both states, and the writer did turn them over while they ran.
        expect(seenFull).toBeGreaterThan(0);
        expect(seenEmpty).toBeGreaterThan(0);
        expect(cycles).toBeGreaterThan(5);
        expect(disagreements).toEqual([]);
      }, 60_000);
    });
  },
);
