import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiAs, buildTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

/**
 * Every request example of the spec (../shared/spec/), sent as written: paths, fields and
 * defaults. Ids the spec invents (sess_abc123) are replaced by the ones the service returns,
 * except where a session is only named by memories (sess_abc), which the spec allows.
 */

let t: TestApp;
let api: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

const HOUR = 3_600_000;

/** Memories of session sess_abc at various ages, as the context examples assume. */
async function seedSessAbc(): Promise<void> {
  const now = t.clock.now();
  const at = (hoursAgo: number) => now - hoursAgo * HOUR;
  const items: [number, string, string][] = [
    [5, 'episodic', 'Visited the home page'],
    [3, 'episodic', 'Crawled https://example.com — found 3 product pages'],
    [3, 'entity', 'Product X: High engagement, trending topic'],
    [1, 'episodic', 'Extracted pricing data from 3 pages'],
    [1, 'decision', 'Decided to focus on product category A based on higher engagement'],
    [0.5, 'session', 'User wants a summary by noon'],
  ];
  for (const [hoursAgo, memoryType, content] of items) {
    t.clock.set(at(hoursAgo));
    const res = await api.post('/api/v1/memories', {
      agent_id: 'agent_abc',
      session_id: 'sess_abc',
      memory_type: memoryType,
      content,
    });
    expect(res.status).toBe(201);
  }
  t.clock.set(now);
}

describe('Spec.overview', () => {
  it('serves GET /health as in the overview', async () => {
    // Act
    const res = await request(t.app).get('/health');

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', service: 'memtrace' });
    expect(res.body.uptime).toMatch(/^(\d+h)?(\d+m)?\d+s$/);
  });

  it('serves GET /ready with its storage status', async () => {
    // Act
    const res = await request(t.app).get('/ready');

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
  });

  it('records the cURL example memory when the x-api-key header is used', async () => {
    // Act
    const res = await request(t.app)
      .post('/api/v1/memories')
      .set('x-api-key', t.adminKey)
      .set('Content-Type', 'application/json')
      .send(
        '{\n"agent_id": "my_agent",\n"content": "Crawled https://example.com",\n"memory_type": "episodic"\n}',
      );

    // Assert
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      agent_id: 'my_agent',
      content: 'Crawled https://example.com',
      memory_type: 'episodic',
    });
    expect(res.body.memory_id).toEqual(expect.any(String));
    expect(res.body.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
  });

  it('accepts Authorization: Bearer as the overview documents', async () => {
    // Act
    const res = await request(t.app)
      .get('/api/v1/memories')
      .set('Authorization', `Bearer ${t.adminKey}`);

    // Assert
    expect(res.status).toBe(200);
  });

  it('answers the documented error shape when agent_id is missing', async () => {
    // Act
    const res = await api.post('/api/v1/memories', { content: 'Crawled example.com' });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', message: 'agent_id is required' });
  });

  it.each(['2h', '30m', '7d', '1w', '2026-02-13T10:30:00Z'])(
    'accepts the documented time format %s',
    async (since) => {
      // Act
      const res = await api.get(`/api/v1/memories?since=${since}`);

      // Assert
      expect(res.status).toBe(200);
    },
  );

  it('paginates with limit and offset and reports has_more as documented', async () => {
    // Arrange
    for (let i = 0; i < 3; i++) {
      await api.post('/api/v1/memories', { agent_id: 'my_agent', content: `m${i}` });
    }

    // Act
    const res = await api.get('/api/v1/memories?limit=2&offset=0');

    // Assert
    expect(res.body).toMatchObject({ count: 3, has_more: true });
    expect(res.body.memories).toHaveLength(2);
  });
});

