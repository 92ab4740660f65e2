import { beforeEach, describe, expect, it } from 'vitest';
import { apiAs, buildTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

let t: TestApp;
let api: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

const MEMORY_FIELDS = [
  'memory_id',
  'time',
  'created_at',
  'org_id',
  'agent_id',
  'session_id',
  'content',
  'memory_type',
  'event_type',
  'metadata',
  'tags',
  'importance',
  'dedup_key',
  'parent_id',
  'expires_at',
  'pinned',
  'supersedes',
  'superseded_by',
].sort();

/** Records a memory at the clock's current time and returns its JSON. */
async function remember(body: Record<string, unknown>) {
  const res = await api.post('/api/v1/memories', { agent_id: 'agent_1', ...body });
  expect(res.status).toBe(201);
  return res.body as Record<string, unknown> & { memory_id: string };
}

const contents = (body: { memories?: { content: string }[]; results?: { content: string }[] }) =>
  (body.memories ?? body.results ?? []).map((m) => m.content);

describe('MemoryRoutes.create', () => {
  it('returns 201 with every field when a full memory is posted', async () => {
    // Arrange
    const body = {
      agent_id: 'agent_web_crawler',
      session_id: 'sess_abc123',
      memory_type: 'episodic',
      event_type: 'page_crawled',
      content: 'Crawled https://example.com — found 3 product pages',
      metadata: { url: 'https://example.com', pages_found: 3 },
      tags: ['crawling', 'products'],
      importance: 0.7,
      dedup_key: 'crawl_example_2026-02-07',
      parent_id: 'mem_parent',
    };

    // Act
    const res = await api.post('/api/v1/memories', body);

    // Assert
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(MEMORY_FIELDS);
    expect(res.body).toMatchObject({
      ...body,
      org_id: 'org_default',
      time: '2026-02-13T10:30:00.000Z',
    });
    expect(res.body.memory_id).toMatch(/^mem_[0-9a-f]{24}$/);
  });

  it('applies the defaults and nulls when only agent_id and content are given', async () => {
    // Act
    const res = await api.post('/api/v1/memories', { agent_id: 'a', content: 'minimal' });

    // Assert
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      memory_type: 'episodic',
      event_type: 'general',
      importance: 0,
      tags: [],
      metadata: {},
      session_id: null,
      parent_id: null,
    });
    expect(res.body.dedup_key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('treats null as absent when optional fields are null', async () => {
    // Act
    const res = await api.post('/api/v1/memories', {
      agent_id: 'a',
      content: 'nulls',
      session_id: null,
      tags: null,
      importance: null,
      memory_type: null,
    });

    // Assert
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      session_id: null,
      tags: [],
      importance: 0,
      memory_type: 'episodic',
    });
  });

  it.each([
    [{ content: 'x' }, 'agent_id is required'],
    [{ agent_id: '', content: 'x' }, 'agent_id is required'],
    [{ agent_id: 'a' }, 'content is required'],
    [{ agent_id: 'a', content: '' }, 'content is required'],
    [
      { agent_id: 'a', content: 'x', memory_type: 'semantic' },
      'memory_type must be one of episodic, session, decision, entity',
    ],
    [
      { agent_id: 'a', content: 'x', importance: 1.5 },
      'importance must be a number between 0 and 1',
    ],
    [
      { agent_id: 'a', content: 'x', importance: -0.1 },
      'importance must be a number between 0 and 1',
    ],
    [{ agent_id: 'a', content: 'x', importance: '0.5' }, 'importance must be a number'],
    [
      { agent_id: 'a', content: 'x', tags: ['ok', 'not ok'] },
      "tags[1] must be 1 to 64 letters, digits, '_', '.' or '-', got 'not ok'",
    ],
    [{ agent_id: 'a', content: 'x', tags: 'crawling' }, 'tags must be an array of strings'],
    [
      { agent_id: 'a', content: 'x', event_type: 'page-crawled' },
      "event_type must start with a letter and contain only letters, digits or '_' (at most 64 characters)",
    ],
    [
      { agent_id: '1agent', content: 'x' },
      "agent_id must start with a letter and contain only letters, digits, '_' or '-' (at most 128 characters)",
    ],
    [
      { agent_id: 'a', content: 'x', session_id: 'sess abc' },
      "session_id must start with a letter and contain only letters, digits, '_' or '-' (at most 128 characters)",
    ],
    [{ agent_id: 'a', content: 'x', metadata: ['x'] }, 'metadata must be a JSON object'],
    [{ agent_id: 'a', content: 'x', agentId: 'typo' }, 'agentId is not a known field'],
    // The server stamps created_at; a client gives `time` (see event-time.e2e.test.ts).
    [
      { agent_id: 'a', content: 'x', created_at: '2026-01-01T00:00:00Z' },
      'created_at is not a known field',
    ],
  ])('returns 400 naming the field when the body is %j', async (body, message) => {
    // Act
    const res = await api.post('/api/v1/memories', body);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', message });
    expect(res.body.request_id).toEqual(expect.any(String));
  });

  it('stores nothing when the memory is invalid', async () => {
    // Arrange
    await api.post('/api/v1/memories', { agent_id: 'a', content: 'x', importance: 2 });

    // Act
    const list = await api.get('/api/v1/memories');

    // Assert
    expect(list.body.count).toBe(0);
  });

  it('returns 409 with the stored memory_id when the same memory is posted again', async () => {
    // Arrange
    const first = await remember({ content: 'same thing' });

    // Act
    const res = await api.post('/api/v1/memories', { agent_id: 'agent_1', content: 'same thing' });

    // Assert
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'conflict', memory_id: first.memory_id });
    expect(res.body.message).toEqual(expect.any(String));
  });

  it('returns 409 when a dedup_key is reused with other content', async () => {
    // Arrange
    const first = await remember({ content: 'one', dedup_key: 'k1' });

    // Act
    const res = await api.post('/api/v1/memories', {
      agent_id: 'b',
      content: 'two',
      dedup_key: 'k1',
    });

    // Assert
    expect(res.status).toBe(409);
    expect(res.body.memory_id).toBe(first.memory_id);
  });

  it('stores it again when the dedup window has passed', async () => {
    // Arrange
    await remember({ content: 'daily report' });
    t.clock.advance(25 * 3_600_000);

    // Act
    const res = await api.post('/api/v1/memories', {
      agent_id: 'agent_1',
      content: 'daily report',
    });

    // Assert
    expect(res.status).toBe(201);
  });

  it('stores exactly one when identical writes arrive concurrently', async () => {
    // Arrange
    const body = { agent_id: 'agent_1', content: 'raced' };

    // Act
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => api.post('/api/v1/memories', body)),
    );

    // Assert
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    const stored = await api.get('/api/v1/memories?content_contains=raced');
    expect(stored.body.count).toBe(1);
  });
});

