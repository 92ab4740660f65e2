import { beforeEach, describe, expect, it } from 'vitest';
import { apiAs, buildTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

let t: TestApp;
let api: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

type MemoryJson = Record<string, unknown> & { memory_id: string; content: string };

/** Records a memory and returns its JSON. */
async function remember(body: Record<string, unknown>, client: ApiClient = api) {
  const res = await client.post('/api/v1/memories', { agent_id: 'agent_1', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as MemoryJson;
}

const contents = (list: unknown) => (list as MemoryJson[]).map((m) => m.content);

describe('MemoryRoutes.update (PATCH /api/v1/memories/:id)', () => {
  it('answers 200 with the memory after the change: importance and tags replaced, metadata merged', async () => {
    // Arrange
    const m = await remember({
      content: 'the sky is green',
      importance: 0.2,
      tags: ['a'],
      metadata: { keep: 1, drop: 2 },
    });

    // Act
    const res = await api.patch(`/api/v1/memories/${m.memory_id}`, {
      importance: 0.9,
      tags: ['b', 'c', 'b'],
      metadata: { drop: null, added: { x: true } },
    });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...m,
      importance: 0.9,
      tags: ['b', 'c'],
      metadata: { keep: 1, added: { x: true } },
    });
    expect((await api.get(`/api/v1/memories/${m.memory_id}`)).body).toEqual(res.body);
    const byTag = await api.get('/api/v1/memories?tags=c');
    expect(contents(byTag.body.memories)).toEqual(['the sky is green']);
    expect((await api.get('/api/v1/memories?tags=a')).body.count).toBe(0);
  });

  it.each(['content', 'agent_id', 'memory_type', 'event_type', 'session_id'])(
    'refuses to change %s with a 400 that says a correction is a new memory with supersedes',
    async (field) => {
      // Arrange
      const m = await remember({ content: 'immutable' });

      // Act
      const res = await api.patch(`/api/v1/memories/${m.memory_id}`, { [field]: 'decision' });

      // Assert
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.message).toContain(field);
      expect(res.body.message).toContain('supersedes');
      expect((await api.get(`/api/v1/memories/${m.memory_id}`)).body).toEqual(m);
    },
  );

  it('answers 400 for a bad value, an unknown field or an empty patch, changing nothing', async () => {
    // Arrange
    const m = await remember({ content: 'x' });
    const path = `/api/v1/memories/${m.memory_id}`;

    // Act
    const answers = await Promise.all(
      [{ importance: 2 }, { tags: ['no spaces'] }, { metadata: [1] }, { color: 'red' }, {}].map(
        (body) => api.patch(path, body),
      ),
    );

    // Assert
    expect(answers.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
    expect(answers[0]?.body.message).toMatch(/^importance/);
    expect((await api.get(path)).body).toEqual(m);
  });

  it('answers 404 for an unknown memory and for one of another org', async () => {
    // Arrange
    const m = await remember({ content: 'mine' });
    const org = await api.post('/api/v1/orgs', { name: 'other org' });
    const other = apiAs(t.app, org.body.api_key);

    // Act
    const foreign = await other.patch(`/api/v1/memories/${m.memory_id}`, { importance: 1 });
    const unknown = await api.patch('/api/v1/memories/mem_000000000000000000000000', {
      importance: 1,
    });

    // Assert
    expect([foreign.status, unknown.status]).toEqual([404, 404]);
    expect(foreign.body.message).toBe(unknown.body.message);
    expect((await api.get(`/api/v1/memories/${m.memory_id}`)).body.importance).toBe(0);
  });

  it('keeps every key of concurrent metadata patches', async () => {
    // Arrange
    const m = await remember({ content: 'busy' });

    // Act
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api.patch(`/api/v1/memories/${m.memory_id}`, { metadata: { [`k${i}`]: i } }),
      ),
    );

    // Assert
    expect(answers.every((r) => r.status === 200)).toBe(true);
    const after = await api.get(`/api/v1/memories/${m.memory_id}`);
    expect(Object.keys(after.body.metadata as object).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `k${i}`).sort(),
    );
  });
});

