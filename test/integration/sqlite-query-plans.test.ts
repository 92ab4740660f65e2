import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type MemoryFilter, type MemoryQuery } from '../../domain/index.js';
import { openSqliteDatabase } from '../../adapters/storage/sqlite/sqlite-database.js';
import {
  buildCountMemories,
  buildDeletionTargets,
  buildFindByPriority,
  buildFindMemories,
  DRIVING_INDEX_NAME,
  SESSION_PINNED_PRIORITY_INDEX,
  SESSION_PRIORITY_INDEX,
  type BuiltSql,
  type DrivingIndex,
} from '../../adapters/storage/sqlite/sqlite-memory-query.js';
import { buildMemoryStats } from '../../adapters/storage/sqlite/sqlite-stats-sql.js';
import { migrateSqliteDatabase } from '../../adapters/storage/sqlite/sqlite-migrator.js';
import { aMemory, BASE_TIME } from '../support/builders.js';
import {
  DEDUP_LOOKUP_SQL,
  SqliteMemoryStore,
} from '../../adapters/storage/sqlite/sqlite-memory-store.js';

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

function planOf(db: Database.Database, built: BuiltSql): string[] {
  return db
    .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${built.sql}`)
    .all(...built.params)
    .map((r) => r.detail);
}

/** The plan line a driving index walk produces, e.g. `SEARCH m USING INDEX idx_… (org_id=? …`. */
function drivingIndexLine(drivingIndex: DrivingIndex): RegExp {
  if (drivingIndex === 'id') {
    return new RegExp(`^SEARCH m USING INDEX ${DRIVING_INDEX_NAME.id} \\(id=\\?\\)`);
  }
  return drivingIndex === 'tag'
    ? /^SEARCH t USING (COVERING )?PRIMARY KEY \(org_id=\? AND tag=\?/
    : new RegExp(
        `^SEARCH m USING (COVERING )?INDEX ${DRIVING_INDEX_NAME[drivingIndex]} \\(org_id=\\?`,
      );
}

/** Fails unless the plan walks `index` and neither scans a table nor sorts. */
function expectIndexedPlan(plan: readonly string[], index: RegExp): void {
  expect(
    plan.some((line) => index.test(line)),
    plan.join('\n'),
  ).toBe(true);
  expect(
    plan.filter((line) => /^SCAN /.test(line)),
    plan.join('\n'),
  ).toEqual([]);
  expect(
    plan.filter((line) => line.includes('TEMP B-TREE')),
    plan.join('\n'),
  ).toEqual([]);
}

const findCases: {
  readonly name: string;
  readonly q: MemoryQuery;
  readonly drivingIndex: DrivingIndex;
  readonly timeRange?: boolean;
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
    name: 'agent + session + type + since newest first',
    q: query({
      agentId: 'agent_1',
      sessionId: 'sess_1',
      memoryTypes: ['session'],
      since: BASE_TIME,
    }),
    drivingIndex: 'session',
    timeRange: true,
  },
  {
    name: 'tag + min importance newest first',
    q: query({ tags: ['prod'], minImportance: 0.5 }),
    drivingIndex: 'tag',
  },
  {
    name: 'tag + since + until oldest first',
    q: query({ tags: ['prod'], since: BASE_TIME, until: BASE_TIME + HOUR }, 'asc'),
    drivingIndex: 'tag',
    timeRange: true,
  },
  { name: 'org only newest first', q: query({}), drivingIndex: 'org' },
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
  {
    name: 'org + several types + content + until',
    q: query({ memoryTypes: ['episodic', 'entity'], contentContains: 'x', until: BASE_TIME }),
    drivingIndex: 'org',
    timeRange: true,
  },
  {
    name: 'agent + tags + event types',
    q: query({ agentId: 'agent_1', tags: ['prod'], eventTypes: ['error', 'chose'] }),
    drivingIndex: 'tag',
  },
  {
    name: 'context: session + types + since, oldest first, no limit',
    q: query({ sessionId: 'sess_1', memoryTypes: [...ALL_TYPES], since: BASE_TIME }, 'asc', null),
    drivingIndex: 'session',
    timeRange: true,
  },
  {
    name: 'context: session + types + since, newest first, no limit',
    q: query({ sessionId: 'sess_1', memoryTypes: [...ALL_TYPES], since: BASE_TIME }, 'desc', null),
    drivingIndex: 'session',
    timeRange: true,
  },
];

const countCases: {
  readonly name: string;
  readonly f: MemoryFilter;
  readonly drivingIndex: DrivingIndex;
}[] = [
  { name: 'org only', f: {}, drivingIndex: 'org' },
  { name: 'agent', f: { agentId: 'agent_1' }, drivingIndex: 'agent' },
  {
    name: 'session + types',
    f: { sessionId: 'sess_1', memoryTypes: ['decision'] },
    drivingIndex: 'session',
  },
  { name: 'one tag', f: { tags: ['prod'] }, drivingIndex: 'tag' },
  { name: 'two tags', f: { tags: ['prod', 'eu'] }, drivingIndex: 'tag' },
  { name: 'as many tags as allowed', f: { tags: MANY_TAGS }, drivingIndex: 'tag' },
  { name: 'tag + min importance', f: { tags: ['prod'], minImportance: 0.5 }, drivingIndex: 'tag' },
  {
    name: 'event type + since',
    f: { eventTypes: ['error'], since: BASE_TIME },
    drivingIndex: 'event_type',
  },
];

// Plans are checked on an empty schema and on one whose statistics (ANALYZE) describe skewed
// data, because the planner may change its mind once it knows row counts.
describe.each(['empty', 'analyzed'] as const)(
  'SqliteMemoryStore query plans (%s database)',
  (state) => {
    let db: Database.Database;

    beforeAll(async () => {
      db = openSqliteDatabase({ path: ':memory:' });
      migrateSqliteDatabase(db);
      if (state === 'analyzed') {
        const store = new SqliteMemoryStore(db);
        const memories = Array.from({ length: 3000 }, (_, i) =>
          aMemory({
            agentId: `agent_${i % 3}`,
            sessionId: i % 10 === 0 ? null : `sess_${i % 7}`,
            memoryType: ALL_TYPES[i % 4],
            eventType: i % 50 === 0 ? 'error' : 'general',
            tags: i % 2 ? ['prod', 'eu'] : ['prod'],
            dedupKey: `k${i % 100}`,
            time: BASE_TIME + i * 1000,
          }),
        );
        await store.insert(memories, null);
        db.exec('ANALYZE');
      }
    });
    afterAll(() => db.close());

    describe('buildFindMemories', () => {
      it.each(findCases)(
        'walks the $drivingIndex index in order with no scan or sort when the query is $name',
        ({ q, drivingIndex, timeRange }) => {
          const built = buildFindMemories(ORG, q);
          expect(built.drivingIndex).toBe(drivingIndex);
          const plan = planOf(db, built);
          expectIndexedPlan(plan, drivingIndexLine(drivingIndex));
          if (timeRange)
            expect(
              plan.some((l) => /time[<>]\?/.test(l)),
              plan.join('\n'),
            ).toBe(true);
        },
      );

      it.each([
        ['three', ['prod', 'eu', 'x']],
        ['as many as allowed', MANY_TAGS],
      ])(
        'checks further tags in one primary-key lookup subquery when %s tags are given',
        (_name, tags) => {
          const plan = planOf(db, buildFindMemories(ORG, query({ tags })));
          const lookups = plan.filter((l) =>
            /^SEARCH x .*USING (COVERING )?PRIMARY KEY \(org_id=\? AND tag=\? AND time=\? AND seq=\?\)/.test(
              l,
            ),
          );
          expect(lookups, plan.join('\n')).toHaveLength(1);
        },
      );
    });

    describe('an ids filter', () => {
      /** As many ids as a forget may name. */
      const MANY_IDS = Array.from({ length: 1000 }, (_, i) => `mem_${i}`);
      const idCases: { readonly name: string; readonly f: MemoryFilter }[] = [
        { name: 'ids only', f: { ids: MANY_IDS } },
        {
          name: 'ids + session + tags + agent + since',
          f: {
            ids: MANY_IDS,
            sessionId: 'sess_1',
            tags: ['prod', 'eu'],
            agentId: 'agent_1',
            since: BASE_TIME,
          },
        },
        { name: 'no ids', f: { ids: [] } },
      ];

      /**
       * Fails unless the plan seeks each id in the unique id index (one bound JSON parameter,
       * read by json_each) and scans no table; the matches (at most the ids given) may be sorted.
       */
      function expectIdPlan(plan: readonly string[]): void {
        expect(
          plan.some((line) => drivingIndexLine('id').test(line)),
          plan.join('\n'),
        ).toBe(true);
        expect(
          plan.filter((line) => /^SCAN /.test(line) && !/^SCAN json_each /.test(line)),
          plan.join('\n'),
        ).toEqual([]);
      }

      it.each(idCases)('finds by the primary key when the filter is $name', ({ f }) => {
        for (const order of ['asc', 'desc'] as const) {
          const built = buildFindMemories(ORG, query(f, order));
          expect(built.drivingIndex).toBe('id');
          expect(built.params.length).toBeLessThan(20);
          expectIdPlan(planOf(db, built));
        }
      });

      it.each(idCases)('counts by the primary key when the filter is $name', ({ f }) => {
        const built = buildCountMemories(ORG, f);
        expect(built.drivingIndex).toBe('id');
        expectIdPlan(planOf(db, built));
      });

      it('finds the memories to delete by the primary key', () => {
        expectIdPlan(planOf(db, buildDeletionTargets(ORG, { ids: MANY_IDS, tags: ['prod'] })));
      });
    });

    describe('buildDeletionTargets', () => {
      it.each(countCases)(
        'walks the $drivingIndex index with no scan or sort when the filter is $name',
        ({ f, drivingIndex }) => {
          expectIndexedPlan(
            planOf(db, buildDeletionTargets(ORG, f)),
            drivingIndexLine(drivingIndex),
          );
        },
      );
    });

    describe('buildCountMemories', () => {
      it.each(countCases)(
        'counts through the $drivingIndex index with no scan when the filter is $name',
        ({ f, drivingIndex }) => {
          const built = buildCountMemories(ORG, f);
          expect(built.drivingIndex).toBe(drivingIndex);
          expectIndexedPlan(planOf(db, built), drivingIndexLine(drivingIndex));
        },
      );
    });

    describe('the conditions of a default read (not retired, live) on the index alone', () => {
      // What every service read adds (LiveMemoryStore): live now, with and without a retention.
      const lives = [
        { name: 'no retention', live: { at: BASE_TIME, retentionMs: null } },
        { name: 'a retention', live: { at: BASE_TIME, retentionMs: 30 * 24 * HOUR } },
      ] as const;
      const cases: { name: string; f: MemoryFilter; drivingIndex: DrivingIndex }[] = lives.flatMap(
        ({ name, live }) => [
          ...countCases.map((c) => ({ ...c, name: `${c.name}, ${name}`, f: { ...c.f, live } })),
          {
            name: `one memory type, ${name}`,
            f: { memoryTypes: ['decision'] as const, live },
            drivingIndex: 'memory_type' as const,
          },
          {
            name: `pinned + one tag, ${name}`,
            f: { tags: ['prod'], pinned: true, live },
            drivingIndex: 'tag' as const,
          },
        ],
      );

      it.each(cases)(
        'counts on the $drivingIndex index without reading a memories row when the filter is $name',
        ({ f, drivingIndex }) => {
          const plan = planOf(db, buildCountMemories(ORG, f));
          expectIndexedPlan(plan, drivingIndexLine(drivingIndex));
          if (drivingIndex === 'tag') {
            expect(
              plan.filter((l) => /^SEARCH m /.test(l)),
              plan.join('\n'),
            ).toEqual([]);
          } else {
            expect(
              plan.some((l) => /^SEARCH m USING COVERING INDEX /.test(l)),
              plan.join('\n'),
            ).toBe(true);
          }
        },
      );

      it('computes agent statistics on the (org, agent, time) index alone', () => {
        const live = { at: BASE_TIME, retentionMs: 30 * 24 * HOUR };
        const plan = planOf(db, buildMemoryStats(ORG, ['agent_1', 'agent_x'], BASE_TIME, live));
        expect(
          plan.some((l) =>
            /^SEARCH memories USING COVERING INDEX idx_memories_org_agent_time /.test(l),
          ),
          plan.join('\n'),
        ).toBe(true);
      });
    });

    describe('buildFindByPriority', () => {
      it.each([
        {
          name: 'every type, a length bound',
          f: { sessionId: 'sess_1', memoryTypes: [...ALL_TYPES] },
        },
        { name: 'two types', f: { sessionId: 'sess_1', memoryTypes: ['decision', 'entity'] } },
        {
          name: 'since and until',
          f: { sessionId: 'sess_1', since: BASE_TIME, until: BASE_TIME + HOUR },
        },
      ] as { name: string; f: MemoryFilter }[])(
        'walks the session priority index in order with no scan or sort when given $name',
        ({ f }) => {
          const plan = planOf(
            db,
            buildFindByPriority(ORG, { filter: f, maxContentLength: 120, limit: 250 }),
          );
          expectIndexedPlan(
            plan,
            new RegExp(
              `^SEARCH m USING INDEX ${SESSION_PRIORITY_INDEX} \\(org_id=\\? AND session_id=\\?\\)`,
            ),
          );
        },
      );
    });

    describe('buildFindByPriority of pinned memories', () => {
      it('walks the index of pinned memories only, in order (0016)', () => {
        const plan = planOf(
          db,
          buildFindByPriority(ORG, {
            filter: { sessionId: 'sess_1', pinned: true },
            maxContentLength: null,
            limit: 64,
          }),
        );
        expectIndexedPlan(
          plan,
          new RegExp(
            `^SEARCH m USING INDEX ${SESSION_PINNED_PRIORITY_INDEX} \\(org_id=\\? AND session_id=\\?\\)`,
          ),
        );
      });
    });

    describe('buildMemoryStats', () => {
      it('walks the (org, agent, time) index with no scan or sort when given two agent ids', () => {
        const plan = planOf(db, buildMemoryStats(ORG, ['agent_1', 'agent_x'], BASE_TIME));
        expectIndexedPlan(
          plan,
          /^SEARCH memories USING (COVERING )?INDEX idx_memories_org_agent_time \(org_id=\? AND agent_id=\?\)/,
        );
      });
    });

    describe('SqliteMemoryStore.insert dedup lookup', () => {
      it('seeks (org, dedup_key, created_at) with no scan or sort when looking up a key', () => {
        const plan = planOf(db, { sql: DEDUP_LOOKUP_SQL, params: [ORG, 'k1', BASE_TIME] });
        expectIndexedPlan(
          plan,
          /^SEARCH memories USING INDEX idx_memories_org_dedup_created \(org_id=\? AND dedup_key=\? AND created_at>\?\)/,
        );
      });
    });

    describe('expectIndexedPlan', () => {
      it('fails when the order needs a sort or the table is scanned', () => {
        const sorted = planOf(db, {
          sql: 'SELECT id FROM memories WHERE org_id = ? ORDER BY importance DESC',
          params: [ORG],
        });
        expect(() => expectIndexedPlan(sorted, drivingIndexLine('org'))).toThrow();
        const scanned = planOf(db, {
          sql: 'SELECT id FROM memories WHERE content = ?',
          params: ['x'],
        });
        expect(() => expectIndexedPlan(scanned, drivingIndexLine('org'))).toThrow();
      });
    });
  },
);