describe('MemoryRoutes.createBatch', () => {
  it('returns 201 with every created memory when a batch is posted', async () => {
    // Arrange
    const memories = [
      { agent_id: 'agent_1', content: 'First memory', memory_type: 'episodic' },
      { agent_id: 'agent_1', content: 'Second memory', memory_type: 'decision' },
    ];

    // Act
    const res = await api.post('/api/v1/memories', { memories });

    // Assert
    expect(res.status).toBe(201);
    expect(res.body.count).toBe(2);
    expect(res.body.duplicates).toBe(0);
    expect(res.body.duplicate_of).toEqual([]);
    expect(contents(res.body)).toEqual(['First memory', 'Second memory']);
    expect(Object.keys(res.body.memories[0]).sort()).toEqual(MEMORY_FIELDS);
  });

  it('reports duplicates with their index when a batch repeats itself or the store', async () => {
    // Arrange
    const stored = await remember({ content: 'already there' });
    const memories = [
      { agent_id: 'agent_1', content: 'new one' },
      { agent_id: 'agent_1', content: 'new one' },
      { agent_id: 'agent_1', content: 'already there' },
      { agent_id: 'agent_1', content: 'another' },
    ];

    // Act
    const res = await api.post('/api/v1/memories', { memories });

    // Assert
    expect(res.status).toBe(201);
    expect(res.body.count).toBe(2);
    expect(res.body.duplicates).toBe(2);
    expect(res.body.duplicate_of).toEqual([
      { index: 1, memory_id: res.body.memories[0].memory_id },
      { index: 2, memory_id: stored.memory_id },
    ]);
    expect(contents(res.body)).toEqual(['new one', 'another']);
  });

  it.each([
    [{ agent_id: 'a' }, 'memories[2].content is required'],
    [
      { agent_id: 'a', content: 'x', importance: 7 },
      'memories[2].importance must be a number between 0 and 1',
    ],
    [
      { agent_id: 'a', content: 'x', memory_type: 'fact' },
      'memories[2].memory_type must be one of episodic, session, decision, entity',
    ],
    [{ agent_id: 'a', content: 'x', bogus: 1 }, 'memories[2].bogus is not a known field'],
    ['just text', 'memories[2] must be a JSON object'],
  ])('returns 400 naming item 2 and stores nothing when item 2 is %j', async (bad, message) => {
    // Arrange
    const memories = [
      { agent_id: 'a', content: 'ok 0' },
      { agent_id: 'a', content: 'ok 1' },
      bad,
      { agent_id: 'a', content: 'ok 3' },
    ];

    // Act
    const res = await api.post('/api/v1/memories', { memories });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
    expect((await api.get('/api/v1/memories')).body.count).toBe(0);
  });

  it.each([
    [{ memories: [] }, 'memories must contain at least one memory'],
    [{ memories: 'x' }, 'memories must be an array'],
    [{ memories: { agent_id: 'a', content: 'x' } }, 'memories must be an array'],
    [
      { memories: [{ agent_id: 'a', content: 'x' }], agent_id: 'a' },
      'agent_id is not allowed next to memories: a batch carries only memories',
    ],
  ])('returns 400 when the batch is %j', async (body, message) => {
    // Act
    const res = await api.post('/api/v1/memories', body);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
  });

  it('returns 400 when the batch has more than 10000 items', async () => {
    // Arrange
    const memories = Array.from({ length: 10_001 }, (_, i) => ({ agent_id: 'a', content: `${i}` }));
    const big = await buildTestApp({ maxBodyBytes: 5 * 1024 * 1024 });

    // Act
    const res = await apiAs(big.app, big.adminKey).post('/api/v1/memories', { memories });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('memories must contain at most 10000 memories per request');
  });

  it('stores 10000 items when the batch is at the limit', async () => {
    // Arrange
    const memories = Array.from({ length: 10_000 }, (_, i) => ({ agent_id: 'a', content: `${i}` }));
    const big = await buildTestApp({ maxBodyBytes: 5 * 1024 * 1024 });

    // Act
    const res = await apiAs(big.app, big.adminKey).post('/api/v1/memories', { memories });

    // Assert
    expect(res.status).toBe(201);
    expect(res.body.count).toBe(10_000);
  });
});