describe('MemoryRoutes.update of pinned and expires_at', () => {
  const HOUR = 3_600_000;
  const iso = (ms: number) => new Date(ms).toISOString();

  it('pins a memory so it outlives the ttl and the retention that would have expired it', async () => {
    // Arrange
    const m = await remember({ content: 'keep me', ttl: '1h' });
    await remember({ content: 'let me go', ttl: '1h' });
    await api.put('/api/v1/orgs/org_default/retention', { retention: '2h' });

    // Act
    const res = await api.patch(`/api/v1/memories/${m.memory_id}`, { pinned: true });
    t.clock.advance(3 * HOUR);

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...m, pinned: true, expires_at: null });
    expect((await api.get(`/api/v1/memories/${m.memory_id}`)).body).toEqual(res.body);
    expect(contents((await api.get('/api/v1/memories')).body.memories)).toEqual(['keep me']);
  });

  it('sets an expiry in the near future that hides the memory once the clock passes it', async () => {
    // Arrange
    const m = await remember({ content: 'short lived', pinned: true });
    const path = `/api/v1/memories/${m.memory_id}`;
    const at = iso(t.clock.now() + HOUR);

    // Act
    const refused = await api.patch(path, { expires_at: at });
    const res = await api.patch(path, { pinned: false, expires_at: at });

    // Assert
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^pinned must not be given with expires_at/);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ pinned: false, expires_at: at });
    t.clock.advance(HOUR - 1);
    expect((await api.get(path)).status).toBe(200);
    t.clock.advance(1);
    expect((await api.get(path)).status).toBe(404);
    expect((await api.get('/api/v1/memories')).body.count).toBe(0);
    expect((await api.patch(path, { pinned: true })).status).toBe(404);
  });

  it('removes the own expiry with null, so the org retention applies again', async () => {
    // Arrange
    const m = await remember({ content: 'retained', ttl: '1w' });
    const path = `/api/v1/memories/${m.memory_id}`;
    await api.put('/api/v1/orgs/org_default/retention', { retention: '1d' });
    t.clock.advance(2 * 24 * HOUR);
    expect((await api.get(path)).status).toBe(200);

    // Act
    const res = await api.patch(path, { expires_at: null });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ expires_at: null, pinned: false });
    expect((await api.get(path)).status).toBe(404);
  });

  it('answers 400 for an expiry in the past or now, a bad time, or pinned with an expiry, changing nothing', async () => {
    // Arrange
    const m = await remember({ content: 'x', ttl: '1h' });
    const path = `/api/v1/memories/${m.memory_id}`;
    const now = t.clock.now();

    // Act
    const answers = await Promise.all(
      [
        { expires_at: iso(now - 1) },
        { expires_at: iso(now) },
        { expires_at: 'tomorrow' },
        { expires_at: 5 },
        { pinned: 'yes' },
        { pinned: true, expires_at: iso(now + HOUR) },
      ].map((body) => api.patch(path, body)),
    );

    // Assert
    expect(answers.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(answers[0]?.body).toMatchObject({
      error: 'invalid_request',
      message: 'expires_at must be in the future',
    });
    expect(answers[5]?.body.message).toMatch(/^pinned must not be given with expires_at/);
    expect((await api.get(path)).body).toEqual(m);
  });
});

