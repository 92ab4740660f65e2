import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, MAX_BATCH_SIZE, MAX_TAGS, type Limits } from '../../domain/index.js';
import { apiAs, buildTestApp, createKey, type ApiClient } from '../support/test-app.js';

/** Runs on every driver (see vitest.config.ts): the limits hold, and what they allow works. */

const MAX = DEFAULT_LIMITS.maxFilterValues;
const tagsOf = (n: number, prefix = 't'): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`);

async function appWith(limits: Partial<Limits> = {}, maxBodyBytes?: number) {
  const t = await buildTestApp({
    limits: { ...DEFAULT_LIMITS, ...limits },
    ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
  });
  return { t, api: apiAs(t.app, t.adminKey) };
}

describe('MemoryRoutes.filterLimits', () => {
  const over = Array.from({ length: MAX + 1 });
  const types = over.map((_, i) => ['episodic', 'decision'][i % 2] as string);
  const events = over.map((_, i) => `event_${i}`);
  const tags = tagsOf(MAX + 1);
  const q = (name: string, values: string[]) => values.map((v) => `${name}=${v}`).join('&');
  const message = (field: string) => `${field} must have at most ${MAX} values, got ${MAX + 1}`;

  it.each([
    ['GET /memories tags', 'get', `/api/v1/memories?${q('tags', tags)}&limit=1`, 'tags'],
    [
      'GET /memories memory_type',
      'get',
      `/api/v1/memories?${q('memory_type', types)}`,
      'memory_type',
    ],
    [
      'GET /memories event_type',
      'get',
      `/api/v1/memories?${q('event_type', events)}`,
      'event_type',
    ],
    [
      'GET /memories comma-separated tags',
      'get',
      `/api/v1/memories?tags=${tags.join(',')}`,
      'tags',
    ],
    [
      'GET /agents/:id/memories tags',
      'get',
      `/api/v1/agents/agent_a/memories?${q('tags', tags)}`,
      'tags',
    ],
    [
      'GET /sessions/:id/memories tags',
      'get',
      `/api/v1/sessions/sess_a/memories?${q('tags', tags)}`,
      'tags',
    ],
    ['POST /search tags', 'post', '/api/v1/search', 'tags', { tags }],
    [
      'POST /search memory_types',
      'post',
      '/api/v1/search',
      'memory_types',
      { memory_types: types },
    ],
    ['POST /search event_types', 'post', '/api/v1/search', 'event_types', { event_types: events }],
    [
      'POST context include_types',
      'post',
      '/api/v1/sessions/sess_a/context',
      'include_types',
      { include_types: types },
    ],
    [
      'POST context exclude_types',
      'post',
      '/api/v1/sessions/sess_a/context',
      'exclude_types',
      { exclude_types: types },
    ],
  ] as const)(
    'returns 400 naming the limit when %s has one value more than the limit',
    async (_name, method, path, field, body?: object) => {
      // Arrange
      const { t } = await appWith();
      const reader = apiAs(t.app, await createKey(t, ['read']));

      // Act
      const res = method === 'get' ? await reader.get(path) : await reader.post(path, body);

      // Assert
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_request', message: message(field) });
    },
  );

  it('returns 400 with the configured limit when a filter passes a lower one', async () => {
    // Arrange
    const { api } = await appWith({ maxFilterValues: 3 });

    // Act
    const res = await api.get(`/api/v1/memories?tags=${tagsOf(4).join(',')}`);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('tags must have at most 3 values, got 4');
  });

  it('finds exactly the memories carrying every tag when filtering by as many tags as allowed', async () => {
    // Arrange: one memory with every tag, one lacking the last, in a session and outside one
    const { api } = await appWith();
    const all = tagsOf(MAX);
    const stored = await api.post('/api/v1/memories', {
      memories: [
        { agent_id: 'agent_a', content: 'every tag', tags: all },
        { agent_id: 'agent_a', content: 'one tag short', tags: all.slice(0, -1) },
        { agent_id: 'agent_a', session_id: 'sess_a', content: 'in session', tags: all },
        {
          agent_id: 'agent_a',
          session_id: 'sess_a',
          content: 'short in session',
          tags: all.slice(1),
        },
      ],
    });
    expect(stored.status).toBe(201);

    // Act
    const listed = await api.get(`/api/v1/memories?tags=${all.join(',')}`);
    const searched = await api.post('/api/v1/search', { tags: [...all].reverse(), limit: 1 });
    const inSession = await api.get(`/api/v1/sessions/sess_a/memories?tags=${all.join(',')}`);
    const reversed = await api.get(
      `/api/v1/memories?tags=${[...all].reverse().join(',')}&order=asc`,
    );

    // Assert
    expect(listed.status).toBe(200);
    expect(listed.body.memories.map((m: { content: string }) => m.content)).toEqual([
      'in session',
      'every tag',
    ]);
    expect(listed.body.count).toBe(2);
    expect(searched.body).toMatchObject({ count: 2, has_more: true });
    expect(searched.body.results.map((m: { content: string }) => m.content)).toEqual([
      'in session',
    ]);
    expect(inSession.body.memories.map((m: { content: string }) => m.content)).toEqual([
      'in session',
    ]);
    expect(reversed.body.memories.map((m: { content: string }) => m.content)).toEqual([
      'every tag',
      'in session',
    ]);
  });
});

describe('MemoryRoutes.batchLimits', () => {
  it('returns 201 and stores every memory when a batch is as large as the limits allow', async () => {
    // Arrange: MAX_BATCH_SIZE memories carrying maxBatchTags tags in all
    const { api } = await appWith({}, 10 * 1024 * 1024);
    const perMemory = Math.floor(DEFAULT_LIMITS.maxBatchTags / MAX_BATCH_SIZE);
    const memories = Array.from({ length: MAX_BATCH_SIZE }, (_, i) => ({
      agent_id: 'agent_a',
      content: `memory ${i}`,
      tags: tagsOf(perMemory),
    }));

    // Act
    const res = await api.post('/api/v1/memories', { memories });

    // Assert
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201);
    expect(res.body).toMatchObject({ count: MAX_BATCH_SIZE, duplicates: 0 });
    const everything = await api.get('/api/v1/memories?limit=1');
    expect(everything.status, JSON.stringify(everything.body).slice(0, 300)).toBe(200);
    expect(everything.body.count).toBe(MAX_BATCH_SIZE);
    const tagged = await api.get(`/api/v1/memories?tags=${tagsOf(perMemory).join(',')}&limit=1`);
    expect(tagged.body.count, JSON.stringify(tagged.body).slice(0, 300)).toBe(MAX_BATCH_SIZE);
  }, 120_000);

  it('returns 201 and stores every memory when a batch gives every memory the most tags', async () => {
    // Arrange
    const { api } = await appWith({}, 10 * 1024 * 1024);
    const count = Math.floor(DEFAULT_LIMITS.maxBatchTags / MAX_TAGS);
    const memories = Array.from({ length: count }, (_, i) => ({
      agent_id: 'agent_a',
      content: `memory ${i}`,
      tags: tagsOf(MAX_TAGS),
    }));

    // Act
    const res = await api.post('/api/v1/memories', { memories });

    // Assert
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201);
    expect(res.body.count).toBe(count);
    const tagged = await api.get(`/api/v1/memories?tags=t0,t${MAX_TAGS - 1}&limit=1`);
    expect(tagged.body.count).toBe(count);
  }, 120_000);

  it('returns 201 and stores every memory when the tag limit is raised for a batch of 170,000 rows', async () => {
    // Arrange: more than one statement can write within PostgreSQL's statement timeout
    const { api } = await appWith({ maxBatchTags: 160_000 }, 10 * 1024 * 1024);
    const memories = Array.from({ length: MAX_BATCH_SIZE }, (_, i) => ({
      agent_id: 'agent_a',
      content: `memory ${i}`,
      tags: tagsOf(16),
    }));

    // Act
    const res = await api.post('/api/v1/memories', { memories });

    // Assert
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201);
    expect(res.body.count).toBe(MAX_BATCH_SIZE);
    const tagged = await api.get('/api/v1/memories?tags=t15&limit=1');
    expect(tagged.status, JSON.stringify(tagged.body).slice(0, 300)).toBe(200);
    expect(tagged.body.count).toBe(MAX_BATCH_SIZE);
  }, 120_000);

  it('returns 400 naming the limit and stores nothing when a batch carries too many tags', async () => {
    // Arrange
    const { api } = await appWith({ maxBatchTags: 100 });
    const memories = Array.from({ length: 11 }, (_, i) => ({
      agent_id: 'agent_a',
      content: `memory ${i}`,
      // Repeats are dropped before counting: 10 tags each, 110 in all.
      tags: [...tagsOf(10), 't0'],
    }));

    // Act
    const res = await api.post('/api/v1/memories', { memories });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'invalid_request',
      message: 'memories must carry at most 100 tags in all per request, got 110',
    });
    expect((await api.get('/api/v1/memories')).body.count).toBe(0);
  });
});

describe('MetadataLimits', () => {
  const LIMIT = 4096;
  const blob = (bytes: number) => 'x'.repeat(bytes);

  async function newSession(api: ApiClient, metadata: object = {}) {
    const res = await api.post('/api/v1/sessions', { agent_id: 'agent_a', metadata });
    expect(res.status).toBe(201);
    return res.body.session_id as string;
  }

  it('returns 400 naming the limit and keeps the session when a merge would pass the limit', async () => {
    // Arrange
    const { api } = await appWith({ maxMetadataBytes: LIMIT });
    const id = await newSession(api, { a: blob(2000) });

    // Act
    const res = await api.put(`/api/v1/sessions/${id}`, {
      status: 'closed',
      metadata: { b: blob(2500) },
    });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'invalid_request',
      message: `metadata must keep the session's metadata at most ${LIMIT} bytes of JSON once merged, merged it would be 4515`,
    });
    const stored = await api.get(`/api/v1/sessions/${id}`);
    expect(stored.body).toMatchObject({ status: 'active', metadata: { a: blob(2000) } });
  });

  it('returns 200 when a merge that removes a key keeps the metadata within the limit', async () => {
    // Arrange
    const { api } = await appWith({ maxMetadataBytes: LIMIT });
    const id = await newSession(api, { a: blob(2000) });

    // Act
    const res = await api.put(`/api/v1/sessions/${id}`, { metadata: { a: null, b: blob(3000) } });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.metadata).toEqual({ b: blob(3000) });
  });

  it('keeps the metadata within the limit when concurrent merges race', async () => {
    // Arrange: each merge fits alone, any three together do not
    const { api } = await appWith({ maxMetadataBytes: LIMIT });
    const id = await newSession(api);
    const keys = Array.from({ length: 8 }, (_, i) => `k${i}`);

    // Act
    const results = await Promise.all(
      keys.map((k) => api.put(`/api/v1/sessions/${id}`, { metadata: { [k]: blob(1500) } })),
    );

    // Assert
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 400, 400, 400, 400, 400, 400]);
    const stored = await api.get(`/api/v1/sessions/${id}`);
    const accepted = keys.filter((_, i) => results[i]?.status === 200);
    expect(Object.keys(stored.body.metadata).sort()).toEqual(accepted);
    expect(JSON.stringify(stored.body.metadata).length).toBeLessThanOrEqual(LIMIT);
  });

  it.each([
    [
      'a session',
      '/api/v1/sessions',
      { agent_id: 'agent_a', metadata: { a: blob(LIMIT) } },
      'metadata',
    ],
    ['an agent', '/api/v1/agents', { name: 'agent_a', config: { a: blob(LIMIT) } }, 'config'],
    [
      'a memory',
      '/api/v1/memories',
      { agent_id: 'agent_a', content: 'x', metadata: { a: blob(LIMIT) } },
      'metadata',
    ],
    [
      'a batch',
      '/api/v1/memories',
      {
        memories: [
          { agent_id: 'agent_a', content: 'x' },
          { agent_id: 'agent_a', content: 'y', metadata: { a: blob(LIMIT) } },
        ],
      },
      'memories[1].metadata',
    ],
  ] as const)(
    'returns 400 naming the limit when %s is created with too large an object',
    async (_name, path, body, field) => {
      // Arrange
      const { api } = await appWith({ maxMetadataBytes: LIMIT });

      // Act
      const res = await api.post(path, body);

      // Assert
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        error: 'invalid_request',
        message: `${field} must be at most ${LIMIT} bytes of JSON, got ${LIMIT + 8}`,
      });
    },
  );

  it('counts bytes, not characters, when the metadata is not ASCII', async () => {
    // Arrange: 1400 three-byte characters are 4200 bytes
    const { api } = await appWith({ maxMetadataBytes: LIMIT });

    // Act
    const res = await api.post('/api/v1/sessions', {
      agent_id: 'agent_a',
      metadata: { a: '€'.repeat(1400) },
    });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(`metadata must be at most ${LIMIT} bytes of JSON, got 4208`);
  });
});
