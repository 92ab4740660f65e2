import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  parseSearchQuery,
  tokenizeWords,
  type MemoryFilter,
  type MemoryQuery,
} from '../../domain/index.js';
import { createPgPool } from '../../adapters/storage/postgres/pg-pool.js';
import {
  buildCountMemories,
  buildFindByPriority,
  buildFindMemories,
  buildMatchingSeqs,
  buildMemoryStats,
  DRIVING_INDEX_NAME,
  type BuiltSql,
  type DrivingIndex,
} from '../../adapters/storage/postgres/postgres-memory-query.js';
import {
  buildDeleteMemories,
  CLAIM_DEDUP_KEYS_SQL,
  REPOINT_DEDUP_KEYS_SQL,
} from '../../adapters/storage/postgres/postgres-memory-write-sql.js';
import { buildFindMemoriesWithTotal } from '../../adapters/storage/postgres/postgres-page-total-sql.js';
import { migratePostgresDatabase } from '../../adapters/storage/postgres/postgres-migrator.js';
import { PostgresMemoryStore } from '../../adapters/storage/postgres/postgres-memory-store.js';
import { aMemory, BASE_TIME } from '../support/builders.js';
import {
  createSchema,
  dropSchema,
  POSTGRES_SKIP_REASON,
  randomSchemaName,
  TEST_POSTGRES_URL,
} from '../support/postgres-harness.js';

const ORG = 'org_a';
/** As many tags as a filter may hold. */
const MANY_TAGS = [
  'prod',
  ...Array.from({ length: DEFAULT_LIMITS.maxFilterValues - 1 }, (_, i) => `t${i}`),
];
const HOUR = 3_600_000;
const ALL_TYPES = ['episodic', 'session', 'decision', 'entity'] as const;

const query = (
  filter: MemoryFilter,
  order: 'asc' | 'desc' = 'desc',
  limit: number | null = 50,
): MemoryQuery => ({ filter, order, limit, offset: 0 });

/** A node of `EXPLAIN (FORMAT JSON)`. */
interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly 'Subplan Name'?: string;
  readonly 'Actual Loops'?: number;
  readonly Plans?: readonly PlanNode[];
}

const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)];

const describePlan = (nodes: readonly PlanNode[]): string =>
  nodes
    .map((n) => [n['Node Type'], n['Index Name'] ?? n['Relation Name'] ?? ''].join(' ').trimEnd())
    .join(' > ');

/**
 * Fails unless the plan reads `index` (in order: an index or index-only scan; for aggregates,
 * where order does not matter, a bitmap index scan also counts), reads no table in full
 * (Seq Scan) and sorts nothing (Sort, Incremental Sort).
 */
function expectIndexedPlan(
  nodes: readonly PlanNode[],
  index: string,
  { ordered = true }: { ordered?: boolean } = {},
): void {
  const text = describePlan(nodes);
  const scan = ordered ? /^Index (Only )?Scan$/ : /^(Index (Only )?Scan|Bitmap Index Scan)$/;
  expect(
    nodes.some((n) => scan.test(n['Node Type']) && n['Index Name'] === index),
    text,
  ).toBe(true);
  expect(
    nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']),
    text,
  ).toEqual([]);
  expect(
    nodes.filter((n) => /Sort$/.test(n['Node Type'])).map((n) => n['Node Type']),
    text,
  ).toEqual([]);
}

