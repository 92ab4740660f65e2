import { beforeEach, describe, expect, it } from 'vitest';
import { apiAs, buildTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

/** A second org, made through the API, must see nothing of the first by any endpoint. */

let t: TestApp;
let first: ApiClient;
let second: ApiClient;
const ids: { memory: string; session: string; agent: string; key: string } = {
  memory: '',
  session: '',
  agent: '',
  key: '',
};

beforeEach(async () => {
  t = await buildTestApp();
  first = apiAs(t.app, t.adminKey);
  const org = await first.post('/api/v1/orgs', { name: 'second org' });
  expect(org.status).toBe(201);
  second = apiAs(t.app, org.body.api_key);

  const session = await first.post('/api/v1/sessions', { agent_id: 'agent_abc' });
  const memory = await first.post('/api/v1/memories', {
    agent_id: 'agent_abc',
    session_id: session.body.session_id,
    content: 'secret of the first org',
    tags: ['secret'],
  });
  await first.post('/api/v1/memories', {
    agent_id: 'agent_abc',
    session_id: 'sess_only_in_memories',
    content: 'another secret',
  });
  const agent = await first.post('/api/v1/agents', { name: 'shared_name' });
  const key = await first.post('/api/v1/keys', { name: 'first org key' });
  ids.memory = memory.body.memory_id;
  ids.session = session.body.session_id;
  ids.agent = agent.body.agent_id;
  ids.key = key.body.key_id;
});

describe('Isolation.reads', () => {
  it('lists no memories when the second org lists, filters or searches', async () => {
    // Act
    const all = await second.get('/api/v1/memories');
    const byAgent = await second.get('/api/v1/memories?agent_id=agent_abc');
    const byTag = await second.get('/api/v1/memories?tags=secret');
    const search = await second.post('/api/v1/search', { content_contains: 'secret' });

    // Assert
    expect(all.body).toEqual({ memories: [], count: 0, has_more: false, next_cursor: null });
    expect(byAgent.body.count).toBe(0);
    expect(byTag.body.count).toBe(0);
    expect(search.body).toMatchObject({ results: [], count: 0, has_more: false });
  });

  it('returns 404 when the second org asks for the first org memory by id', async () => {
    // Act
    const res = await second.get(`/api/v1/memories/${ids.memory}`);

    // Assert
    expect(res.status).toBe(404);
  });

  it('sees no sessions and gets 404 when the second org asks for the first org session', async () => {
    // Act
    const list = await second.get('/api/v1/sessions');
    const byAgent = await second.get('/api/v1/sessions?agent_id=agent_abc');
    const get = await second.get(`/api/v1/sessions/${ids.session}`);
    const memories = await second.get(`/api/v1/sessions/${ids.session}/memories`);

    // Assert
    expect(list.body).toEqual({ sessions: [], count: 0, has_more: false, next_cursor: null });
    expect(byAgent.body.count).toBe(0);
    expect(get.status).toBe(404);
    expect(memories.status).toBe(404);
  });

  it('returns 404 for context when the session belongs to the first org', async () => {
    // Act
    const created = await second.post(`/api/v1/sessions/${ids.session}/context`, {});
    const named = await second.post('/api/v1/sessions/sess_only_in_memories/context', {});

    // Assert
    expect(created.status).toBe(404);
    expect(named.status).toBe(404);
  });

  it('sees no agents and gets 404 by id, name, stats and memories when asking for the first org agent', async () => {
    // Act
    const list = await second.get('/api/v1/agents');
    const byId = await second.get(`/api/v1/agents/${ids.agent}`);
    const byName = await second.get('/api/v1/agents/shared_name');
    const stats = await second.get('/api/v1/agents/agent_abc/stats');
    const memories = await second.get('/api/v1/agents/agent_abc/memories');

    // Assert
    expect(list.body).toEqual({ agents: [], count: 0, has_more: false, next_cursor: null });
    expect(byId.status).toBe(404);
    expect(byName.status).toBe(404);
    expect(stats.status).toBe(404);
    expect(memories.status).toBe(404);
  });

  it('lists only its own key when the second org lists keys', async () => {
    // Act
    const res = await second.get('/api/v1/keys');

    // Assert
    expect(res.body.count).toBe(1);
    expect(res.body.keys.map((k: { key_id: string }) => k.key_id)).not.toContain(ids.key);
  });
});

describe('Isolation.writes', () => {
  it('returns 404 and changes nothing when the second org updates the first org session', async () => {
    // Act
    const res = await second.put(`/api/v1/sessions/${ids.session}`, { status: 'closed' });

    // Assert
    expect(res.status).toBe(404);
    expect((await first.get(`/api/v1/sessions/${ids.session}`)).body.status).toBe('active');
  });

  it('returns 404 and keeps the agent when the second org deletes the first org agent', async () => {
    // Act
    const byId = await second.delete(`/api/v1/agents/${ids.agent}`);
    const byName = await second.delete('/api/v1/agents/shared_name');

    // Assert
    expect(byId.status).toBe(404);
    expect(byName.status).toBe(404);
    expect((await first.get(`/api/v1/agents/${ids.agent}`)).status).toBe(200);
  });

  it('returns 404 and keeps the key working when the second org revokes the first org key', async () => {
    // Act
    const res = await second.delete(`/api/v1/keys/${ids.key}`);

    // Assert
    expect(res.status).toBe(404);
    expect((await first.get('/api/v1/keys')).body.count).toBe(2);
  });

  it('stores in its own org and registers the same names when the second org writes', async () => {
    // Act
    const memory = await second.post('/api/v1/memories', {
      agent_id: 'agent_abc',
      content: 'secret of the first org',
    });
    const agent = await second.post('/api/v1/agents', { name: 'shared_name' });

    // Assert
    expect(memory.status).toBe(201);
    expect(memory.body.org_id).not.toBe('org_default');
    expect(agent.status).toBe(201);
    expect((await first.get('/api/v1/memories')).body.count).toBe(2);
    expect((await second.get('/api/v1/memories')).body.count).toBe(1);
  });

  it('ignores any org given in the body when the second org writes', async () => {
    // Act
    const res = await second.post('/api/v1/memories', {
      agent_id: 'a',
      content: 'x',
      org_id: 'org_default',
    });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('org_id is not a known field');
  });
});
