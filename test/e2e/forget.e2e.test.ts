import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LogMeta, Logger } from '../../domain/index.js';
import { callTool, startMcpApp } from '../support/mcp-app.js';
import {
  apiAs,
  buildTestApp,
  createKey,
  type ApiClient,
  type TestApp,
} from '../support/test-app.js';

let t: TestApp;
let api: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

/** Records a memory at the clock's current time and returns its JSON. */
async function remember(body: Record<string, unknown>, client: ApiClient = api) {
  const res = await client.post('/api/v1/memories', { agent_id: 'agent_1', ...body });
  expect(res.status).toBe(201);
  return res.body as Record<string, unknown> & { memory_id: string };
}

/** The contents org A's key can list, oldest first. */
async function listed(client: ApiClient = api): Promise<string[]> {
  const res = await client.get('/api/v1/memories?since=30d&order=asc&limit=1000');
  expect(res.status).toBe(200);
  return (res.body.memories as { content: string }[]).map((m) => m.content);
}

/** Every read path's view of one memory: what a deleted memory must be absent from. */
async function everyReadOf(sessionId: string, agentId: string) {
  const search = await api.post('/api/v1/search', { since: '30d' });
  const bySession = await api.get(`/api/v1/sessions/${sessionId}/memories`);
  const byAgent = await api.get(`/api/v1/agents/${agentId}/memories`);
  const context = await api.post(`/api/v1/sessions/${sessionId}/context`, { since: '30d' });
  const stats = await api.get(`/api/v1/agents/${agentId}/stats`);
  return {
    list: await listed(),
    search: (search.body.results as { content: string }[]).map((m) => m.content),
    searchCount: search.body.count as number,
    bySession: (bySession.body.memories as { content: string }[]).map((m) => m.content),
    byAgent: (byAgent.body.memories as { content: string }[]).map((m) => m.content),
    context: context.body.context as string,
    statsCount: stats.body.memory_count as number,
  };
}

describe('MemoryRoutes.delete', () => {
  it('answers 204 with no body and no read path shows the memory again', async () => {
    // Arrange
    const gone = await remember({ session_id: 'sess_1', content: 'the wrong fact' });
    await remember({ session_id: 'sess_1', content: 'the right fact' });

    // Act
    const res = await api.delete(`/api/v1/memories/${gone.memory_id}`);

    // Assert
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await api.get(`/api/v1/memories/${gone.memory_id}`)).status).toBe(404);
    const reads = await everyReadOf('sess_1', 'agent_1');
    expect(reads).toMatchObject({
      list: ['the right fact'],
      search: ['the right fact'],
      searchCount: 1,
      bySession: ['the right fact'],
      byAgent: ['the right fact'],
      statsCount: 1,
    });
    expect(reads.context).toContain('the right fact');
    expect(reads.context).not.toContain('the wrong fact');
  });

  it('answers 404 the second time when the memory is already deleted', async () => {
    // Arrange
    const gone = await remember({ content: 'once' });
    await api.delete(`/api/v1/memories/${gone.memory_id}`).expect(204);

    // Act
    const res = await api.delete(`/api/v1/memories/${gone.memory_id}`);

    // Assert
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found', message: 'memory not found' });
  });

  it('answers 404 and deletes nothing when the memory is another org’s', async () => {
    // Arrange
    const mine = await remember({ content: 'org A keeps this' });
    const org = await api.post('/api/v1/orgs', { name: 'org B' });
    const other = apiAs(t.app, org.body.api_key as string);

    // Act
    const res = await other.delete(`/api/v1/memories/${mine.memory_id}`);

    // Assert
    expect(res.status).toBe(404);
    expect(await listed()).toEqual(['org A keeps this']);
  });

  it('answers 403 and deletes nothing when the key may only read', async () => {
    // Arrange
    const mine = await remember({ content: 'kept' });
    const reader = apiAs(t.app, await createKey(t, ['read']));

    // Act
    const res = await reader.delete(`/api/v1/memories/${mine.memory_id}`);

    // Assert
    expect(res.status).toBe(403);
    expect(await listed()).toEqual(['kept']);
  });

  it('logs the org, the key, the request id and the memory id at info, never the content', async () => {
    // Arrange
    const lines: { message: string; meta: LogMeta | undefined }[] = [];
    const info = (message: string, meta?: LogMeta) => void lines.push({ message, meta });
    const logger: Logger = { debug: () => {}, info, warn: () => {}, error: () => {} };
    t = await buildTestApp({ logger });
    api = apiAs(t.app, t.adminKey);
    const gone = await remember({ content: 'never in a log' });
    const [key] = await t.services.auth.listKeys('org_default');

    // Act
    const res = await api.delete(`/api/v1/memories/${gone.memory_id}`).expect(204);

    // Assert: the id the answer's x-request-id gives (the request log's request_id)
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.filter((l) => l.message === 'memories forgotten')).toEqual([
      {
        message: 'memories forgotten',
        meta: {
          org_id: 'org_default',
          key_id: key?.id,
          request_id: res.headers['x-request-id'],
          filter: { ids: [gone.memory_id] },
          deleted: 1,
        },
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain('never in a log');
  });
});