describe('Spec.memories', () => {
  it('records the single-memory example with 201 and every example field', async () => {
    // Act
    const res = await api.post('/api/v1/memories', {
      agent_id: 'agent_web_crawler',
      session_id: 'sess_abc123',
      memory_type: 'episodic',
      event_type: 'page_crawled',
      content: 'Crawled https://example.com — found 3 product pages',
      metadata: { url: 'https://example.com', pages_found: 3 },
      tags: ['crawling', 'products'],
      importance: 0.7,
      dedup_key: 'crawl_example_2026-02-07',
    });

    // Assert
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      time: '2026-02-13T10:30:00.000Z',
      org_id: 'org_default',
      agent_id: 'agent_web_crawler',
      content: 'Crawled https://example.com — found 3 product pages',
      memory_type: 'episodic',
      event_type: 'page_crawled',
      dedup_key: 'crawl_example_2026-02-07',
    });
  });

  it('records the batch example with 201', async () => {
    // Act
    const res = await api.post('/api/v1/memories', {
      memories: [
        { agent_id: 'agent_1', content: 'First memory', memory_type: 'episodic' },
        { agent_id: 'agent_1', content: 'Second memory', memory_type: 'decision' },
      ],
    });

    // Assert
    expect(res.status).toBe(201);
    expect(res.body.count).toBe(2);
    expect(res.body.memories).toHaveLength(2);
  });

  it('lists with every documented parameter', async () => {
    // Arrange
    await api.post('/api/v1/memories', {
      agent_id: 'agent_web_crawler',
      session_id: 'sess_abc123',
      memory_type: 'episodic',
      event_type: 'page_crawled',
      content: 'Crawled https://example.com',
      tags: ['crawling', 'products'],
    });

    // Act
    const res = await api.get(
      '/api/v1/memories?agent_id=agent_web_crawler&session_id=sess_abc123&memory_type=episodic' +
        '&event_type=page_crawled&tags=crawling,products&since=7d&until=2026-02-14T00:00:00Z' +
        '&limit=100&offset=0&order=desc',
    );

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ count: 1, has_more: false });
    expect(res.body.memories[0].content).toBe('Crawled https://example.com');
  });

  it('gets a memory by its id', async () => {
    // Arrange
    const created = await api.post('/api/v1/memories', { agent_id: 'a', content: 'by id' });

    // Act
    const res = await api.get(`/api/v1/memories/${created.body.memory_id}`);

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.memory_id).toBe(created.body.memory_id);
  });

  it('searches with the search example body', async () => {
    // Arrange
    await api.post('/api/v1/memories', {
      agent_id: 'agent_abc',
      memory_type: 'episodic',
      event_type: 'page_crawled',
      content: 'Crawled example.com',
      tags: ['products'],
      importance: 0.8,
    });

    // Act
    const res = await api.post('/api/v1/search', {
      agent_id: 'agent_abc',
      memory_types: ['episodic', 'decision'],
      event_types: ['page_crawled'],
      tags: ['products'],
      content_contains: 'example.com',
      min_importance: 0.5,
      since: '7d',
      order: 'desc',
      limit: 50,
    });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(1);
    expect(res.body.results).toHaveLength(1);
    expect(typeof res.body.query_time_ms).toBe('number');
  });
});

describe('Spec.agents', () => {
  it('registers, lists, gets, reports and deletes as the agent examples show', async () => {
    // Act
    const created = await api.post('/api/v1/agents', {
      name: 'web_crawler',
      description: 'Crawls product pages',
      config: { max_depth: 3 },
    });
    const list = await api.get('/api/v1/agents');
    const got = await api.get(`/api/v1/agents/${created.body.agent_id}`);
    await api.post('/api/v1/memories', { agent_id: 'agent_abc', content: 'something' });
    const stats = await api.get('/api/v1/agents/agent_abc/stats');
    const deleted = await api.delete(`/api/v1/agents/${created.body.agent_id}`);

    // Assert
    expect(created.status).toBe(201);
    expect(list.status).toBe(200);
    expect(list.body.agents).toHaveLength(1);
    expect(got.body.name).toBe('web_crawler');
    expect(stats.status).toBe(200);
    expect(Object.keys(stats.body).sort()).toEqual(
      [
        'agent_id',
        'memory_count',
        'memories_24h',
        'errors_24h',
        'session_count',
        'active_sessions',
        'memory_types',
      ].sort(),
    );
    expect(stats.body).toMatchObject({
      agent_id: 'agent_abc',
      memory_count: 1,
      memory_types: { episodic: 1 },
    });
    expect(deleted.status).toBe(204);
  });
});