describe('MemoryRoutes.create with supersedes', () => {
  it('retires the old memory from list, search and context unless include_superseded', async () => {
    // Arrange
    const old = await remember({ session_id: 'sess_c', content: 'the capital is Sydney' });
    await remember({ session_id: 'sess_c', content: 'unrelated' });

    // Act
    const fix = await remember({
      session_id: 'sess_c',
      content: 'the capital is Canberra',
      supersedes: old.memory_id,
    });

    // Assert
    expect(fix.supersedes).toBe(old.memory_id);
    expect(fix.superseded_by).toBeNull();
    const list = await api.get('/api/v1/memories?order=asc');
    expect(contents(list.body.memories)).toEqual(['unrelated', 'the capital is Canberra']);
    expect(list.body.count).toBe(2);
    const all = await api.get('/api/v1/memories?order=asc&include_superseded=true');
    expect(all.body.count).toBe(3);
    const search = await api.post('/api/v1/search', { content_contains: 'capital' });
    expect(contents(search.body.results)).toEqual(['the capital is Canberra']);
    const searchAll = await api.post('/api/v1/search', {
      content_contains: 'capital',
      include_superseded: true,
    });
    expect(searchAll.body.count).toBe(2);
    const context = await api.post('/api/v1/sessions/sess_c/context', {});
    expect(context.body.context).not.toContain('Sydney');
    expect(context.body.context).toContain('Canberra');
    const contextAll = await api.post('/api/v1/sessions/sess_c/context', {
      include_superseded: true,
    });
    expect(contextAll.body.context).toContain('Sydney');
    const stats = await api.get('/api/v1/agents/agent_1/stats');
    expect(stats.body.memory_count).toBe(2);
    const got = await api.get(`/api/v1/memories/${old.memory_id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ ...old, superseded_by: fix.memory_id });
  });

  it('supersedes from a batch, atomically: one bad supersedes stores nothing of it', async () => {
    // Arrange
    const old = await remember({ content: 'v1' });

    // Act
    const bad = await api.post('/api/v1/memories', {
      memories: [
        { agent_id: 'agent_1', content: 'fine' },
        { agent_id: 'agent_1', content: 'v2', supersedes: 'mem_000000000000000000000000' },
      ],
    });
    const good = await api.post('/api/v1/memories', {
      memories: [{ agent_id: 'agent_1', content: 'v2', supersedes: old.memory_id }],
    });

    // Assert
    expect(bad.status).toBe(404);
    expect(good.status).toBe(201);
    expect(contents((await api.get('/api/v1/memories')).body.memories)).toEqual(['v2']);
  });

  it('answers 404 for a memory of another org or an unknown one, and stores nothing', async () => {
    // Arrange
    const theirs = await remember({ content: 'org A fact' });
    const org = await api.post('/api/v1/orgs', { name: 'org b' });
    const other = apiAs(t.app, org.body.api_key);

    // Act
    const res = await other.post('/api/v1/memories', {
      agent_id: 'b',
      content: 'x',
      supersedes: theirs.memory_id,
    });

    // Assert
    expect(res.status).toBe(404);
    expect((await other.get('/api/v1/memories')).body.count).toBe(0);
    expect((await api.get(`/api/v1/memories/${theirs.memory_id}`)).body.superseded_by).toBeNull();
  });

  it('answers 409 when the memory is already superseded, so the chain stays linear', async () => {
    // Arrange
    const v1 = await remember({ content: 'v1' });
    const v2 = await remember({ content: 'v2', supersedes: v1.memory_id });

    // Act
    const res = await api.post('/api/v1/memories', {
      agent_id: 'agent_1',
      content: 'v2 bis',
      supersedes: v1.memory_id,
    });

    // Assert
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('conflict');
    expect(res.body.superseded_by).toBe(v2.memory_id);
  });

  it('leaves nothing behind when it refuses: not the session the memory names', async () => {
    // Arrange
    const v1 = await remember({ content: 'v1' });
    await remember({ content: 'v2', supersedes: v1.memory_id });
    const deleted = await remember({ content: 'to delete' });
    expect((await api.delete(`/api/v1/memories/${deleted.memory_id}`)).status).toBe(204);

    // Act
    const taken = await api.post('/api/v1/memories', {
      agent_id: 'agent_1',
      session_id: 'sess_after_409',
      content: 'v2 bis',
      supersedes: v1.memory_id,
    });
    const gone = await api.post('/api/v1/memories', {
      memories: [
        { agent_id: 'agent_1', session_id: 'sess_after_404', content: 'fix of a deleted one' },
        {
          agent_id: 'agent_1',
          session_id: 'sess_after_404',
          content: 'fix',
          supersedes: deleted.memory_id,
        },
      ],
    });

    // Assert
    expect([taken.status, gone.status]).toEqual([409, 404]);
    expect((await api.get('/api/v1/sessions/sess_after_409')).status).toBe(404);
    expect((await api.get('/api/v1/sessions/sess_after_404')).status).toBe(404);
  });

  it('refuses a supersedes that breaks the id pattern with a 400', async () => {
    const res = await api.post('/api/v1/memories', {
      agent_id: 'a',
      content: 'x',
      supersedes: '../x',
    });
    expect(res.status).toBe(400);
  });
});

describe('MemoryRoutes.history', () => {
  it('returns the whole chain oldest first from any version', async () => {
    // Arrange
    const v1 = await remember({ content: 'v1' });
    const v2 = await remember({ content: 'v2', supersedes: v1.memory_id });
    const v3 = await remember({ content: 'v3', supersedes: v2.memory_id });

    for (const m of [v1, v2, v3]) {
      // Act
      const res = await api.get(`/api/v1/memories/${m.memory_id}/history`);

      // Assert
      expect(res.status).toBe(200);
      expect(contents(res.body.memories)).toEqual(['v1', 'v2', 'v3']);
      expect(res.body.count).toBe(3);
      expect((res.body.memories as MemoryJson[]).map((x) => x.superseded_by)).toEqual([
        v2.memory_id,
        v3.memory_id,
        null,
      ]);
    }
  });

  it('is a chain of one for a memory never corrected, and 404 for another org', async () => {
    // Arrange
    const m = await remember({ content: 'alone' });
    const org = await api.post('/api/v1/orgs', { name: 'org c' });
    const other = apiAs(t.app, org.body.api_key);

    // Act
    const mine = await api.get(`/api/v1/memories/${m.memory_id}/history`);
    const theirs = await other.get(`/api/v1/memories/${m.memory_id}/history`);

    // Assert
    expect(mine.body).toEqual({ memories: [m], count: 1 });
    expect(theirs.status).toBe(404);
  });
});