describe('McpTools.forgetLog', () => {
  it('logs the id of the /mcp request that called memtrace_forget', async () => {
    // Arrange: a fetch that keeps each answer's x-request-id
    const lines: { message: string; meta: LogMeta | undefined }[] = [];
    const info = (message: string, meta?: LogMeta) => void lines.push({ message, meta });
    const mcp = await startMcpApp({
      logger: { debug: () => {}, info, warn: () => {}, error: () => {} },
    });
    try {
      const seen: string[] = [];
      const recording: typeof fetch = async (input, init) => {
        const res = await fetch(input, init);
        seen.push(res.headers.get('x-request-id') ?? '');
        return res;
      };
      const client = await mcp.connect(mcp.t.adminKey, recording);
      await apiAs(mcp.t.app, mcp.t.adminKey).post('/api/v1/memories', {
        agent_id: 'agent_mcp',
        content: 'via mcp',
      });
      const before = seen.length;

      // Act
      const result = await callTool(client, 'memtrace_forget', { agent_id: 'agent_mcp' });

      // Assert
      expect(result.isError).not.toBe(true);
      const logged = lines.filter((l) => l.message === 'memories forgotten');
      expect(logged).toHaveLength(1);
      expect(logged[0]?.meta).toMatchObject({ filter: { agent_id: 'agent_mcp' }, deleted: 1 });
      expect(seen.slice(before)).toContain(logged[0]?.meta?.request_id);
    } finally {
      await mcp.close();
    }
  });
});