const findCases: {
  readonly name: string;
  readonly q: MemoryQuery;
  readonly drivingIndex: DrivingIndex;
}[] = [
  { name: 'agent newest first', q: query({ agentId: 'agent_1' }), drivingIndex: 'agent' },
  { name: 'session newest first', q: query({ sessionId: 'sess_1' }), drivingIndex: 'session' },
  { name: 'one memory type', q: query({ memoryTypes: ['decision'] }), drivingIndex: 'memory_type' },
  {
    name: 'one event type oldest first',
    q: query({ eventTypes: ['error'] }, 'asc'),
    drivingIndex: 'event_type',
  },
  { name: 'one tag newest first', q: query({ tags: ['prod'] }), drivingIndex: 'tag' },
  {
    name: 'org only, the page after a keyset position (cursor)',
    q: { ...query({}), after: { time: BASE_TIME, seq: '42' } },
    drivingIndex: 'org',
  },
  {
    name: 'agent oldest first, the page after a keyset position (cursor)',
    q: { ...query({ agentId: 'agent_1' }, 'asc'), after: { time: BASE_TIME, seq: '42' } },
    drivingIndex: 'agent',
  },
  {
    name: 'one tag, the page after a keyset position (cursor)',
    q: { ...query({ tags: ['prod'] }), after: { time: BASE_TIME, seq: '42' } },
    drivingIndex: 'tag',
  },
  { name: 'two tags newest first', q: query({ tags: ['prod', 'eu'] }), drivingIndex: 'tag' },
  {
    name: 'as many tags as allowed newest first',
    q: query({ tags: MANY_TAGS }),
    drivingIndex: 'tag',
  },
  {
    name: 'session + as many tags as allowed',
    q: query({ sessionId: 'sess_1', tags: MANY_TAGS }),
    drivingIndex: 'session',
  },
  {
    name: 'agent + session + type + since newest first (the list benchmark)',
    q: query({
      agentId: 'agent_1',
      sessionId: 'sess_1',
      memoryTypes: ['session'],
      since: BASE_TIME,
    }),
    drivingIndex: 'session',
  },
  {
    name: 'tag + min importance + content newest first (the search benchmark)',
    q: query({ tags: ['prod'], minImportance: 0.5, contentContains: 'Crawled' }),
    drivingIndex: 'tag',
  },
  {
    name: 'tag + since + until oldest first',
    q: query({ tags: ['prod'], since: BASE_TIME, until: BASE_TIME + HOUR }, 'asc'),
    drivingIndex: 'tag',
  },
  { name: 'org only newest first', q: query({}), drivingIndex: 'org' },
  {
    name: 'org + several types + content + until',
    q: query({ memoryTypes: ['episodic', 'entity'], contentContains: 'x', until: BASE_TIME }),
    drivingIndex: 'org',
  },
  {
    name: 'context: session + types + since, oldest first, no limit',
    q: query({ sessionId: 'sess_1', memoryTypes: [...ALL_TYPES], since: BASE_TIME }, 'asc', null),
    drivingIndex: 'session',
  },
];

const countCases: {
  readonly name: string;
  readonly f: MemoryFilter;
  readonly drivingIndex: DrivingIndex;
}[] = [
  { name: 'agent', f: { agentId: 'agent_1' }, drivingIndex: 'agent' },
  {
    name: 'session + agent + type + since',
    f: { sessionId: 'sess_1', agentId: 'agent_1', memoryTypes: ['decision'], since: BASE_TIME },
    drivingIndex: 'session',
  },
  { name: 'one tag', f: { tags: ['prod'] }, drivingIndex: 'tag' },
  { name: 'tag + min importance', f: { tags: ['prod'], minImportance: 0.5 }, drivingIndex: 'tag' },
  { name: 'as many tags as allowed', f: { tags: MANY_TAGS }, drivingIndex: 'tag' },
  {
    name: 'tag + min importance + content (the search benchmark)',
    f: { tags: ['prod'], minImportance: 0.5, contentContains: 'Crawled' },
    drivingIndex: 'tag',
  },
  {
    name: 'event type + since',
    f: { eventTypes: ['error'], since: BASE_TIME },
    drivingIndex: 'event_type',
  },
];

