import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ArcMemoryStore } from '../../adapters/storage/arc/index.js';
import type { MemoryQuery } from '../../domain/index.js';
import { openArcTestStorage, type ArcTestStorage } from '../support/arc-harness.js';
import { aMemory } from '../support/builders.js';
import { apiAs, buildTestApp } from '../support/test-app.js';

const ORG = 'org_a';
const TIMEOUT_MS = 1000;
const all: MemoryQuery = { filter: {}, order: 'asc', limit: null, offset: 0 };

/** Rows Arc holds for the org, copies included (what the store collapses when it reads). */
async function physicalRows(arc: ArcTestStorage, database: string): Promise<number> {
  const res = await fetch(`${arc.fake.url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-arc-database': database },
    body: JSON.stringify({ sql: 'SELECT count(*) AS n FROM events' }),
  });
  return ((await res.json()) as { data: number[][] }).data[0]?.[0] ?? 0;
}

describe('ArcMemoryStore when a write loses its answer', () => {
  let arc: ArcTestStorage;
  let store: ArcMemoryStore;
  beforeAll(async () => {
    arc = await openArcTestStorage({}, { timeoutMs: TIMEOUT_MS, retries: 2 });
    store = arc.storage.memories as ArcMemoryStore;
  });
  beforeEach(async () => arc.reset());
  afterEach(() => arc.fake.clearFaults());
  afterAll(async () => arc.close());

  /** Arc takes the next `n` writes, then drops the connection instead of answering 204. */
  const dropNextWrites = (n: number) =>
    arc.fake.injectFault({ dropAfterHandling: true, path: '/write/msgpack', times: n });
  const database = async () => (await arc.resolve(ORG)).database;

  it('stores the memory once when Arc took it but the connection dropped before its answer', async () => {
    const m = aMemory({ dedupKey: 'k' });
    dropNextWrites(1);
    expect(await store.insert([m], { windowMs: 3_600_000 })).toEqual([
      { status: 'created', memory: m },
    ]);
    expect(await physicalRows(arc, await database())).toBe(2);
    expect(await store.find(ORG, all)).toEqual([m]);
    expect(await store.count(ORG, {})).toBe(1);
    expect((await store.stats(ORG, [m.agentId], 0)).memoryCount).toBe(1);
    expect(await store.findById(ORG, m.id)).toEqual(m);
  });

  it('answers 503 when no attempt gets an answer, resends before the next write, and stores each once', async () => {
    const lost = aMemory();
    dropNextWrites(3);
    await expect(store.insert([lost], null)).rejects.toMatchObject({ kind: 'unavailable' });
    const next = aMemory();
    expect((await store.insert([next], null))[0]?.status).toBe('created');
    // Three attempts and the resend of `lost` all reached Arc, then `next`.
    expect(await physicalRows(arc, await database())).toBe(5);
    expect((await store.find(ORG, all)).map((x) => x.id)).toEqual([lost.id, next.id]);
    expect(await store.count(ORG, {})).toBe(2);
  });

  it('treats a retry of a resent write with the same dedup key as the duplicate it is', async () => {
    const policy = { windowMs: 3_600_000 };
    const first = aMemory({ dedupKey: 'same' });
    dropNextWrites(3);
    await expect(store.insert([first], policy)).rejects.toMatchObject({ kind: 'unavailable' });
    // The client retries its request: a new memory with the same key.
    expect(await store.insert([aMemory({ dedupKey: 'same' })], policy)).toEqual([
      { status: 'duplicate', existingId: first.id },
    ]);
    expect(await store.count(ORG, {})).toBe(1);
  });
});

describe('ArcMemoryStore retries', () => {
  let arc: ArcTestStorage;
  beforeAll(async () => {
    arc = await openArcTestStorage({}, { timeoutMs: TIMEOUT_MS, retries: 2 });
  });
  beforeEach(async () => arc.reset());
  afterEach(() => arc.fake.clearFaults());
  afterAll(async () => arc.close());

  it('stores a write once when the connection dropped before Arc took it', async () => {
    const m = aMemory();
    arc.fake.injectFault({ dropSocket: true, path: '/write/msgpack' });
    await arc.storage.memories.insert([m], null);
    expect(await arc.storage.memories.find(ORG, all)).toEqual([m]);
  });

  it('retries a query whose 200 answer was cut off, and one Arc answered 503', async () => {
    const m = aMemory();
    await arc.storage.memories.insert([m], null);
    arc.fake.injectFault({ truncate200: true, path: '/api/v1/query' });
    expect(await arc.storage.memories.find(ORG, all)).toEqual([m]);
    arc.fake.injectFault({ status: 503, path: '/api/v1/query' });
    expect(await arc.storage.memories.count(ORG, {})).toBe(1);
  });

  it('retries a query Arc answered 200 with fewer rows after failing mid-stream', async () => {
    const ms = [aMemory(), aMemory(), aMemory()];
    await arc.storage.memories.insert(ms, null);
    arc.fake.injectFault({ midStreamError: true, path: '/api/v1/query' });
    expect(await arc.storage.memories.find(ORG, all)).toEqual(ms);
    arc.fake.injectFault({ midStreamError: true, path: '/api/v1/query' });
    expect(await arc.storage.memories.count(ORG, {})).toBe(3);
    arc.fake.injectFault({ midStreamError: true, path: '/api/v1/query', times: 10 });
    await expect(arc.storage.memories.count(ORG, {})).rejects.toMatchObject({
      kind: 'unavailable',
    });
  });

  it('reports a 500 of Arc as unavailable without retrying it', async () => {
    arc.fake.injectFault({ status: 500, path: '/api/v1/query', times: 1 });
    await expect(arc.storage.memories.count(ORG, {})).rejects.toMatchObject({
      kind: 'unavailable',
    });
    expect(await arc.storage.memories.count(ORG, {})).toBe(0);
  });
});

describe('memtrace on Arc when Arc goes away', () => {
  let arc: ArcTestStorage;
  beforeAll(async () => {
    arc = await openArcTestStorage({}, { timeoutMs: TIMEOUT_MS, retries: 3 });
  });
  beforeEach(async () => arc.reset());
  afterEach(async () => {
    arc.fake.clearFaults();
    await arc.fake.resume();
  });
  afterAll(async () => arc.close());

  const timed = async (t: request.Test) => {
    const started = Date.now();
    const res = await t;
    return { res, ms: Date.now() - started };
  };

  it('answers 503 within the timeout and is not ready while Arc is down, then recovers by itself', async () => {
    const t = await buildTestApp({ storage: arc.storage });
    const api = apiAs(t.app, t.adminKey);
    const body = { agent_id: 'a1', content: 'before' };
    expect((await api.post('/api/v1/memories', body)).status).toBe(201);

    await arc.fake.pause();
    for (const call of [
      api.get('/api/v1/memories'),
      api.post('/api/v1/memories', { agent_id: 'a1', content: 'during' }),
      api.post('/api/v1/search', {}),
    ]) {
      const { res, ms } = await timed(call);
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('unavailable');
      expect(ms).toBeLessThan(TIMEOUT_MS + 500);
    }
    expect((await request(t.app).get('/ready')).status).toBe(503);

    await arc.fake.resume();
    expect((await request(t.app).get('/ready')).status).toBe(200);
    const list = await api.get('/api/v1/memories');
    expect(list.status).toBe(200);
    expect(list.body.memories.map((m: { content: string }) => m.content)).toEqual(['before']);
    expect((await api.post('/api/v1/memories', { agent_id: 'a1', content: 'after' })).status).toBe(
      201,
    );
  });

  it('answers 503 within the timeout when Arc accepts connections but never answers', async () => {
    const t = await buildTestApp({ storage: arc.storage });
    const api = apiAs(t.app, t.adminKey);
    arc.fake.injectFault({ latencyMs: 5000, times: 100 });
    const { res, ms } = await timed(api.get('/api/v1/memories'));
    expect(res.status).toBe(503);
    expect(ms).toBeLessThan(TIMEOUT_MS + 500);
    expect((await request(t.app).get('/ready')).status).toBe(503);
    arc.fake.clearFaults();
    expect((await api.get('/api/v1/memories')).status).toBe(200);
  });

  it('is not ready while Arc reports itself not ready, and ready again after', async () => {
    const t = await buildTestApp({ storage: arc.storage });
    arc.fake.setReady(false);
    try {
      expect((await request(t.app).get('/ready')).status).toBe(503);
    } finally {
      arc.fake.setReady(true);
    }
    expect((await request(t.app).get('/ready')).status).toBe(200);
  });
});

describe('ArcMemoryStore against an Arc with auth on', () => {
  const token = 'arc-token-'.padEnd(40, 'x');
  let arc: ArcTestStorage;
  beforeAll(async () => {
    arc = await openArcTestStorage({ authToken: token }, { timeoutMs: TIMEOUT_MS });
  });
  afterAll(async () => arc.close());

  it('sends its token on writes and queries', async () => {
    const m = aMemory();
    await arc.storage.memories.insert([m], null);
    expect(await arc.storage.memories.findById(ORG, m.id)).toEqual(m);
    const sent = arc.fake.requests.filter((r) => r.path.startsWith('/api/v1/'));
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) expect(r.headers['authorization']).toBe(`Bearer ${token}`);
  });

  it('reports a refused token as unavailable, saying so', async () => {
    const { createArcMemoryStore } = await import('../../adapters/storage/arc/index.js');
    const wrong = createArcMemoryStore({
      resolveTarget: async () => ({
        url: arc.fake.url,
        apiKey: 'not-the-token',
        database: 'auth_test',
        measurement: 'events',
      }),
      timeoutMs: TIMEOUT_MS,
    });
    await expect(wrong.count(ORG, {})).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/refused the API key/),
    });
    await expect(wrong.insert([aMemory()], null)).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('refuses filters too long for Arc as invalid rather than sending them', async () => {
    const before = arc.fake.requests.length;
    await expect(
      arc.storage.memories.count(ORG, { contentContains: 'x'.repeat(10_000) }),
    ).rejects.toMatchObject({ kind: 'invalid' });
    expect(arc.fake.requests.length).toBe(before);
  });
});