describe('MemoryRoutes.forget', () => {
  it('logs the x-request-id the caller sent with the org, the key, the filter and the count', async () => {
    // Arrange
    const lines: { message: string; meta: LogMeta | undefined }[] = [];
    const info = (message: string, meta?: LogMeta) => void lines.push({ message, meta });
    const logger: Logger = { debug: () => {}, info, warn: () => {}, error: () => {} };
    t = await buildTestApp({ logger });
    api = apiAs(t.app, t.adminKey);
    await remember({ agent_id: 'agent_1', tags: ['pii'], content: 'a1 pii' });
    const [key] = await t.services.auth.listKeys('org_default');

    // Act
    const res = await request(t.app)
      .post('/api/v1/memories/forget')
      .set('x-api-key', t.adminKey)
      .set('x-request-id', 'forget-run-42')
      .send({ agent_id: 'agent_1', tags: ['pii'] });

    // Assert
    expect(res.status).toBe(200);
    expect(lines.filter((l) => l.message === 'memories forgotten')).toEqual([
      {
        message: 'memories forgotten',
        meta: {
          org_id: 'org_default',
          key_id: key?.id,
          request_id: 'forget-run-42',
          filter: { agent_id: 'agent_1', tags: ['pii'] },
          deleted: 1,
        },
      },
    ]);
  });

  it('deletes what the filters match and answers {"deleted": n} when given filters', async () => {
    // Arrange
    await remember({ agent_id: 'agent_1', tags: ['pii'], content: 'a1 pii' });
    await remember({ agent_id: 'agent_1', memory_type: 'decision', content: 'a1 decision' });
    await remember({ agent_id: 'agent_2', tags: ['pii'], content: 'a2 pii' });

    // Act
    const res = await api.post('/api/v1/memories/forget', { agent_id: 'agent_1', tags: ['pii'] });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: 1 });
    expect(await listed()).toEqual(['a1 decision', 'a2 pii']);
  });

  it('deletes by types, session and time range when given them', async () => {
    // Arrange
    await remember({ session_id: 'sess_1', memory_type: 'decision', content: 'old decision' });
    t.clock.advance(2 * 3_600_000);
    await remember({ session_id: 'sess_1', memory_type: 'decision', content: 'new decision' });
    await remember({ session_id: 'sess_1', event_type: 'crawled', content: 'new crawl' });
    await remember({ session_id: 'sess_2', memory_type: 'decision', content: 'other session' });

    // Act
    const res = await api.post('/api/v1/memories/forget', {
      session_id: 'sess_1',
      memory_types: ['decision', 'entity'],
      event_types: ['general'],
      since: '1h',
      until: '2100-01-01T00:00:00Z',
    });

    // Assert
    expect(res.body).toEqual({ deleted: 1 });
    expect(await listed()).toEqual(['old decision', 'new crawl', 'other session']);
  });

  it('deletes the given ids of the org only when given ids', async () => {
    // Arrange
    const one = await remember({ content: 'one' });
    const two = await remember({ content: 'two' });
    await remember({ content: 'three' });

    // Act
    const res = await api.post('/api/v1/memories/forget', {
      ids: [one.memory_id, two.memory_id, 'mem_000000000000000000000000'],
    });

    // Assert
    expect(res.body).toEqual({ deleted: 2 });
    expect(await listed()).toEqual(['three']);
  });

  it('answers the count and deletes nothing when dry_run is set', async () => {
    // Arrange
    await remember({ content: 'one' });
    await remember({ content: 'two' });

    // Act
    const res = await api.post('/api/v1/memories/forget', { agent_id: 'agent_1', dry_run: true });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ would_delete: 2, dry_run: true });
    expect(await listed()).toEqual(['one', 'two']);
  });

  it.each([
    ['no field', {}],
    ['only empty lists', { memory_types: [], tags: [], ids: [] }],
    ['all false', { all: false }],
    ['only dry_run', { dry_run: true }],
  ])('answers 400 and deletes nothing when the filter is empty: %s', async (_name, body) => {
    // Arrange
    await remember({ content: 'kept' });

    // Act
    const res = await api.post('/api/v1/memories/forget', body);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('all: true');
    expect(await listed()).toEqual(['kept']);
  });

  it('answers 400 when the body is missing', async () => {
    // Act
    const res = await request(t.app).post('/api/v1/memories/forget').set('x-api-key', t.adminKey);

    // Assert
    expect(res.status).toBe(400);
  });

  it('forgets every memory of the org and none of another when an admin sends all: true', async () => {
    // Arrange
    await remember({ content: 'one' });
    await remember({ agent_id: 'agent_2', content: 'two' });
    const org = await api.post('/api/v1/orgs', { name: 'org B' });
    const other = apiAs(t.app, org.body.api_key as string);
    await remember({ content: 'org B keeps this' }, other);

    // Act
    const dry = await api.post('/api/v1/memories/forget', { all: true, dry_run: true });
    const res = await api.post('/api/v1/memories/forget', { all: true });

    // Assert
    expect(dry.body).toEqual({ would_delete: 2, dry_run: true });
    expect(res.body).toEqual({ deleted: 2 });
    expect(await listed()).toEqual([]);
    expect(await listed(other)).toEqual(['org B keeps this']);
  });

  it('answers 403 and deletes nothing when all: true comes from a key without admin', async () => {
    // Arrange
    await remember({ content: 'kept' });
    const writer = apiAs(t.app, await createKey(t, ['read', 'write']));

    // Act
    const res = await writer.post('/api/v1/memories/forget', { all: true });

    // Assert
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'forbidden' });
    expect(res.body.message).toContain('admin');
    expect(await listed()).toEqual(['kept']);
  });

  it('lets a key without admin forget by filter', async () => {
    // Arrange
    await remember({ content: 'gone' });
    const writer = apiAs(t.app, await createKey(t, ['read', 'write']));

    // Act
    const res = await writer.post('/api/v1/memories/forget', { agent_id: 'agent_1' });

    // Assert
    expect(res.body).toEqual({ deleted: 1 });
  });

  it('answers 403 when the key may only read', async () => {
    // Arrange
    await remember({ content: 'kept' });
    const reader = apiAs(t.app, await createKey(t, ['read']));

    // Act
    const res = await reader.post('/api/v1/memories/forget', { agent_id: 'agent_1' });

    // Assert
    expect(res.status).toBe(403);
    expect(await listed()).toEqual(['kept']);
  });

  it('answers 400 when all: true comes with a filter', async () => {
    // Arrange
    await remember({ content: 'kept' });

    // Act
    const res = await api.post('/api/v1/memories/forget', { all: true, agent_id: 'agent_1' });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^all: true/);
    expect(await listed()).toEqual(['kept']);
  });

  it('answers 400 naming the limit when given more than 1,000 ids', async () => {
    // Arrange
    const one = await remember({ content: 'kept' });
    const ids = [one.memory_id, ...Array.from({ length: 1000 }, (_, i) => `mem_${i}`)];

    // Act
    const res = await api.post('/api/v1/memories/forget', { ids });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('ids must have at most 1000 values, got 1001');
    expect(await listed()).toEqual(['kept']);
  });

  it.each([
    ['an unknown field', { agent_id: 'agent_1', content_contains: 'x' }, 'content_contains'],
    ['a memory_type in the list endpoint’s naming', { memory_type: 'episodic' }, 'memory_type'],
    ['ids that are not strings', { ids: [1] }, 'ids'],
    ['dry_run that is not a boolean', { agent_id: 'agent_1', dry_run: 'yes' }, 'dry_run'],
    ['an empty time range', { since: '1h', until: '2h' }, 'since'],
    ['too many tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
  ])('answers 400 naming the field when given %s', async (_name, body, field) => {
    // Arrange
    await remember({ content: 'kept' });

    // Act
    const res = await api.post('/api/v1/memories/forget', body);

    // Assert
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(field);
    expect(await listed()).toEqual(['kept']);
  });

  it('leaves GET and DELETE of /memories/forget to /memories/{id}, and answers 405 for PUT', async () => {
    // Act
    const get = await api.get('/api/v1/memories/forget');
    const put = await api.put('/api/v1/memories/forget', {});

    // Assert
    expect(get.status).toBe(404);
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('DELETE, GET, HEAD, PATCH, POST');
  });
});
