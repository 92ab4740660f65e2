import { beforeEach, describe, expect, it } from 'vitest';
import { ExpiryPurge, OrgRetention, type LogMeta, type Logger } from '../../domain/index.js';
import { exportOrg, importOrg } from '../../src/cli/org-transfer.js';
import {
  apiAs,
  buildTestApp,
  createKey,
  TEST_START,
  type ApiClient,
  type TestApp,
} from '../support/test-app.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let t: TestApp;
let api: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

/** Records a memory at the clock's current time and returns its JSON. */
async function remember(body: Record<string, unknown>) {
  const res = await api.post('/api/v1/memories', {
    agent_id: 'agent_1',
    session_id: 'sess_1',
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Record<string, unknown> & { memory_id: string };
}

/** The contents every read path returns: what an expired memory must be absent from. */
async function everyRead() {
  const contents = (ms: { content: string }[]) => ms.map((m) => m.content).sort();
  const list = await api.get('/api/v1/memories?limit=1000');
  const search = await api.post('/api/v1/search', {});
  const bySession = await api.get('/api/v1/sessions/sess_1/memories');
  const byAgent = await api.get('/api/v1/agents/agent_1/memories');
  const context = await api.post('/api/v1/sessions/sess_1/context', {});
  const stats = await api.get('/api/v1/agents/agent_1/stats');
  return {
    list: contents(list.body.memories),
    listCount: list.body.count as number,
    search: contents(search.body.results),
    bySession: contents(bySession.body.memories),
    byAgent: contents(byAgent.body.memories),
    context: context.body.context as string,
    statsCount: stats.body.memory_count as number,
  };
}

describe('MemoryRoutes.create with expiry', () => {
  it('answers expires_at and pinned, computed from a ttl', async () => {
    const m = await remember({ content: 'short lived', ttl: '30m' });
    expect(m.expires_at).toBe(new Date(TEST_START + 30 * MINUTE).toISOString());
    expect(m.pinned).toBe(false);
    const kept = await remember({ content: 'kept', pinned: true });
    expect(kept).toMatchObject({ expires_at: null, pinned: true });
    const plain = await remember({ content: 'plain' });
    expect(plain).toMatchObject({ expires_at: null, pinned: false });
    const got = await api.get(`/api/v1/memories/${m.memory_id}`);
    expect(got.body).toMatchObject({ expires_at: m.expires_at, pinned: false });
  });

  it.each([
    [{ ttl: '1h', expires_at: '2027-01-01T00:00:00Z' }, 'ttl must not be given with expires_at'],
    [{ ttl: '1h', pinned: true }, 'pinned must not be given with ttl'],
    [
      { expires_at: '2027-01-01T00:00:00Z', pinned: true },
      'pinned must not be given with expires_at',
    ],
    [{ expires_at: '2026-02-13T10:29:59Z' }, 'expires_at must be in the future'],
    [{ expires_at: new Date(TEST_START).toISOString() }, 'expires_at must be in the future'],
    [{ ttl: '5s' }, 'ttl'],
    [{ ttl: '0m' }, 'ttl'],
    [{ expires_at: 'tomorrow' }, 'expires_at'],
  ])('answers 400 for %j', async (fields, message) => {
    const res = await api.post('/api/v1/memories', { agent_id: 'a', content: 'x', ...fields });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.message).toContain(message);
  });

  it('names the batch item whose expiry is wrong and stores none of the batch', async () => {
    const res = await api.post('/api/v1/memories', {
      memories: [
        { agent_id: 'a', content: 'fine', ttl: '1d' },
        { agent_id: 'a', content: 'wrong', ttl: '1d', pinned: true },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('memories[1].pinned must not be given with ttl');
    expect((await api.get('/api/v1/memories')).body.count).toBe(0);
  });

  it('keeps each batch item its own expiry', async () => {
    const res = await api.post('/api/v1/memories', {
      memories: [
        { agent_id: 'a', content: 'one', ttl: '1w' },
        { agent_id: 'a', content: 'two', expires_at: '2026-02-14T00:00:00Z' },
        { agent_id: 'a', content: 'three', pinned: true },
      ],
    });
    expect(res.status).toBe(201);
    expect(
      (res.body.memories as Record<string, unknown>[]).map((m) => [m.expires_at, m.pinned]),
    ).toEqual([
      [new Date(TEST_START + 7 * 24 * HOUR).toISOString(), false],
      ['2026-02-14T00:00:00.000Z', false],
      [null, true],
    ]);
  });
});

describe('Expired memories on every read path', () => {
  it('returns none of an expired memory from the instant it expires', async () => {
    const gone = await remember({ content: 'expiring fact', ttl: '30m' });
    await remember({ content: 'lasting fact', ttl: '1d' });
    await remember({ content: 'pinned fact', pinned: true });
    const before = await everyRead();
    expect(before.list).toContain('expiring fact');
    expect(before.context).toContain('expiring fact');

    t.clock.advance(30 * MINUTE - 1);
    expect((await api.get(`/api/v1/memories/${gone.memory_id}`)).status).toBe(200);
    t.clock.advance(1);

    expect((await api.get(`/api/v1/memories/${gone.memory_id}`)).status).toBe(404);
    const after = await everyRead();
    const live = ['lasting fact', 'pinned fact'];
    expect(after).toMatchObject({
      list: live,
      listCount: 2,
      search: live,
      bySession: live,
      byAgent: live,
      statsCount: 2,
    });
    expect(after.context).not.toContain('expiring fact');
    expect(after.context).toContain('lasting fact');
  });
});

describe('Dedup and expired memories', () => {
  it('lets an expired memory be recorded again instead of answering 409 with its id', async () => {
    const first = await remember({ content: 'same fact', ttl: '1m' });
    const dup = await api.post('/api/v1/memories', {
      agent_id: 'agent_1',
      session_id: 'sess_1',
      content: 'same fact',
    });
    expect(dup.status).toBe(409);
    t.clock.advance(MINUTE);

    const again = await remember({ content: 'same fact' });
    const batch = await api.post('/api/v1/memories', {
      memories: [
        { agent_id: 'agent_1', content: 'batch fact', ttl: '1m' },
        { agent_id: 'agent_1', content: 'other' },
      ],
    });
    t.clock.advance(MINUTE);
    const batchAgain = await api.post('/api/v1/memories', {
      memories: [
        { agent_id: 'agent_1', content: 'other' },
        { agent_id: 'agent_1', content: 'batch fact' },
        { agent_id: 'agent_1', content: 'batch fact' },
      ],
    });

    expect(again.memory_id).not.toBe(first.memory_id);
    expect((await api.get(`/api/v1/memories/${first.memory_id}`)).status).toBe(404);
    expect(batch.status).toBe(201);
    expect(batchAgain.status).toBe(201);
    expect(batchAgain.body).toMatchObject({ count: 1, duplicates: 2 });
    expect(batchAgain.body.memories[0].content).toBe('batch fact');
    expect(batchAgain.body.duplicate_of).toEqual([
      { index: 0, memory_id: batch.body.memories[1].memory_id },
      { index: 2, memory_id: batchAgain.body.memories[0].memory_id },
    ]);
  });
});

describe('Forget and expired memories', () => {
  it('neither counts nor answers an expired memory', async () => {
    const gone = await remember({ content: 'expired one', ttl: '1m', tags: ['x'] });
    await remember({ content: 'live one', tags: ['x'] });
    t.clock.advance(MINUTE);

    const dry = await api.post('/api/v1/memories/forget', { tags: ['x'], dry_run: true });
    const forgot = await api.post('/api/v1/memories/forget', { tags: ['x'] });
    const deleted = await api.delete(`/api/v1/memories/${gone.memory_id}`);

    expect(dry.body).toEqual({ would_delete: 1, dry_run: true });
    expect(forgot.body).toEqual({ deleted: 1 });
    expect(deleted.status).toBe(404);
  });
});

describe('AdminRoutes.putOrgRetention', () => {
  it('sets an org retention that hides its old memories, except pinned or with their own expiry', async () => {
    await remember({ content: 'old plain' });
    await remember({ content: 'old pinned', pinned: true });
    await remember({ content: 'old with ttl', ttl: '1w' });
    t.clock.advance(2 * HOUR);
    await remember({ content: 'recent plain' });

    const res = await api.put('/api/v1/orgs/org_default/retention', { retention: '1h' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ org_id: 'org_default', retention: '1h' });
    const orgs = await api.get('/api/v1/orgs');
    expect(orgs.body.orgs[0]).toMatchObject({ org_id: 'org_default', retention: '1h' });

    expect((await everyRead()).list).toEqual(['old pinned', 'old with ttl', 'recent plain']);
    t.clock.advance(HOUR);
    expect((await everyRead()).list).toEqual(['old pinned', 'old with ttl']);

    const cleared = await api.put('/api/v1/orgs/org_default/retention', { retention: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.retention).toBeNull();
  });

  it('leaves other orgs alone', async () => {
    const created = await api.post('/api/v1/orgs', { name: 'other' });
    const other = apiAs(t.app, created.body.api_key as string);
    await other.post('/api/v1/memories', { agent_id: 'b', content: 'theirs' });
    await remember({ content: 'ours' });
    await api.put(`/api/v1/orgs/${created.body.org_id}/retention`, { retention: '1m' });
    t.clock.advance(HOUR);
    expect((await everyRead()).list).toEqual(['ours']);
    expect((await other.get('/api/v1/memories')).body.count).toBe(0);
  });

  it('answers 400 for a bad retention, 404 for an unknown org, 403 for a key that is not the operator', async () => {
    const bad = await api.put('/api/v1/orgs/org_default/retention', { retention: '30 days' });
    expect(bad.status).toBe(400);
    const unknown = await api.put('/api/v1/orgs/org_nope/retention', { retention: '1d' });
    expect(unknown.status).toBe(404);
    const writer = apiAs(t.app, await createKey(t, ['read', 'write']));
    expect(
      (await writer.put('/api/v1/orgs/org_default/retention', { retention: '1d' })).status,
    ).toBe(403);
    const created = await api.post('/api/v1/orgs', { name: 'tenant' });
    const tenantAdmin = apiAs(t.app, created.body.api_key as string);
    const res = await tenantAdmin.put(`/api/v1/orgs/${created.body.org_id}/retention`, {
      retention: '1d',
    });
    expect(res.status).toBe(403);
  });
});

describe('ExpiryPurge', () => {
  it('deletes expired memories in batches, logs the count per org, and leaves live ones', async () => {
    for (let i = 0; i < 5; i++) await remember({ content: `expiring ${i}`, ttl: '1m' });
    await remember({ content: 'lasting', ttl: '1d' });
    const logged: LogMeta[] = [];
    const logger: Logger = {
      debug: () => undefined,
      info: (message, meta) => {
        if (message === 'expired memories purged' && meta) logged.push(meta);
      },
      warn: () => undefined,
      error: () => undefined,
    };
    const purge = new ExpiryPurge(
      t.storage.memories,
      t.storage.auth,
      new OrgRetention(t.storage.auth),
      t.clock,
      logger,
      { batchSize: 2, maxBatchesPerRun: 2 },
    );
    t.clock.advance(MINUTE);

    expect(await purge.run()).toBe(4);
    expect(await purge.run()).toBe(1);
    expect(await purge.run()).toBe(0);

    expect(logged).toEqual([
      { org_id: 'org_default', count: 4 },
      { org_id: 'org_default', count: 1 },
    ]);
    const all = await t.storage.memories.find('org_default', {
      filter: {},
      order: 'asc',
      limit: null,
      offset: 0,
    });
    expect(all.map((m) => m.content)).toEqual(['lasting']);
  });
});

describe('exportOrg and importOrg with expiry', () => {
  it('exports only live memories with their expiry, and an import keeps it', async () => {
    const lasting = await remember({ content: 'lasting', ttl: '1d' });
    await remember({ content: 'pinned', pinned: true });
    await remember({ content: 'expiring', ttl: '1m' });
    t.clock.advance(MINUTE);
    const lines: string[] = [];
    await exportOrg(
      t.storage,
      'org_default',
      async (l) => {
        lines.push(l);
      },
      undefined,
      () => t.clock.now(),
    );
    const memories = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.type === 'memory');
    expect(memories.map((m) => [m.content, m.expires_at, m.pinned])).toEqual([
      ['lasting', lasting.expires_at, false],
      ['pinned', null, true],
    ]);

    const created = await api.post('/api/v1/orgs', { name: 'restored' });
    const orgId = created.body.org_id as string;
    async function* source() {
      yield* lines;
    }
    const result = await importOrg(t.storage, orgId, source(), { dedup: null });
    expect(result.imported.memories).toBe(2);
    const restored = apiAs(t.app, created.body.api_key as string);
    // An id taken in the store is given a new one on import: find it by content.
    const listed = async () =>
      ((await restored.get('/api/v1/memories')).body.memories as Record<string, unknown>[]).map(
        (m) => [m.content, m.expires_at, m.pinned],
      );
    expect((await listed()).sort()).toEqual([
      ['lasting', lasting.expires_at, false],
      ['pinned', null, true],
    ]);
    t.clock.advance(24 * HOUR);
    expect(await listed()).toEqual([['pinned', null, true]]);
  });
});
