import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStorage } from '../../adapters/storage/postgres/index.js';
import { createSqliteStorage } from '../../adapters/storage/sqlite/index.js';
import { toAgentListResponse, toAgentStatsResponse } from '../../adapters/wire/agent.response.js';
import { toMemoryListResponse } from '../../adapters/wire/memory.response.js';
import { toContextResponse, toSessionListResponse } from '../../adapters/wire/session.response.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import { DEFAULT_ORG_ID } from '../../domain/index.js';
import { renumberedId } from '../../src/cli/import-target.js';
import { exportOrg, importOrg } from '../../src/cli/org-transfer.js';
import { createMemtrace } from '../../src/core.js';
import {
  createSchema,
  dropSchema,
  POSTGRES_SKIP_REASON,
  randomSchemaName,
  TEST_POSTGRES_URL,
} from '../support/postgres-harness.js';
import { FixedClock } from '../support/fixed-clock.js';
import { TEST_START } from '../support/test-app.js';
import { nodeEntry } from '../support/entry.js';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-transfer-'));
const BOOTSTRAP = `mtk_${'T'.repeat(43)}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `memtrace <args>` from source on the SQLite file `db`. */
async function memtrace(db: string, extraEnv: Record<string, string>, ...args: string[]) {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    MEMTRACE_STORAGE_SQLITE_PATH: db,
    MEMTRACE_AUTH_BOOTSTRAP_KEY: BOOTSTRAP,
    MEMTRACE_LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  try {
    const r = await exec(process.execPath, [...nodeEntry('src/cli/main.ts'), ...args], {
      env,
      cwd: ROOT,
    });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

function servicesOn(storage: StorageBundle, clock = new FixedClock(TEST_START)) {
  return { ...createMemtrace({ storage, clock }), clock };
}

/** An org with registered agents, open and closed sessions, and varied memories. */
async function seed(storage: StorageBundle): Promise<string> {
  const s = servicesOn(storage);
  await s.auth.bootstrap(BOOTSTRAP);
  await s.agents.register(DEFAULT_ORG_ID, {
    name: 'crawler',
    description: 'Crawls',
    config: { depth: 3 },
  });
  s.clock.advance(1000);
  await s.agents.register(DEFAULT_ORG_ID, { name: 'planner', description: null, config: null });
  const open = await s.sessions.create(DEFAULT_ORG_ID, { agentId: 'crawler', metadata: { a: 1 } });
  // Two sessions created in the same millisecond: their order must survive too.
  const closed = await s.sessions.create(DEFAULT_ORG_ID, { agentId: 'planner', metadata: null });
  await s.sessions.update(DEFAULT_ORG_ID, closed.id, {
    status: 'closed',
    metadata: { done: true },
  });
  const first = await s.memories.create(DEFAULT_ORG_ID, {
    agentId: 'crawler',
    sessionId: open.id,
    content: 'Crawled https://example.com — found 3 product pages ✓',
    tags: ['crawling', 'products'],
    metadata: { url: 'https://example.com', nested: { n: [1, 2] } },
    importance: 0.7,
    eventType: 'page_crawled',
    // An event time apart from created_at: the export and import must keep both.
    time: '2025-12-24T08:00:00.125Z',
  });
  for (let i = 0; i < 25; i++) {
    s.clock.advance(60_000);
    const types = ['episodic', 'decision', 'entity', 'session'] as const;
    // A batch: several memories in one millisecond.
    await s.memories.createMany(DEFAULT_ORG_ID, [
      {
        agentId: i % 2 ? 'crawler' : 'planner',
        sessionId: i % 3 ? open.id : closed.id,
        memoryType: types[i % 4],
        eventType: i % 5 === 0 ? 'error' : 'general',
        content: `memory ${i}\nsecond line`,
        tags: i % 2 ? ['odd'] : [],
        importance: (i % 10) / 10,
        parentId: first.id,
      },
      { agentId: 'worker-x', content: `unregistered agent ${i}`, dedupKey: `k-${i}` },
    ]);
  }
  return open.id;
}

/** What the API would answer for the org's lists, stats and context. */
async function snapshot(storage: StorageBundle, sessionId: string) {
  const s = servicesOn(storage, new FixedClock(Date.UTC(2026, 1, 14)));
  return {
    desc: toMemoryListResponse(await s.memories.list(DEFAULT_ORG_ID, { limit: 1000 })),
    asc: toMemoryListResponse(await s.memories.list(DEFAULT_ORG_ID, { limit: 1000, order: 'asc' })),
    tagged: toMemoryListResponse(
      await s.memories.search(DEFAULT_ORG_ID, { tags: ['odd'], minImportance: 0.3 }),
    ),
    sessions: toSessionListResponse(await s.sessions.list(DEFAULT_ORG_ID, {})),
    agents: toAgentListResponse(await s.agents.list(DEFAULT_ORG_ID, {})),
    stats: toAgentStatsResponse(await s.agents.stats(DEFAULT_ORG_ID, 'crawler')),
    context: toContextResponse(await s.context.forSession(DEFAULT_ORG_ID, sessionId, {})),
  };
}

/** A memory record of an export, valid unless `fields` break a rule. */
function memoryLine(id: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'memory',
    memory_id: id,
    time: '2026-02-13T10:30:00.000Z',
    org_id: 'org_elsewhere',
    agent_id: 'agent_1',
    session_id: null,
    content: `content of ${id}`,
    memory_type: 'episodic',
    event_type: 'general',
    metadata: {},
    tags: [],
    importance: 0.5,
    dedup_key: null,
    parent_id: null,
    ...fields,
  });
}

const HEADER = JSON.stringify({
  type: 'header',
  format: 'memtrace-export',
  version: 1,
  org_id: 'org_elsewhere',
  exported_at: '2026-02-13T11:00:00.000Z',
  counts: { agents: 1, sessions: 1, memories: 14 },
});

/**
 * A hand-made export: line 1 the header, valid records on lines 2, 3 and 17, and on every other
 * line a record the API would refuse, with the start of the message that names why.
 */
const HAND_MADE: readonly (readonly [string, string | null])[] = [
  [HEADER, null],
  [memoryLine('mem_ok_first'), null],
  [
    JSON.stringify({
      type: 'session',
      session_id: 'sess_ok',
      agent_id: 'agent_1',
      status: 'active',
      metadata: {},
      created_at: '2026-02-13T10:00:00.000Z',
      updated_at: '2026-02-13T10:00:00.000Z',
      closed_at: null,
    }),
    null,
  ],
  [memoryLine('mem_bad_1', { importance: 5 }), 'importance must be a number between 0 and 1'],
  [memoryLine('mem_bad_2', { importance: -3 }), 'importance must be a number between 0 and 1'],
  [memoryLine('mem_bad_3', { content: '' }), 'content must not be empty'],
  [memoryLine('mem_bad_4', { content: 'a\u0000b' }), 'content must not contain NUL'],
  [memoryLine('mem_bad_5', { agent_id: '../../etc/passwd' }), 'agent_id must start with a letter'],
  [memoryLine('../../x'), 'memory_id must start with a letter'],
  [memoryLine('mem_bad_7', { event_type: 'not valid!' }), 'event_type must start with a letter'],
  [memoryLine('mem_bad_8', { session_id: 'has spaces' }), 'session_id must start with a letter'],
  [
    memoryLine('mem_bad_9', { tags: ['a,b'] }),
    "tags[0] must be 1 to 64 letters, digits, '_', '.' or '-'",
  ],
  [
    memoryLine('mem_bad_10', { time: '+275760-09-13T00:00:00.000Z' }),
    'time must be an RFC 3339 timestamp',
  ],
  [
    memoryLine('mem_bad_11').replace('"metadata":{}', '"metadata":{"__proto__":{"x":1}}'),
    'metadata must not have a __proto__ key',
  ],
  [
    memoryLine('mem_bad_12').replace(
      '"metadata":{}',
      '"metadata":{"discord_id":1234567890123456789}',
    ),
    'metadata.discord_id must not contain integers beyond',
  ],
  ['{not json', 'not JSON'],
  [
    JSON.stringify({
      type: 'agent',
      agent_id: `agent_${'a'.repeat(24)}`,
      name: '../x',
      description: null,
      config: {},
      created_at: '2026-02-13T10:00:00.000Z',
    }),
    'name must start with a letter',
  ],
  [memoryLine('mem_ok_last', { session_id: 'sess_ok' }), null],
];

const handMadeText = () => HAND_MADE.map(([line]) => line).join('\n') + '\n';

/** What an org holds, every id included. */
async function everything(storage: StorageBundle, orgId: string) {
  const s = servicesOn(storage);
  return {
    memories: (await s.memories.list(orgId, { limit: 1000, order: 'asc' })).memories,
    sessions: (await s.sessions.list(orgId, {})).sessions,
    agents: (await s.agents.list(orgId, {})).agents,
  };
}

describe('memtrace export and import', () => {
  it('gives identical list results when an SQLite export is imported into another SQLite store', async () => {
    const source = path.join(dir, 'source.db');
    const target = path.join(dir, 'target.db');
    const file = path.join(dir, 'org.ndjson');
    const store = await createSqliteStorage({ path: source });
    const sessionId = await seed(store);
    const expected = await snapshot(store, sessionId);
    await store.close();

    const exported = await memtrace(source, {}, 'export', '--output', file);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain(
      'exported 2 agents, 2 sessions and 51 memories of org_default',
    );
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1 + 2 + 2 + 51);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ type: 'header', version: 1 });

    const imported = await memtrace(target, {}, 'import', file);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(
      'imported 2 agents, 2 sessions and 51 memories into org_default; skipped 0 already present',
    );
    const again = await memtrace(target, {}, 'import', file);
    expect(again.stdout).toContain(
      'imported 0 agents, 0 sessions and 0 memories into org_default; skipped 55 already present',
    );

    const copy = await createSqliteStorage({ path: target });
    expect(await snapshot(copy, sessionId)).toEqual(expected);
    await copy.close();
  }, 120_000);

  it('exits 1 naming the line when the input is not an export', async () => {
    const bad = path.join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"type":"memory"}\n');
    const r = await memtrace(path.join(dir, 'bad.db'), {}, 'import', bad);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'memtrace: line 1: not a memtrace export (the first line must be its header)',
    );
  }, 60_000);

  it('imports the valid records, names each refused one with its line, stores none of them and exits 1', async () => {
    // Arrange
    const file = path.join(dir, 'hand-made.ndjson');
    writeFileSync(file, handMadeText());
    const db = path.join(dir, 'hand-made.db');

    // Act
    const r = await memtrace(db, {}, 'import', file);

    // Assert
    expect(r.code).toBe(1);
    HAND_MADE.forEach(([, why], i) => {
      if (why !== null) expect(r.stderr).toContain(`memtrace: line ${i + 1}: ${why}`);
    });
    expect(r.stderr).toContain('memtrace: refused 14 of the records');
    const store = await createSqliteStorage({ path: db });
    const held = await everything(store, DEFAULT_ORG_ID);
    await store.close();
    expect(held.memories.map((m) => m.id)).toEqual(['mem_ok_first', 'mem_ok_last']);
    expect(held.sessions.map((x) => x.id)).toEqual(['sess_ok']);
    expect(held.agents).toEqual([]);
  }, 60_000);

  it('stops at the first refused record and exits 1 naming its line when --strict is given', async () => {
    // Arrange
    const file = path.join(dir, 'hand-made-strict.ndjson');
    writeFileSync(file, handMadeText());
    const db = path.join(dir, 'hand-made-strict.db');

    // Act
    const r = await memtrace(db, {}, 'import', file, '--strict');

    // Assert
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'memtrace: line 4: importance must be a number between 0 and 1 (--strict: stopped here; the records before it were imported)',
    );
    const store = await createSqliteStorage({ path: db });
    const held = await everything(store, DEFAULT_ORG_ID);
    await store.close();
    expect(held.memories.map((m) => m.id)).toEqual(['mem_ok_first']);
    expect(held.sessions.map((x) => x.id)).toEqual(['sess_ok']);
  }, 60_000);

  it('copies an org into another org of the same store under new ids with its links, and skips it all when imported again', async () => {
    // Arrange
    const db = path.join(dir, 'two-orgs.db');
    const file = path.join(dir, 'org-a.ndjson');
    const store = await createSqliteStorage({ path: db });
    await seed(store);
    const orgB = (await servicesOn(store).auth.createOrg('team-b')).org.id;
    const before = await everything(store, DEFAULT_ORG_ID);
    await store.close();
    expect((await memtrace(db, {}, 'export', '--output', file)).code).toBe(0);

    // Act
    const first = await memtrace(db, {}, 'import', file, '--org', orgB);
    const again = await memtrace(db, {}, 'import', file, '--org', orgB);

    // Assert
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`imported 2 agents, 2 sessions and 51 memories into ${orgB}`);
    expect(first.stderr).toContain('memtrace: 53 of them got a new id');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`imported 0 agents, 0 sessions and 0 memories into ${orgB}`);
    const copy = await createSqliteStorage({ path: db });
    await expectRenumberedCopy(copy, orgB, before);
    await copy.close();
  }, 120_000);
});

/**
 * `orgB` holds what `before` held in the default org, under renumbered ids with links kept. A
 * session id is unique within its org only, so sessions keep theirs.
 */
async function expectRenumberedCopy(
  storage: StorageBundle,
  orgB: string,
  before: Awaited<ReturnType<typeof everything>>,
) {
  const after = await everything(storage, orgB);
  const mem = (id: string | null) => (id === null ? null : renumberedId('memory', orgB, id));
  expect(after.memories).toEqual(
    before.memories.map((m) => ({ ...m, orgId: orgB, id: mem(m.id), parentId: mem(m.parentId) })),
  );
  expect(
    after.memories.every((m, i) => m.id.slice(0, 16) === before.memories[i]?.id.slice(0, 16)),
  ).toBe(true);
  expect(after.sessions).toEqual(before.sessions.map((x) => ({ ...x, orgId: orgB })));
  expect(after.agents).toEqual(
    before.agents.map((a) => ({ ...a, orgId: orgB, id: renumberedId('agent', orgB, a.id) })),
  );
  expect(await everything(storage, DEFAULT_ORG_ID)).toEqual(before);
  const s = servicesOn(storage);
  for (const x of before.sessions) {
    const original = await s.context.forSession(DEFAULT_ORG_ID, x.id, {});
    const copied = await s.context.forSession(orgB, x.id, {});
    expect(copied.context).toBe(original.context);
  }
}

/** An export's lines: its header, then one line per record. */
async function* exportLines(...records: readonly object[]): AsyncIterable<string> {
  yield JSON.stringify({ type: 'header', format: 'memtrace-export', version: 1 });
  for (const r of records) yield JSON.stringify(r);
}

describe('importOrg', () => {
  it('keeps created_at, and takes time for it from an export made before it existed', async () => {
    const storage = await createSqliteStorage({ path: ':memory:' });
    try {
      await servicesOn(storage).auth.bootstrap(BOOTSTRAP);
      const record = (id: string, extra: Record<string, unknown>) => ({
        type: 'memory',
        memory_id: `mem_${id.repeat(24)}`,
        time: '2020-05-01T00:00:00.000Z',
        agent_id: 'planner',
        session_id: null,
        content: `memory ${id}`,
        memory_type: 'episodic',
        event_type: 'general',
        metadata: {},
        tags: [],
        importance: 0,
        dedup_key: null,
        parent_id: null,
        ...extra,
      });
      const lines = exportLines(
        record('1', { created_at: '2026-02-13T10:30:00.000Z' }),
        record('2', {}),
      );

      await importOrg(storage, DEFAULT_ORG_ID, lines, { dedup: null });

      const found = await storage.memories.find(DEFAULT_ORG_ID, {
        filter: {},
        order: 'asc',
        limit: null,
        offset: 0,
      });
      expect(found.map((m) => [m.content, m.time, m.createdAt])).toEqual([
        ['memory 1', Date.parse('2020-05-01'), Date.parse('2026-02-13T10:30:00Z')],
        ['memory 2', Date.parse('2020-05-01'), Date.parse('2020-05-01')],
      ]);
    } finally {
      await storage.close();
    }
  });

  it('keeps a chain of corrections through an export and an import: retired versions stay retired', async () => {
    const source = await createSqliteStorage({ path: ':memory:' });
    const target = await createSqliteStorage({ path: ':memory:' });
    try {
      const s = servicesOn(source);
      await s.auth.bootstrap(BOOTSTRAP);
      await servicesOn(target).auth.bootstrap(BOOTSTRAP);
      const v1 = await s.memories.create(DEFAULT_ORG_ID, { agentId: 'a', content: 'v1' });
      s.clock.advance(1000);
      const v2 = await s.memories.create(DEFAULT_ORG_ID, {
        agentId: 'a',
        content: 'v2',
        supersedes: v1.id,
      });
      const lines: string[] = [];
      await exportOrg(source, DEFAULT_ORG_ID, async (line) => {
        lines.push(line);
      });

      await importOrg(
        target,
        DEFAULT_ORG_ID,
        exportLines(...lines.map((l) => JSON.parse(l) as object).slice(1)),
        {
          dedup: null,
        },
      );

      const t = servicesOn(target);
      const chain = await t.memories.history(DEFAULT_ORG_ID, v2.id);
      expect(chain).toEqual(await s.memories.history(DEFAULT_ORG_ID, v1.id));
      const listed = await t.memories.list(DEFAULT_ORG_ID, {});
      expect(listed.memories.map((m) => m.content)).toEqual(['v2']);
    } finally {
      await source.close();
      await target.close();
    }
  });

  it('creates the session a memory names when the export has no record of it', async () => {
    const storage = await createSqliteStorage({ path: ':memory:' });
    try {
      await servicesOn(storage).auth.bootstrap(BOOTSTRAP);
      const lines = exportLines({
        type: 'memory',
        memory_id: `mem_${'0'.repeat(24)}`,
        time: '2026-02-13T10:30:00.000Z',
        agent_id: 'planner',
        session_id: 'chat-9',
        content: 'named a session',
        memory_type: 'episodic',
        event_type: 'general',
        metadata: {},
        tags: [],
        importance: 0,
        dedup_key: null,
        parent_id: null,
      });

      await importOrg(storage, DEFAULT_ORG_ID, lines, { dedup: null });

      expect(await storage.sessions.findById(DEFAULT_ORG_ID, 'chat-9')).toMatchObject({
        agentId: 'planner',
        status: 'active',
        createdAt: Date.parse('2026-02-13T10:30:00.000Z'),
      });
    } finally {
      await storage.close();
    }
  });

  it.each([
    [
      'a name in the form of an agent id',
      { agent_id: `agent_${'1'.repeat(24)}`, name: `agent_${'2'.repeat(24)}` },
    ],
    ['an id not in the form of an agent id', { agent_id: 'planner', name: 'worker' }],
  ])('refuses an agent record with %s, naming its line', async (_what, ids) => {
    const storage = await createSqliteStorage({ path: ':memory:' });
    try {
      await servicesOn(storage).auth.bootstrap(BOOTSTRAP);
      const lines = exportLines({
        type: 'agent',
        ...ids,
        description: null,
        config: {},
        created_at: '2026-02-13T10:30:00.000Z',
      });

      const refusals: [number, string][] = [];
      const imported = await importOrg(storage, DEFAULT_ORG_ID, lines, {
        dedup: null,
        onReject: (line, message) => refusals.push([line, message]),
      });

      expect(imported.rejected).toBe(1);
      expect(refusals).toEqual([[2, expect.stringMatching(/^(name|agent_id) must /)]]);
      expect((await storage.agents.list(DEFAULT_ORG_ID, { limit: 10, offset: 0 })).total).toBe(0);
    } finally {
      await storage.close();
    }
  });

  it.skipIf(TEST_POSTGRES_URL === undefined)(
    `gives identical list results when an SQLite export is imported into PostgreSQL${TEST_POSTGRES_URL === undefined ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
    async () => {
      const source = await createSqliteStorage({ path: ':memory:' });
      const sessionId = await seed(source);
      const lines: string[] = [];
      await exportOrg(source, DEFAULT_ORG_ID, async (l) => {
        lines.push(l.trimEnd());
      });
      const expected = await snapshot(source, sessionId);
      await source.close();

      const schema = randomSchemaName('transfer');
      await createSchema(schema);
      const pg = await createPostgresStorage({ url: TEST_POSTGRES_URL!, schema, poolSize: 2 });
      try {
        await servicesOn(pg).auth.bootstrap(BOOTSTRAP);
        const toLines = async function* () {
          yield* lines;
        };
        const dedup = { windowMs: 24 * 3_600_000 };
        const first = await importOrg(pg, DEFAULT_ORG_ID, toLines(), { dedup, batchSize: 7 });
        expect(first.imported).toEqual({ agents: 2, sessions: 2, memories: 51 });
        const second = await importOrg(pg, DEFAULT_ORG_ID, toLines(), { dedup });
        expect(second.imported).toEqual({ agents: 0, sessions: 0, memories: 0 });
        expect(await snapshot(pg, sessionId)).toEqual(expected);
      } finally {
        await pg.close();
        await dropSchema(schema);
      }
    },
    60_000,
  );

  it.skipIf(TEST_POSTGRES_URL === undefined)(
    `refuses each record the rules refuse, naming its line, and copies an org into another org on PostgreSQL${TEST_POSTGRES_URL === undefined ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
    async () => {
      const schema = randomSchemaName('transfer');
      await createSchema(schema);
      const pg = await createPostgresStorage({ url: TEST_POSTGRES_URL!, schema, poolSize: 2 });
      try {
        // Arrange
        await seed(pg);
        const orgB = (await servicesOn(pg).auth.createOrg('team-b')).org.id;
        const orgC = (await servicesOn(pg).auth.createOrg('team-c')).org.id;
        const before = await everything(pg, DEFAULT_ORG_ID);
        const lines: string[] = [];
        await exportOrg(pg, DEFAULT_ORG_ID, async (l) => {
          lines.push(l.trimEnd());
        });
        const from = (items: readonly string[]) =>
          (async function* () {
            yield* items;
          })();
        const dedup = { windowMs: 24 * 3_600_000 };
        const refused: [number, string][] = [];

        // Act
        const first = await importOrg(pg, orgB, from(lines), { dedup, batchSize: 7 });
        const again = await importOrg(pg, orgB, from(lines), { dedup, batchSize: 7 });
        const handMade = await importOrg(pg, orgC, from(handMadeText().split('\n')), {
          dedup,
          onReject: (line, message) => refused.push([line, message]),
        });

        // Assert
        expect(first).toMatchObject({
          imported: { agents: 2, sessions: 2, memories: 51 },
          rejected: 0,
          renumbered: 53,
        });
        expect(again).toMatchObject({
          imported: { agents: 0, sessions: 0, memories: 0 },
          skipped: { agents: 2, sessions: 2, memories: 51 },
        });
        await expectRenumberedCopy(pg, orgB, before);
        expect(handMade.rejected).toBe(14);
        expect(refused.map(([line]) => line)).toEqual(
          HAND_MADE.flatMap(([, why], i) => (why === null ? [] : [i + 1])),
        );
        refused.forEach(([line, message]) => expect(message).toContain(HAND_MADE[line - 1]?.[1]));
        const held = await everything(pg, orgC);
        expect(held.memories.map((m) => m.id)).toEqual(['mem_ok_first', 'mem_ok_last']);
        expect(held.sessions.map((x) => x.id)).toEqual(['sess_ok']);
      } finally {
        await pg.close();
        await dropSchema(schema);
      }
    },
    60_000,
  );
});

describe('memtrace doctor', () => {
  it('reports each check and exits 0 when the config and store are sound', async () => {
    const r = await memtrace(path.join(dir, 'doctor.db'), {}, 'doctor');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ config: .*driver sqlite/m);
    expect(r.stdout).toMatch(/^✓ storage: opened the sqlite store$/m);
    expect(r.stdout).toMatch(/^✓ ping: the store answers$/m);
  }, 60_000);

  it('exits 1 with the reason when the configuration is invalid', async () => {
    const r = await memtrace(
      path.join(dir, 'doctor.db'),
      { MEMTRACE_STORAGE_DRIVER: 'bogus' },
      'doctor',
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ config: MEMTRACE_STORAGE_DRIVER must be /m);
  }, 60_000);
});
