import { beforeEach, describe, expect, it } from 'vitest';
import { apiAs, buildTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

let t: TestApp;
let api: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

// `id` and `org_id` are the original memtrace SDKs' names for an agent (see README).
const AGENT_FIELDS = [
  'agent_id',
  'id',
  'org_id',
  'name',
  'description',
  'config',
  'created_at',
].sort();

async function register(name: string, extra: Record<string, unknown> = {}) {
  const res = await api.post('/api/v1/agents', { name, ...extra });
  expect(res.status).toBe(201);
  return res.body as { agent_id: string; name: string };
}

async function remember(body: Record<string, unknown>) {
  const res = await api.post('/api/v1/memories', body);
  expect(res.status).toBe(201);
}

describe('AgentRoutes.register', () => {
  it('returns 201 with the agent when a name is registered', async () => {
    // Act
    const res = await api.post('/api/v1/agents', {
      name: 'web_crawler',
      description: 'Crawls product pages',
      config: { max_depth: 3 },
    });

    // Assert
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(AGENT_FIELDS);
    expect(res.body).toMatchObject({
      name: 'web_crawler',
      description: 'Crawls product pages',
      config: { max_depth: 3 },
      created_at: '2026-02-13T10:30:00.000Z',
    });
    expect(res.body.agent_id).toMatch(/^agent_[0-9a-f]{24}$/);
  });

  it('defaults description to null and config to {} when only a name is given', async () => {
    // Act
    const res = await api.post('/api/v1/agents', { name: 'bare' });

    // Assert
    expect(res.body).toMatchObject({ description: null, config: {} });
  });

  it('returns 409 when the name is registered again', async () => {
    // Arrange
    await register('web_crawler');

    // Act
    const res = await api.post('/api/v1/agents', { name: 'web_crawler' });

    // Assert
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('conflict');
  });

  it("returns 400 and registers nothing when the name is another agent's id", async () => {
    // Arrange
    const x = await register('planner');

    // Act
    const res = await api.post('/api/v1/agents', { name: x.agent_id });
    const byThatString = await api.get(`/api/v1/agents/${x.agent_id}`);
    const list = await api.get('/api/v1/agents');

    // Assert
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'invalid_request',
      message: 'name must not have the form of an agent id (agent_ and 24 hex digits)',
    });
    expect(byThatString.body.name).toBe('planner');
    expect(list.body.count).toBe(1);
  });

  it('returns 400 when the name has the form of an agent id that no agent has', async () => {
    // Act
    const res = await api.post('/api/v1/agents', { name: `agent_${'0'.repeat(24)}` });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^name must not have the form of an agent id/);
  });

  it.each([`agent_${'A'.repeat(24)}`, `agent_${'0'.repeat(23)}`, 'agent_planner'])(
    'registers %s, which no agent id can be',
    async (name) => {
      // Act
      const res = await api.post('/api/v1/agents', { name });

      // Assert
      expect(res.status).toBe(201);
      expect(res.body.name).toBe(name);
    },
  );

  it.each([
    [{}, 'name is required'],
    [{ name: 3 }, 'name must be a string'],
    [
      { name: 'web crawler' },
      "name must start with a letter and contain only letters, digits, '_' or '-' (at most 128 characters)",
    ],
    [{ name: 'a', description: 5 }, 'description must be a string'],
    [{ name: 'a', config: [1] }, 'config must be a JSON object'],
    [{ name: 'a', owner: 'me' }, 'owner is not a known field'],
  ])('returns 400 when the body is %j', async (body, message) => {
    // Act
    const res = await api.post('/api/v1/agents', body);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
  });
});

describe('AgentRoutes.list', () => {
  it('returns agents newest first with count and has_more when paged', async () => {
    // Arrange
    await register('first');
    t.clock.advance(1000);
    await register('second');
    t.clock.advance(1000);
    await register('third');

    // Act
    const page1 = await api.get('/api/v1/agents?limit=2');
    const page2 = await api.get('/api/v1/agents?limit=2&offset=2');

    // Assert
    expect(page1.status).toBe(200);
    expect(page1.body.agents.map((a: { name: string }) => a.name)).toEqual(['third', 'second']);
    expect(page1.body).toMatchObject({ count: 3, has_more: true });
    expect(page2.body.agents.map((a: { name: string }) => a.name)).toEqual(['first']);
    expect(page2.body.has_more).toBe(false);
  });

  it.each([
    ['limit=0', 'limit must be an integer from 1 to 1000'],
    ['limit=5000', 'limit must be an integer from 1 to 1000'],
    ['offset=x', 'offset must be a non-negative integer'],
    ['name=first', 'name is not a known field'],
  ])('returns 400 when the query is %s', async (query, message) => {
    // Act
    const res = await api.get(`/api/v1/agents?${query}`);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
  });
});

describe('AgentRoutes.get', () => {
  it('finds the agent when it is asked for by id or by name', async () => {
    // Arrange
    const agent = await register('web_crawler');

    // Act
    const byId = await api.get(`/api/v1/agents/${agent.agent_id}`);
    const byName = await api.get('/api/v1/agents/web_crawler');

    // Assert
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(agent);
    expect(byName.body).toEqual(agent);
  });

  it('returns 404 when the agent is unknown', async () => {
    // Act
    const res = await api.get('/api/v1/agents/nobody');

    // Assert
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found', message: 'agent not found' });
  });
});

