import { beforeEach, describe, expect, it } from 'vitest';
import {
  apiAs,
  buildTestApp,
  TEST_START,
  type ApiClient,
  type TestApp,
} from '../support/test-app.js';

let t: TestApp;
let api: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

async function remember(body: Record<string, unknown>) {
  const res = await api.post('/api/v1/memories', { content: 'did a thing', ...body });
  expect(res.status).toBe(201);
  return res.body as Record<string, unknown>;
}

describe('Sessions named by memories', () => {
  it('creates the session when a memory names one the org does not have', async () => {
    // Act
    await remember({ agent_id: 'planner', session_id: 'chat-42' });
    const got = await api.get('/api/v1/sessions/chat-42');

    // Assert
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      session_id: 'chat-42',
      id: 'chat-42',
      org_id: 'org_default',
      agent_id: 'planner',
      status: 'active',
      metadata: {},
      created_at: new Date(TEST_START).toISOString(),
      updated_at: new Date(TEST_START).toISOString(),
      closed_at: null,
    });
  });

  it('lists and counts the session like a created one', async () => {
    // Arrange
    await remember({ agent_id: 'planner', session_id: 'chat-1' });
    t.clock.advance(1000);
    await remember({ agent_id: 'planner', session_id: 'chat-1', content: 'again' });

    // Act
    const list = await api.get('/api/v1/sessions');
    const mine = await api.get('/api/v1/sessions?agent_id=planner');
    const stats = await api.get('/api/v1/agents/planner/stats');

    // Assert
    expect(list.body.sessions.map((s: { session_id: string }) => s.session_id)).toEqual(['chat-1']);
    expect(list.body.count).toBe(1);
    expect(mine.body.count).toBe(1);
    expect(stats.body).toMatchObject({ session_count: 1, active_sessions: 1 });
  });

  it('closes, reopens and patches the session like a created one', async () => {
    // Arrange
    await remember({ agent_id: 'planner', session_id: 'chat-7' });

    // Act
    const closed = await api.put('/api/v1/sessions/chat-7', {
      status: 'closed',
      metadata: { topic: 'billing' },
    });
    const after = await api.get('/api/v1/sessions/chat-7');

    // Assert
    expect(closed.status).toBe(200);
    expect(after.body).toMatchObject({ status: 'closed', metadata: { topic: 'billing' } });
  });

  it('leaves a created session as it is when memories name it', async () => {
    // Arrange
    const created = await api.post('/api/v1/sessions', {
      agent_id: 'planner',
      metadata: { kept: true },
    });
    const id = created.body.session_id as string;
    t.clock.advance(1000);

    // Act
    await remember({ agent_id: 'someone_else', session_id: id });

    // Assert
    expect((await api.get(`/api/v1/sessions/${id}`)).body).toEqual(created.body);
    expect((await api.get('/api/v1/sessions')).body.count).toBe(1);
  });

  it('creates each session a batch names once, from its first memory', async () => {
    // Act
    const res = await api.post('/api/v1/memories', {
      memories: [
        { agent_id: 'a1', session_id: 's-1', content: 'one' },
        { agent_id: 'a2', session_id: 's-2', content: 'two' },
        { agent_id: 'a3', session_id: 's-1', content: 'three' },
        { agent_id: 'a1', content: 'no session' },
      ],
    });
    const list = await api.get('/api/v1/sessions');

    // Assert
    expect(res.status).toBe(201);
    const sessions = list.body.sessions as { session_id: string; agent_id: string }[];
    expect(sessions.map((s) => [s.session_id, s.agent_id]).sort()).toEqual([
      ['s-1', 'a1'],
      ['s-2', 'a2'],
    ]);
  });

  it('creates nothing when a batch is refused', async () => {
    // Act
    const res = await api.post('/api/v1/memories', {
      memories: [
        { agent_id: 'a1', session_id: 's-1', content: 'one' },
        { agent_id: 'a1', session_id: 's-2' },
      ],
    });

    // Assert
    expect(res.status).toBe(400);
    expect((await api.get('/api/v1/sessions')).body.count).toBe(0);
  });

  it('creates the session once when 20 writes naming it arrive at the same moment', async () => {
    // Act
    const writes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2
          ? api.post('/api/v1/memories', {
              agent_id: 'racer',
              session_id: 'raced',
              content: `single ${i}`,
            })
          : api.post('/api/v1/memories', {
              memories: [
                { agent_id: 'racer', session_id: 'raced', content: `batch ${i}` },
                { agent_id: 'racer', session_id: `own-${i}`, content: `own ${i}` },
              ],
            }),
      ),
    );
    const list = await api.get('/api/v1/sessions?limit=100');

    // Assert
    expect(writes.map((w) => w.status)).toEqual(Array(20).fill(201));
    const ids = (list.body.sessions as { session_id: string }[]).map((s) => s.session_id);
    expect(ids.filter((id) => id === 'raced')).toHaveLength(1);
    expect(list.body.count).toBe(11);
  });

  it('gives two orgs each their own session when their memories name the same id', async () => {
    // Arrange
    const org = await api.post('/api/v1/orgs', { name: 'tenant two' });
    const other = apiAs(t.app, org.body.api_key);
    await remember({ agent_id: 'planner', session_id: 'shared-name' });

    // Act
    const theirs = await other.post('/api/v1/memories', {
      agent_id: 'their_bot',
      session_id: 'shared-name',
      content: 'theirs',
    });
    const seenByThem = await other.get('/api/v1/sessions/shared-name');
    const seenByUs = await api.get('/api/v1/sessions/shared-name');

    // Assert
    expect(theirs.status).toBe(201);
    expect(seenByThem.body).toMatchObject({ session_id: 'shared-name', agent_id: 'their_bot' });
    expect(seenByUs.body).toMatchObject({ session_id: 'shared-name', agent_id: 'planner' });
    expect((await other.get('/api/v1/sessions')).body.count).toBe(1);
  });
});