describe('Spec.sessions', () => {
  it('creates the session of the example with agent_abc and no prior registration', async () => {
    // Act
    const res = await request(t.app)
      .post('/api/v1/sessions')
      .set('x-api-key', t.adminKey)
      .set('Content-Type', 'application/json')
      .send('{\n"agent_id": "agent_abc",\n"metadata": {"task": "product_research"}\n}');

    // Assert
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      agent_id: 'agent_abc',
      status: 'active',
      created_at: '2026-02-13T10:30:00.000Z',
      metadata: { task: 'product_research' },
    });
    expect(res.body.session_id).toMatch(/^sess_/);
  });

  it('creates the agent_researcher session of the examples', async () => {
    // Act
    const res = await api.post('/api/v1/sessions', {
      agent_id: 'agent_researcher',
      metadata: { task: 'market_research', topic: 'golang_generics' },
    });

    // Assert
    expect(res.status).toBe(201);
    expect(res.body.metadata).toEqual({ task: 'market_research', topic: 'golang_generics' });
  });

  it('lists, gets and closes a session as the examples show', async () => {
    // Arrange
    const created = await api.post('/api/v1/sessions', {
      agent_id: 'agent_abc',
      metadata: { task: 'product_research' },
    });
    const id = created.body.session_id as string;

    // Act
    const list = await api.get('/api/v1/sessions?agent_id=agent_abc');
    const got = await api.get(`/api/v1/sessions/${id}`);
    t.clock.advance(HOUR);
    const closed = await api.put(`/api/v1/sessions/${id}`, { status: 'closed' });

    // Assert
    expect(list.status).toBe(200);
    expect(list.body.count).toBe(1);
    expect(list.body.sessions[0]).toMatchObject({
      session_id: id,
      agent_id: 'agent_abc',
      status: 'active',
    });
    expect(got.body).toMatchObject({
      session_id: id,
      agent_id: 'agent_abc',
      status: 'active',
      created_at: '2026-02-13T10:30:00.000Z',
      updated_at: '2026-02-13T10:30:00.000Z',
      metadata: { task: 'product_research' },
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      session_id: id,
      agent_id: 'agent_abc',
      status: 'closed',
      updated_at: '2026-02-13T11:30:00.000Z',
    });
  });

  it('returns the context of the main example (since 4h, episodic and decision, 2000 tokens)', async () => {
    // Arrange
    await seedSessAbc();

    // Act
    const res = await api.post('/api/v1/sessions/sess_abc/context', {
      since: '4h',
      include_types: ['episodic', 'decision'],
      max_tokens: 2000,
    });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.session_id).toBe('sess_abc');
    expect(res.body.memory_count).toBe(3);
    expect(res.body.context).toBe(
      [
        '## Session Context (sess_abc)',
        '',
        '### Recent Actions (2)',
        '- Extracted pricing data from 3 pages',
        '- Crawled https://example.com — found 3 product pages',
        '',
        '### Decisions (1)',
        '- Decided to focus on product category A based on higher engagement',
      ].join('\n'),
    );
  });

  it('returns the context of the example without max_tokens', async () => {
    // Arrange
    await seedSessAbc();

    // Act
    const res = await api.post('/api/v1/sessions/sess_abc/context', {
      since: '4h',
      include_types: ['episodic', 'decision'],
    });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.memory_count).toBe(3);
  });

  it('filters the context to the last 2 hours when since is 2h', async () => {
    // Arrange
    await seedSessAbc();

    // Act
    const res = await api.post('/api/v1/sessions/sess_abc/context', { since: '2h' });

    // Assert
    expect(res.body.memory_count).toBe(3);
    expect(res.body.context).not.toContain('Crawled');
    expect(res.body.context).toContain('### Session Notes (1)');
  });

  it('limits the context to about 2000 tokens when max_tokens is 2000', async () => {
    // Arrange
    await seedSessAbc();

    // Act
    const res = await api.post('/api/v1/sessions/sess_abc/context', {
      since: '4h',
      max_tokens: 2000,
    });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.context.length).toBeLessThanOrEqual(8000);
    expect(res.body.memory_count).toBe(5);
  });

  it('leaves out entity memories when exclude_types is entity', async () => {
    // Arrange
    await seedSessAbc();

    // Act
    const res = await api.post('/api/v1/sessions/sess_abc/context', {
      since: '4h',
      exclude_types: ['entity'],
    });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.context).not.toContain('### Entities');
    expect(res.body.memory_count).toBe(4);
  });

  it('closes the session with PUT {"status":"closed"} as in the last example', async () => {
    // Arrange
    const created = await api.post('/api/v1/sessions', { agent_id: 'agent_abc' });

    // Act
    const res = await request(t.app)
      .put(`/api/v1/sessions/${created.body.session_id}`)
      .set('x-api-key', t.adminKey)
      .set('Content-Type', 'application/json')
      .send('{"status": "closed"}');

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('closed');
  });
});