describe('AgentRoutes.stats', () => {
  it('counts memories, recent ones, errors and sessions when the agent has activity', async () => {
    // Arrange
    await remember({ agent_id: 'agent_abc', content: 'old', memory_type: 'episodic' });
    t.clock.advance(2 * 86_400_000);
    await remember({ agent_id: 'agent_abc', content: 'e1', memory_type: 'episodic' });
    await remember({
      agent_id: 'agent_abc',
      content: 'd1',
      memory_type: 'decision',
      event_type: 'error',
    });
    await remember({ agent_id: 'agent_other', content: 'not mine' });
    const s1 = await api.post('/api/v1/sessions', { agent_id: 'agent_abc' });
    await api.post('/api/v1/sessions', { agent_id: 'agent_abc' });
    await api.put(`/api/v1/sessions/${s1.body.session_id}`, { status: 'closed' });

    // Act
    const res = await api.get('/api/v1/agents/agent_abc/stats');

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      agent_id: 'agent_abc',
      memory_count: 3,
      memories_24h: 2,
      errors_24h: 1,
      session_count: 2,
      active_sessions: 1,
      memory_types: { episodic: 2, decision: 1 },
    });
  });

  it('counts memories under the name when a registered agent is asked for by id', async () => {
    // Arrange
    const agent = await register('web_crawler');
    await remember({ agent_id: 'web_crawler', content: 'by name' });

    // Act
    const res = await api.get(`/api/v1/agents/${agent.agent_id}/stats`);

    // Assert
    expect(res.body).toMatchObject({ agent_id: agent.name, memory_count: 1 });
  });

  it('returns zeros when a registered agent has no activity', async () => {
    // Arrange
    await register('idle');

    // Act
    const res = await api.get('/api/v1/agents/idle/stats');

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ memory_count: 0, session_count: 0, memory_types: {} });
  });

  it('returns 404 when the org knows nothing of the agent', async () => {
    // Act
    const res = await api.get('/api/v1/agents/ghost/stats');

    // Assert
    expect(res.status).toBe(404);
  });
});

describe('AgentRoutes.memories', () => {
  it('lists the memories of a registered agent when asked for by its id', async () => {
    // Arrange
    const agent = await register('web_crawler');
    await remember({ agent_id: 'web_crawler', content: 'mine', memory_type: 'decision' });
    await remember({ agent_id: 'web_crawler', content: 'mine too' });
    await remember({ agent_id: 'agent_other', content: 'not mine' });

    // Act
    const all = await api.get(`/api/v1/agents/${agent.agent_id}/memories`);
    const decisions = await api.get('/api/v1/agents/web_crawler/memories?memory_type=decision');

    // Assert
    expect(all.status).toBe(200);
    expect(all.body.memories.map((m: { content: string }) => m.content)).toEqual([
      'mine too',
      'mine',
    ]);
    expect(all.body).toMatchObject({ count: 2, has_more: false });
    expect(decisions.body.count).toBe(1);
  });

  it('uses the id as the agent_id when the agent was never registered', async () => {
    // Arrange
    await remember({ agent_id: 'agent_free', content: 'free agent' });

    // Act
    const res = await api.get('/api/v1/agents/agent_free/memories?limit=1');

    // Assert
    expect(res.body.memories[0].content).toBe('free agent');
    expect(res.body.count).toBe(1);
  });

  it('returns an empty list when a registered agent has no memories', async () => {
    // Arrange
    await register('quiet');

    // Act
    const res = await api.get('/api/v1/agents/quiet/memories');

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ memories: [], count: 0, has_more: false, next_cursor: null });
  });

  it('returns 404 when the org knows nothing of the agent', async () => {
    // Act
    const res = await api.get('/api/v1/agents/ghost/memories');

    // Assert
    expect(res.status).toBe(404);
  });

  it('returns 400 when agent_id is also given as a parameter', async () => {
    // Act
    const res = await api.get('/api/v1/agents/a/memories?agent_id=b');

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('agent_id is not a known field');
  });
});

describe('AgentRoutes.delete', () => {
  it('returns 204 and forgets the agent when it is deleted', async () => {
    // Arrange
    const agent = await register('web_crawler');

    // Act
    const res = await api.delete(`/api/v1/agents/${agent.agent_id}`);

    // Assert
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await api.get(`/api/v1/agents/${agent.agent_id}`)).status).toBe(404);
  });

  it('deletes by name and keeps the memories when they name the agent', async () => {
    // Arrange
    await register('web_crawler');
    await remember({ agent_id: 'web_crawler', content: 'stays' });

    // Act
    const res = await api.delete('/api/v1/agents/web_crawler');

    // Assert
    expect(res.status).toBe(204);
    expect((await api.get('/api/v1/memories?agent_id=web_crawler')).body.count).toBe(1);
  });

  it('returns 404 when the agent is unknown', async () => {
    // Act
    const res = await api.delete('/api/v1/agents/nobody');

    // Assert
    expect(res.status).toBe(404);
  });
});