describe('MemoryRoutes.get', () => {
  it('returns the memory when the id exists', async () => {
    // Arrange
    const created = await remember({ content: 'find me' });

    // Act
    const res = await api.get(`/api/v1/memories/${created.memory_id}`);

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created);
  });

  it('returns 404 when the id is unknown', async () => {
    // Arrange
    await remember({ content: 'mem_000000000000000000000000 appears in my content' });

    // Act
    const res = await api.get('/api/v1/memories/mem_000000000000000000000000');

    // Assert
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found', message: 'memory not found' });
  });

  it('returns 400 when the route gets a query parameter', async () => {
    // Arrange
    const created = await remember({ content: 'x' });

    // Act
    const res = await api.get(`/api/v1/memories/${created.memory_id}?fields=all`);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('fields is not a known field');
  });
});

describe('MemoryRoutes.list', () => {
  beforeEach(async () => {
    await remember({
      content: 'm1',
      session_id: 's1',
      tags: ['prod'],
      memory_type: 'episodic',
      event_type: 'page_crawled',
      importance: 0.2,
    });
    t.clock.advance(1000);
    await remember({
      content: 'm2',
      session_id: 's1',
      tags: ['production'],
      memory_type: 'decision',
      importance: 0.9,
    });
    t.clock.advance(1000);
    await remember({
      content: 'm3',
      session_id: 's2',
      tags: ['prod', 'eu'],
      memory_type: 'entity',
      event_type: 'error',
      importance: 0.5,
    });
    t.clock.advance(1000);
    await remember({ agent_id: 'agent_2', content: 'm4 other agent', tags: ['prod'] });
  });

  it('returns every memory newest first with count when no filter is given', async () => {
    // Act
    const res = await api.get('/api/v1/memories');

    // Assert
    expect(res.status).toBe(200);
    expect(contents(res.body)).toEqual(['m4 other agent', 'm3', 'm2', 'm1']);
    expect(res.body.count).toBe(4);
    expect(res.body.has_more).toBe(false);
  });

  it('returns oldest first when order is asc', async () => {
    // Act
    const res = await api.get('/api/v1/memories?order=asc');

    // Assert
    expect(contents(res.body)).toEqual(['m1', 'm2', 'm3', 'm4 other agent']);
  });

  it('returns 400 when order is neither asc nor desc', async () => {
    // Act
    const res = await api.get('/api/v1/memories?order=newest');

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("order must be 'asc' or 'desc'");
  });

  it('matches tags exactly when prod is asked for (never production)', async () => {
    // Act
    const res = await api.get('/api/v1/memories?tags=prod');

    // Assert
    expect(contents(res.body)).toEqual(['m4 other agent', 'm3', 'm1']);
  });

  it('requires every tag when tags are comma-separated', async () => {
    // Act
    const res = await api.get('/api/v1/memories?tags=prod,eu');

    // Assert
    expect(contents(res.body)).toEqual(['m3']);
  });

  it('requires every tag when the tags parameter is repeated', async () => {
    // Act
    const res = await api.get('/api/v1/memories?tags=prod&tags=eu');

    // Assert
    expect(contents(res.body)).toEqual(['m3']);
  });

  it('filters by agent_id and session_id when both are given', async () => {
    // Act
    const res = await api.get('/api/v1/memories?agent_id=agent_1&session_id=s1');

    // Assert
    expect(contents(res.body)).toEqual(['m2', 'm1']);
  });

  it('matches any of the types when memory_type is a list', async () => {
    // Act
    const res = await api.get('/api/v1/memories?memory_type=decision,entity');

    // Assert
    expect(contents(res.body)).toEqual(['m3', 'm2']);
  });

  it('matches any of the event types when event_type is repeated', async () => {
    // Act
    const res = await api.get('/api/v1/memories?event_type=error&event_type=page_crawled');

    // Assert
    expect(contents(res.body)).toEqual(['m3', 'm1']);
  });

  it('filters by content_contains and min_importance when given', async () => {
    // Act
    const byContent = await api.get('/api/v1/memories?content_contains=other');
    const byImportance = await api.get('/api/v1/memories?min_importance=0.5');

    // Assert
    expect(contents(byContent.body)).toEqual(['m4 other agent']);
    expect(contents(byImportance.body)).toEqual(['m3', 'm2']);
  });

  it('matches content_contains regardless of case with content_contains_ignore_case=true', async () => {
    // Act
    const exact = await api.get('/api/v1/memories?content_contains=OTHER');
    const anyCase = await api.get(
      '/api/v1/memories?content_contains=OTHER&content_contains_ignore_case=true',
    );
    const bad = await api.get(
      '/api/v1/memories?content_contains=OTHER&content_contains_ignore_case=maybe',
    );

    // Assert
    expect(contents(exact.body)).toEqual([]);
    expect(contents(anyCase.body)).toEqual(['m4 other agent']);
    expect(anyCase.body.count).toBe(1);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBeDefined();
  });

  it('binds a cursor to content_contains_ignore_case', async () => {
    // Arrange
    const first = await api.get(
      '/api/v1/memories?content_contains=M&content_contains_ignore_case=true&limit=1',
    );
    const cursor = encodeURIComponent(first.body.next_cursor as string);

    // Act
    const same = await api.get(
      `/api/v1/memories?content_contains=M&content_contains_ignore_case=true&limit=1&cursor=${cursor}`,
    );
    const other = await api.get(`/api/v1/memories?content_contains=M&limit=1&cursor=${cursor}`);

    // Assert
    expect(first.body.count).toBe(4);
    expect(same.status).toBe(200);
    expect(other.status).toBe(400);
  });

  it('includes since and excludes until when both bound the time', async () => {
    // Arrange: m2 is at +1s, m3 at +2s, m4 at +3s
    const since = new Date(Date.parse('2026-02-13T10:30:01Z')).toISOString();
    const until = new Date(Date.parse('2026-02-13T10:30:03Z')).toISOString();

    // Act
    const res = await api.get(`/api/v1/memories?since=${since}&until=${until}`);

    // Assert
    expect(contents(res.body)).toEqual(['m3', 'm2']);
  });

  it('reads since relative to now when it is 30m', async () => {
    // Arrange
    t.clock.advance(3_600_000);
    await remember({ content: 'an hour later' });

    // Act
    const res = await api.get('/api/v1/memories?since=30m');

    // Assert
    expect(contents(res.body)).toEqual(['an hour later']);
  });

  it('counts all matches and pages with has_more when limit and offset are given', async () => {
    // Act
    const first = await api.get('/api/v1/memories?limit=2');
    const second = await api.get('/api/v1/memories?limit=2&offset=2');

    // Assert
    expect(contents(first.body)).toEqual(['m4 other agent', 'm3']);
    expect(first.body).toMatchObject({ count: 4, has_more: true });
    expect(contents(second.body)).toEqual(['m2', 'm1']);
    expect(second.body).toMatchObject({ count: 4, has_more: false });
  });

  it('leaves count null and keeps has_more exact when include_count is false', async () => {
    // Act
    const first = await api.get('/api/v1/memories?limit=2&include_count=false');
    const last = await api.get('/api/v1/memories?limit=2&offset=2&include_count=false');
    const counted = await api.get('/api/v1/memories?limit=2&include_count=true');

    // Assert
    expect(contents(first.body)).toEqual(['m4 other agent', 'm3']);
    expect(first.body).toMatchObject({ count: null, has_more: true });
    expect(contents(last.body)).toEqual(['m2', 'm1']);
    expect(last.body).toMatchObject({ count: null, has_more: false });
    expect(counted.body).toMatchObject({ count: 4, has_more: true });
  });

  it('returns 400 when include_count is neither true nor false', async () => {
    // Act
    const res = await api.get('/api/v1/memories?include_count=yes');
    const twice = await api.get('/api/v1/memories?include_count=true&include_count=false');

    // Assert
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'invalid_request',
      message: 'include_count must be true or false',
    });
    expect(twice.status).toBe(400);
    expect(twice.body.message).toBe('include_count must be given once');
  });

  it('accepts limit 1000 when it is the maximum', async () => {
    // Act
    const res = await api.get('/api/v1/memories?limit=1000');

    // Assert
    expect(res.status).toBe(200);
  });

  it.each([
    ['limit=0', 'limit must be an integer from 1 to 1000'],
    ['limit=1001', 'limit must be an integer from 1 to 1000'],
    ['limit=abc', 'limit must be an integer from 1 to 1000'],
    ['limit=10&limit=20', 'limit must be given once'],
    ['offset=-1', 'offset must be a non-negative integer'],
    ['min_importance=NaN', 'min_importance must be a number between 0 and 1'],
    ['min_importance=2', 'min_importance must be a number between 0 and 1'],
    [
      'since=yesterday',
      "since must be a relative time (30m, 2h, 7d, 1w) or an ISO 8601 timestamp, got 'yesterday'",
    ],
    ['until=2026-02-30', "until names no such time: '2026-02-30' (February 2026 has 28 days)"],
    ['memory_type=fact', 'memory_type must be one of episodic, session, decision, entity'],
    [
      'event_type=bad-type',
      "event_type must start with a letter and contain only letters, digits or '_' (at most 64 characters)",
    ],
    ['tags=a%20b', "tags[0] must be 1 to 64 letters, digits, '_', '.' or '-', got 'a b'"],
    ['agent_id=a&agent_id=b', 'agent_id must be given once'],
    ['agentid=agent_1', 'agentid is not a known field'],
    ['tags[]=prod', 'tags[] is not a known field'],
  ])('returns 400 when the query is %s', async (query, message) => {
    // Act
    const res = await api.get(`/api/v1/memories?${query}`);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', message });
  });

  it('ignores a parameter when its value is empty', async () => {
    // Act
    const res = await api.get('/api/v1/memories?agent_id=&limit=');

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(4);
  });
});