describe.skipIf(TEST_POSTGRES_URL === undefined)(
  `PostgresMemoryStore query plans${TEST_POSTGRES_URL === undefined ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    const schema = randomSchemaName('plans');
    let pool: pg.Pool;
    /** A word of one memory only (its number in `Crawled https://example.com/<n>`). */
    let rareWord = '';

    async function planOf(built: BuiltSql): Promise<PlanNode[]> {
      const { rows } = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `EXPLAIN (FORMAT JSON) ${built.sql}`,
        built.params as unknown[],
      );
      return nodesOf((rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan);
    }

    // Plans are checked on data whose statistics (VACUUM ANALYZE) describe 40,000 memories of
    // 20 agents, 200 sessions and skewed tags, so the planner works from real row counts.
    beforeAll(async () => {
      await createSchema(schema);
      pool = createPgPool({ url: TEST_POSTGRES_URL as string, schema, statementTimeoutMs: 60_000 });
      await migratePostgresDatabase(pool);
      const store = new PostgresMemoryStore(pool);
      for (let batch = 0; batch < 8; batch++) {
        const memories = Array.from({ length: 5000 }, (_, j) => {
          const i = batch * 5000 + j;
          return aMemory({
            agentId: `agent_${i % 20}`,
            sessionId: i % 10 === 0 ? null : `sess_${i % 200}`,
            memoryType: ALL_TYPES[i % 4],
            eventType: i % 50 === 0 ? 'error' : `event_${i % 10}`,
            // As in the benchmark: 30 tags, 0-3 per memory; `prod` on 1 in 10, `eu` on 1 in 20.
            tags: [
              ...(i % 10 === 0 ? ['prod'] : []),
              ...(i % 20 === 7 || i % 20 === 0 ? ['eu'] : []),
              `t${i % 28}`,
            ],
            importance: (i % 100) / 100,
            // A key on 1 in 4, so dedup_keys holds rows as it would in use.
            dedupKey: i % 4 === 0 ? `k${i}` : null,
            time: BASE_TIME - 30 * 24 * HOUR + i * 60_000,
          });
        });
        if (batch === 3) rareWord = tokenizeWords(memories[17]?.content ?? '').at(-1) ?? '';
        await store.insert(memories, null);
      }
      await pool.query('VACUUM ANALYZE');
    }, 120_000);

    afterAll(async () => {
      await pool?.end();
      await dropSchema(schema);
    });

    describe('buildFindMemories', () => {
      it.each(findCases)(
        'walks the $drivingIndex index in order with no seq scan or sort when the query is $name',
        async ({ q, drivingIndex }) => {
          const built = buildFindMemories(ORG, q);
          expect(built.drivingIndex).toBe(drivingIndex);
          expectIndexedPlan(await planOf(built), DRIVING_INDEX_NAME[drivingIndex]);
        },
      );
    });

    describe('buildFindMemoriesWithTotal (a list or search with its count)', () => {
      /** The plan's nodes split: the counting subquery's, and all the others (the page's). */
      const split = (nodes: readonly PlanNode[]) => {
        const counting = nodes.find((n) => n['Subplan Name']?.startsWith('InitPlan'));
        const inCount = new Set(counting === undefined ? [] : nodesOf(counting));
        return { page: nodes.filter((n) => !inCount.has(n)), counting };
      };

      it.each(findCases)(
        'walks the $drivingIndex index in order for the page, no seq scan or sort, and counts as the count alone does when the query is $name',
        async ({ q, drivingIndex }) => {
          const built = buildFindMemoriesWithTotal(ORG, q);
          expect(built.drivingIndex).toBe(drivingIndex);
          const { page, counting } = split(await planOf(built));
          expectIndexedPlan(page, DRIVING_INDEX_NAME[drivingIndex]);
          // The page is read once (a CTE), and counted apart.
          expect(page.filter((n) => n['Node Type'] === 'CTE Scan').length).toBeGreaterThan(0);
          const alone = describePlan(await planOf(buildCountMemories(ORG, q.filter)));
          if (q.limit === null && q.after === undefined) {
            // Every match is on the page: the planner drops the count (its CASE is decided).
            expect(counting, describePlan(page)).toBeUndefined();
          } else {
            expect(counting, describePlan(page)).toBeDefined();
            // A subquery's plan starts with the aggregate the statement alone would have.
            expect(describePlan(nodesOf(counting as PlanNode))).toBe(alone);
          }
        },
      );

      it.each(countCases)(
        'counts through the $drivingIndex index beside the page when the filter is $name',
        async ({ f, drivingIndex }) => {
          const { counting } = split(await planOf(buildFindMemoriesWithTotal(ORG, query(f))));
          expect(counting).toBeDefined();
          expectIndexedPlan(nodesOf(counting as PlanNode), DRIVING_INDEX_NAME[drivingIndex], {
            ordered: false,
          });
        },
      );

      /** The loops of the counting subquery when the statement runs (EXPLAIN ANALYZE). */
      async function countingLoops(q: MemoryQuery): Promise<number | undefined> {
        const built = buildFindMemoriesWithTotal(ORG, q);
        const { rows } = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
          `EXPLAIN (ANALYZE, FORMAT JSON) ${built.sql}`,
          built.params as unknown[],
        );
        const plan = (rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan;
        return nodesOf(plan).find((n) => n['Subplan Name']?.startsWith('InitPlan'))?.[
          'Actual Loops'
        ];
      }

      it('runs no count when the page holds the last match, and one when more follow', async () => {
        const session = { sessionId: 'sess_1' };
        expect(await countingLoops(query(session, 'desc', 10_000))).toBe(0);
        expect(await countingLoops(query(session, 'desc', 5))).toBe(1);
        // After a position the page says nothing of what came before it: always counted.
        const after = { time: BASE_TIME + HOUR, seq: '1000000' };
        expect(await countingLoops({ ...query(session, 'desc', 10_000), after })).toBe(1);
      });
    });

    describe('further tags', () => {
      it.each([
        ['finding', buildFindMemories(ORG, query({ tags: MANY_TAGS }))],
        ['counting', buildCountMemories(ORG, { tags: MANY_TAGS })],
      ])(
        'reads the tag index once and each memory by primary key when %s by as many tags as allowed',
        async (_name, built) => {
          const nodes = await planOf(built);
          expect(
            nodes.filter((n) => n['Relation Name'] === 'memory_tags').length,
            describePlan(nodes),
          ).toBe(1);
          expect(
            nodes.some((n) => n['Index Name'] === 'memories_pkey'),
            describePlan(nodes),
          ).toBe(true);
        },
      );
    });

    describe('an ids filter', () => {
      /** As many ids as a forget may name: stored ones, spread over the org, and unknown ones. */
      let manyIds: string[];
      beforeAll(async () => {
        const { rows } = await pool.query<{ id: string }>(
          'SELECT id FROM memories WHERE seq % 50 = 0 ORDER BY seq LIMIT 800',
        );
        manyIds = [...rows.map((r) => r.id), ...Array.from({ length: 200 }, (_, i) => `mem_${i}`)];
      });
      const filters: { readonly name: string; readonly f: (ids: string[]) => MemoryFilter }[] = [
        { name: 'ids only', f: (ids) => ({ ids }) },
        { name: 'one id', f: (ids) => ({ ids: ids.slice(0, 1) }) },
        {
          name: 'ids + session + tags + agent + since',
          f: (ids) => ({
            ids,
            sessionId: 'sess_1',
            tags: ['prod', 'eu'],
            agentId: 'agent_1',
            since: BASE_TIME - 10 * 24 * HOUR,
          }),
        },
      ];

      /** Fails unless the plan reads the unique id index and no table in full (it may sort). */
      function expectIdPlan(nodes: readonly PlanNode[]): void {
        expect(
          nodes.some(
            (n) =>
              /^(Index (Only )?Scan|Bitmap Index Scan)$/.test(n['Node Type']) &&
              n['Index Name'] === DRIVING_INDEX_NAME.id,
          ),
          describePlan(nodes),
        ).toBe(true);
        expect(
          nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']),
          describePlan(nodes),
        ).toEqual([]);
      }

      it.each(filters)('finds through the id index when the filter is $name', async ({ f }) => {
        for (const order of ['asc', 'desc'] as const) {
          const built = buildFindMemories(ORG, query(f(manyIds), order));
          expect(built.drivingIndex).toBe('id');
          expectIdPlan(await planOf(built));
        }
      });

      it.each(filters)('counts through the id index when the filter is $name', async ({ f }) => {
        const built = buildCountMemories(ORG, f(manyIds));
        expect(built.drivingIndex).toBe('id');
        expectIdPlan(await planOf(built));
      });

      it('deletes through the id index, each tag row and dedup key by its primary key', async () => {
        // EXPLAIN without ANALYZE: nothing is deleted.
        const nodes = await planOf(
          buildDeleteMemories(buildMatchingSeqs(ORG, { ids: manyIds, tags: ['prod'] })),
        );
        expectIdPlan(nodes);
        for (const index of ['memories_pkey', 'memory_tags_pkey', 'dedup_keys_pkey']) {
          expect(
            nodes.some((n) => n['Index Name'] === index),
            `${index}: ${describePlan(nodes)}`,
          ).toBe(true);
        }
      });
    });

    describe('buildDeleteMemories', () => {
      it.each(countCases)(
        'selects through the $drivingIndex index and deletes by primary keys, no seq scan, when the filter is $name',
        async ({ f, drivingIndex }) => {
          const nodes = await planOf(buildDeleteMemories(buildMatchingSeqs(ORG, f)));
          expect(
            nodes.some((n) => n['Index Name'] === DRIVING_INDEX_NAME[drivingIndex]),
            describePlan(nodes),
          ).toBe(true);
          expect(
            nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']),
            describePlan(nodes),
          ).toEqual([]);
          // Each tag row is sought by its whole key: a seek without the tag walks every tag row
          // of the org at that time, which made a forget of 2,000 memories take seconds.
          const tagSeeks = nodes.filter((n) => n['Index Name'] === 'memory_tags_pkey');
          expect(tagSeeks.length, describePlan(nodes)).toBeGreaterThan(0);
          for (const seek of tagSeeks) expect(seek['Index Cond']).toMatch(/\btag = /);
        },
      );

      it('gives the keys of deleted holders back with one seek per key, no seq scan or sort', async () => {
        const keys = Array.from({ length: 500 }, (_, i) => `k${i * 4}`);
        const nodes = await planOf({ sql: REPOINT_DEDUP_KEYS_SQL, params: [ORG, keys] });
        expectIndexedPlan(nodes, 'idx_memories_org_dedup_created');
      });
    });

    describe('buildCountMemories', () => {
      it.each(countCases)(
        'counts through the $drivingIndex index with no seq scan when the filter is $name',
        async ({ f, drivingIndex }) => {
          const built = buildCountMemories(ORG, f);
          expect(built.drivingIndex).toBe(drivingIndex);
          expectIndexedPlan(await planOf(built), DRIVING_INDEX_NAME[drivingIndex], {
            ordered: false,
          });
        },
      );

      it('counts a tag and min importance from the tag index alone when no row is needed', async () => {
        const nodes = await planOf(buildCountMemories(ORG, { tags: ['prod'], minImportance: 0.5 }));
        expect(
          nodes.filter((n) => n['Relation Name'] === 'memories'),
          describePlan(nodes),
        ).toEqual([]);
      });

      it('counts a session list with the live condition of every service read by an index-only scan (0014)', async () => {
        const live = { at: Date.now(), retentionMs: 30 * 86_400_000 };
        const f: MemoryFilter = {
          agentId: 'agent_1',
          sessionId: 'sess_1',
          memoryTypes: ['decision'],
          since: BASE_TIME,
          live,
        };
        const nodes = await planOf(buildCountMemories(ORG, f));
        expect(
          nodes.some(
            (n) =>
              n['Node Type'] === 'Index Only Scan' &&
              n['Index Name'] === 'idx_memories_org_session_time',
          ),
          describePlan(nodes),
        ).toBe(true);
      });

      it('counts a tag with the live condition of every service read, and a pin, from the tag rows alone (0014)', async () => {
        const live = { at: Date.now(), retentionMs: 30 * 86_400_000 };
        for (const f of [
          { tags: ['prod'], live },
          { tags: ['prod'], live, pinned: true },
          { tags: ['prod'], live: { at: Date.now(), retentionMs: null }, pinned: false },
        ] as MemoryFilter[]) {
          const nodes = await planOf(buildCountMemories(ORG, f));
          expect(
            nodes.filter((n) => n['Relation Name'] === 'memories'),
            describePlan(nodes),
          ).toEqual([]);
        }
      });
    });

    describe('buildFindByPriority', () => {
      it.each([
        { name: 'every type', f: { sessionId: 'sess_1', memoryTypes: [...ALL_TYPES] } },
        { name: 'two types', f: { sessionId: 'sess_1', memoryTypes: ['decision', 'entity'] } },
      ] as { name: string; f: MemoryFilter }[])(
        'walks the session priority index in order, bounding the length in the index, when given $name',
        async ({ f }) => {
          for (const limit of [250, 1000, null]) {
            const nodes = await planOf(
              buildFindByPriority(ORG, { filter: f, maxContentLength: 120, limit }),
            );
            expectIndexedPlan(nodes, 'idx_memories_org_session_priority');
            const scan = nodes.find((n) => n['Index Name'] === 'idx_memories_org_session_priority');
            expect(String(scan?.['Index Cond']), describePlan(nodes)).toContain('content_chars');
          }
        },
      );

      it('walks the index of pinned memories only when asking for pinned ones (0016)', async () => {
        for (const limit of [64, null]) {
          const nodes = await planOf(
            buildFindByPriority(ORG, {
              filter: { sessionId: 'sess_1', pinned: true },
              maxContentLength: null,
              limit,
            }),
          );
          expectIndexedPlan(nodes, 'idx_memories_org_session_pinned_priority');
        }
      });

      it('reads a session index, never the whole table, when given since and until', async () => {
        // A time window may hold few of the session's memories: the planner may then read them
        // through the (session, time) index and sort those few instead.
        const nodes = await planOf(
          buildFindByPriority(ORG, {
            filter: { sessionId: 'sess_1', since: BASE_TIME - 10 * 24 * HOUR, until: BASE_TIME },
            maxContentLength: 120,
            limit: 250,
          }),
        );
        expect(
          nodes.some((n) =>
            /^idx_memories_org_session_(priority|time)$/.test(n['Index Name'] ?? ''),
          ),
          describePlan(nodes),
        ).toBe(true);
        expect(
          nodes.filter((n) => n['Node Type'] === 'Seq Scan'),
          describePlan(nodes),
        ).toEqual([]);
      });
    });

    describe('buildMemoryStats', () => {
      it('walks the (org, agent, time) index with no seq scan when given two agent ids', async () => {
        expectIndexedPlan(
          await planOf(buildMemoryStats(ORG, ['agent_1', 'agent_x'], BASE_TIME)),
          DRIVING_INDEX_NAME.agent,
          { ordered: false },
        );
      });
    });

    describe('keyword search', () => {
      const search = (text: string, more: MemoryFilter = {}): MemoryFilter => ({
        ...more,
        query: parseSearchQuery(text),
      });
      it.each([
        [
          'by relevance',
          () => buildFindMemories(ORG, { ...query(search(rareWord)), byRelevance: true }),
        ],
        ['newest first', () => buildFindMemories(ORG, query(search(rareWord)))],
        ['counting', () => buildCountMemories(ORG, search(rareWord))],
        [
          'by relevance, with the count',
          () => buildFindMemoriesWithTotal(ORG, { ...query(search(rareWord)), byRelevance: true }),
        ],
        [
          'by prefix and relevance',
          () => buildFindMemories(ORG, { ...query(search(`${rareWord}*`)), byRelevance: true }),
        ],
      ])('finds a rare word through the GIN index on search_vector (%s)', async (_name, built) => {
        const nodes = await planOf(built());
        expect(
          nodes.some((n) => n['Index Name'] === 'idx_memories_search'),
          describePlan(nodes),
        ).toBe(true);
        expect(
          nodes.filter((n) => n['Node Type'] === 'Seq Scan'),
          describePlan(nodes),
        ).toEqual([]);
      });
    });

    describe('PostgresMemoryStore.insert dedup claim', () => {
      it('claims through the dedup_keys primary key with no seq scan', async () => {
        // EXPLAIN without ANALYZE: nothing is written.
        const nodes = await planOf({
          sql: CLAIM_DEDUP_KEYS_SQL,
          params: [[ORG], ['k1'], ['mem_x'], [BASE_TIME], 24 * HOUR],
        });
        expect(nodes[0]?.['Node Type'], describePlan(nodes)).toBe('ModifyTable');
        expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
        expect(
          (
            await pool.query<{ indexname: string }>(
              "SELECT indexname FROM pg_indexes WHERE tablename = 'dedup_keys' AND schemaname = $1",
              [schema],
            )
          ).rows.map((r) => r.indexname),
        ).toEqual(['dedup_keys_pkey']);
      });
    });

    describe('expectIndexedPlan', () => {
      it('fails when the order needs a sort or the table is read in full', async () => {
        const sorted = await planOf({
          sql: 'SELECT id FROM memories WHERE org_id = $1 ORDER BY importance DESC LIMIT 5',
          params: [ORG],
        });
        expect(() => expectIndexedPlan(sorted, DRIVING_INDEX_NAME.org)).toThrow();
        const scanned = await planOf({
          sql: "SELECT id FROM memories WHERE position('x'::bytea IN content) > 0",
          params: [],
        });
        expect(() => expectIndexedPlan(scanned, DRIVING_INDEX_NAME.org)).toThrow();
      });
    });
  },
);