describe('MemoryRoutes.search', () => {
  beforeEach(async () => {
    await remember({
      content: 'Crawled example.com',
      memory_type: 'episodic',
      event_type: 'page_crawled',
      tags: ['products'],
      importance: 0.6,
    });
    t.clock.advance(1000);
    await remember({
      content: 'Decided on example.com',
      memory_type: 'decision',
      tags: ['products'],
      importance: 0.9,
    });
    t.clock.advance(1000);
    await remember({
      content: 'Low value',
      memory_type: 'episodic',
      tags: ['products'],
      importance: 0.1,
    });
    t.clock.advance(1000);
    await remember({
      content: 'example.com entity',
      memory_type: 'entity',
      tags: ['production'],
      importance: 0.9,
    });
  });

  it('matches content_contains regardless of case when content_contains_ignore_case is true', async () => {
    // Act
    const exact = await api.post('/api/v1/search', { content_contains: 'EXAMPLE.COM' });
    const anyCase = await api.post('/api/v1/search', {
      content_contains: 'EXAMPLE.COM',
      content_contains_ignore_case: true,
      memory_types: ['entity'],
    });
    const bad = await api.post('/api/v1/search', {
      content_contains: 'x',
      content_contains_ignore_case: 'yes',
    });

    // Assert
    expect(exact.body.count).toBe(0);
    expect(contents(anyCase.body)).toEqual(['example.com entity']);
    expect(anyCase.body.count).toBe(1);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBeDefined();
  });

  it('returns results, count, has_more and query_time_ms when filters are posted', async () => {
    // Act
    const res = await api.post('/api/v1/search', {
      agent_id: 'agent_1',
      memory_types: ['episodic', 'decision'],
      tags: ['products'],
      content_contains: 'example.com',
      min_importance: 0.5,
      since: '7d',
      order: 'desc',
      limit: 50,
    });

    // Assert
    expect(res.status).toBe(200);
    expect(contents(res.body)).toEqual(['Decided on example.com', 'Crawled example.com']);
    expect(res.body.count).toBe(2);
    expect(res.body.has_more).toBe(false);
    expect(typeof res.body.query_time_ms).toBe('number');
    expect(res.body.query_time_ms).toBeGreaterThanOrEqual(0);
    expect(Math.round(res.body.query_time_ms * 100) / 100).toBe(res.body.query_time_ms);
    // Whole milliseconds, as the spec and the original SDKs' types have it, and the same time
    // in whole microseconds.
    expect(Number.isInteger(res.body.query_time_ms)).toBe(true);
    expect(Number.isInteger(res.body.query_time_us)).toBe(true);
    expect(Math.abs(res.body.query_time_us / 1000 - res.body.query_time_ms)).toBeLessThanOrEqual(
      0.5,
    );
  });

  it('leaves count null and keeps has_more exact when include_count is false', async () => {
    // Act
    const page = await api.post('/api/v1/search', {
      tags: ['products'],
      limit: 2,
      include_count: false,
    });
    const rest = await api.post('/api/v1/search', {
      tags: ['products'],
      limit: 2,
      offset: 2,
      include_count: false,
    });
    const wrong = await api.post('/api/v1/search', { include_count: 'false' });

    // Assert
    expect(page.status).toBe(200);
    expect(contents(page.body)).toEqual(['Low value', 'Decided on example.com']);
    expect(page.body).toMatchObject({ count: null, has_more: true });
    expect(contents(rest.body)).toEqual(['Crawled example.com']);
    expect(rest.body).toMatchObject({ count: null, has_more: false });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toBe('include_count must be true or false');
  });

  it('returns every memory when the body is empty', async () => {
    // Act
    const res = await api.post('/api/v1/search');

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(4);
  });

  it('filters by event_types and pages with offset when given', async () => {
    // Act
    const byEvent = await api.post('/api/v1/search', { event_types: ['page_crawled'] });
    const paged = await api.post('/api/v1/search', { order: 'asc', limit: 1, offset: 1 });

    // Assert
    expect(contents(byEvent.body)).toEqual(['Crawled example.com']);
    expect(contents(paged.body)).toEqual(['Decided on example.com']);
    expect(paged.body).toMatchObject({ count: 4, has_more: true });
  });

  it.each([
    [
      { memory_types: ['fact'] },
      'memory_types[0] must be one of episodic, session, decision, entity',
    ],
    [{ memory_types: 'episodic' }, 'memory_types must be an array of strings'],
    [{ tags: 'products' }, 'tags must be an array of strings'],
    [{ limit: 1001 }, 'limit must be an integer from 1 to 1000'],
    [{ limit: 0 }, 'limit must be an integer from 1 to 1000'],
    [{ limit: '50' }, 'limit must be a number'],
    [{ min_importance: 'high' }, 'min_importance must be a number'],
    [
      { since: 'last week' },
      "since must be a relative time (30m, 2h, 7d, 1w) or an ISO 8601 timestamp, got 'last week'",
    ],
    // `query` is the keyword search now (issue 16); `q` is its name in a query string only.
    [{ q: 'example' }, 'q is not a known field'],
    [{ query: 7 }, 'query must be a string'],
  ])('returns 400 when the search body is %j', async (body, message) => {
    // Act
    const res = await api.post('/api/v1/search', body);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
  });
});
