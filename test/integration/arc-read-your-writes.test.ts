import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ArcMemoryStore } from '../../adapters/storage/arc/index.js';
import type { Memory, MemoryQuery } from '../../domain/index.js';
import { openArcTestStorage, type ArcTestStorage } from '../support/arc-harness.js';
import { aMemory, BASE_TIME } from '../support/builders.js';
import { apiAs, buildTestApp } from '../support/test-app.js';

const ORG = 'org_a';
const all = (order: 'asc' | 'desc' = 'asc'): MemoryQuery => ({
  filter: {},
  order,
  limit: null,
  offset: 0,
});
const ids = (ms: readonly Memory[]) => ms.map((m) => m.id);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Arc shows writes only after its buffer is flushed: here 200 ms after the first write. */
describe('ArcMemoryStore read-your-writes (stand-in buffer age 200 ms)', () => {
  let arc: ArcTestStorage;
  let store: ArcMemoryStore;
  beforeAll(async () => {
    arc = await openArcTestStorage({ maxBufferAgeMs: 200 });
    store = arc.storage.memories as ArcMemoryStore;
  });
  beforeEach(async () => {
    await arc.fake.flushAll();
    await arc.reset();
  });
  afterAll(async () => arc.close());

  /** What Arc itself shows, bypassing the store's merge. */
  const arcCount = async (orgId = ORG) => {
    const res = await fetch(`${arc.fake.url}/api/v1/query`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-arc-database': (await arc.resolve(orgId)).database,
      },
      body: JSON.stringify({ sql: 'SELECT count(*) AS n FROM events' }),
    });
    return ((await res.json()) as { data: number[][] }).data[0]?.[0] ?? 0;
  };

  it('reads a write back at once by id, in lists, counts and stats while Arc does not show it', async () => {
    const m = aMemory({ agentId: 'crawler', eventType: 'error', time: BASE_TIME });
    await store.insert([m], null);
    expect(await arcCount()).toBe(0);
    expect(await store.findById(ORG, m.id)).toEqual(m);
    expect(ids(await store.find(ORG, all()))).toEqual([m.id]);
    expect(await store.count(ORG, { agentId: 'crawler' })).toBe(1);
    expect(await store.stats(ORG, ['crawler'], BASE_TIME)).toEqual({
      memoryCount: 1,
      memoriesSince: 1,
      errorsSince: 1,
      memoryTypes: { episodic: 1 },
    });
  });

  it('shows each memory once after Arc flushes, and stops merging it once Arc shows it', async () => {
    const a = aMemory({ time: BASE_TIME });
    const b = aMemory({ time: BASE_TIME });
    // Earlier tests' writes to their own databases may still be pending.
    const before = store.pendingCount();
    await store.insert([a, b], null);
    expect(store.pendingCount()).toBe(before + 2);
    await sleep(450);
    expect(ids(await store.find(ORG, all()))).toEqual([a.id, b.id]);
    expect(await store.count(ORG, {})).toBe(2);
    expect(store.pendingCount()).toBe(before);
  });

  it('stops merging a batch larger than one visibility check once Arc shows it, at the next read', async () => {
    const before = store.pendingCount();
    const batch = Array.from({ length: 5_000 }, () => aMemory({ time: BASE_TIME }));
    await store.insert(batch, null);
    expect(store.pendingCount()).toBe(before + 5_000);
    await sleep(450);
    expect(await store.count(ORG, {})).toBe(5_000);
    expect(store.pendingCount()).toBe(before);
  });

  it('stops keeping writes Arc shows even when nothing reads', async () => {
    const before = store.pendingCount();
    const first = aMemory();
    await store.insert([first], null);
    await sleep(450);
    await store.insert([aMemory()], null);
    await expect.poll(() => store.pendingCount(), { timeout: 2000 }).toBe(before + 1);
  });

  it('pages visible and not yet visible memories together in time and insertion order', async () => {
    const old = Array.from({ length: 5 }, (_, i) => aMemory({ time: BASE_TIME + (i % 3) }));
    await store.insert(old, null);
    await arc.fake.flushAll();
    const fresh = Array.from({ length: 5 }, (_, i) => aMemory({ time: BASE_TIME + (i % 4) }));
    await store.insert(fresh, null);
    const everything = [...old, ...fresh]
      .map((m, seq) => ({ m, seq }))
      .sort((x, y) => x.m.time - y.m.time || x.seq - y.seq)
      .map((x) => x.m.id);
    expect(ids(await store.find(ORG, all('asc')))).toEqual(everything);
    expect(ids(await store.find(ORG, all('desc')))).toEqual([...everything].reverse());
    for (const [offset, limit] of [
      [0, 3],
      [2, 4],
      [7, 5],
    ] as const) {
      const page = await store.find(ORG, { filter: {}, order: 'desc', limit, offset });
      expect(ids(page)).toEqual([...everything].reverse().slice(offset, offset + limit));
    }
    expect(await store.count(ORG, {})).toBe(10);
  });

  it('recognises a duplicate of a write Arc does not show yet', async () => {
    const policy = { windowMs: 3_600_000 };
    const first = aMemory({ dedupKey: 'k' });
    await store.insert([first], policy);
    expect(await arcCount()).toBe(0);
    expect(await store.insert([aMemory({ dedupKey: 'k' })], policy)).toEqual([
      { status: 'duplicate', existingId: first.id },
    ]);
  });

  it('lets exactly one of many concurrent inserts of one key land', async () => {
    const policy = { windowMs: 3_600_000 };
    const outs = await Promise.all(
      Array.from({ length: 20 }, () => store.insert([aMemory({ dedupKey: 'race' })], policy)),
    );
    expect(outs.filter(([o]) => o?.status === 'created')).toHaveLength(1);
    await sleep(450);
    expect(await store.count(ORG, {})).toBe(1);
  });

  it('refuses a batch of one millisecond whose ids include a stored one, and takes one whose ids only surround stored ones', async () => {
    const id = (n: number) => `mem_0190000000aa${n.toString(16).padStart(12, '0')}`;
    await store.insert([aMemory({ id: id(5) }), aMemory({ id: id(7) })], null);
    await sleep(450);
    await expect(
      store.insert(
        [4, 6, 7, 8].map((n) => aMemory({ id: id(n) })),
        null,
      ),
    ).rejects.toMatchObject({ kind: 'conflict', message: expect.stringContaining(id(7)) });
    const outcomes = await store.insert(
      [4, 6, 8].map((n) => aMemory({ id: id(n) })),
      null,
    );
    expect(outcomes.map((o) => o.status)).toEqual(['created', 'created', 'created']);
    await sleep(450);
    expect(await store.count(ORG, {})).toBe(5);
  });

  it('refuses an id Arc does not show yet as a conflict and stores nothing of that call', async () => {
    const m = aMemory();
    await store.insert([m], null);
    const fresh = aMemory();
    await expect(store.insert([fresh, { ...m }], null)).rejects.toMatchObject({
      kind: 'conflict',
    });
    await sleep(450);
    expect(await store.findById(ORG, fresh.id)).toBeNull();
    expect(await store.count(ORG, {})).toBe(1);
  });

  it('shows a client its writes at once over HTTP: get, list, search, context and stats', async () => {
    const t = await buildTestApp({ storage: arc.storage });
    const api = apiAs(t.app, t.adminKey);
    const { session_id: sessionId } = (await api.post('/api/v1/sessions', { agent_id: 'a1' }))
      .body as { session_id: string };
    const body = {
      agent_id: 'a1',
      session_id: sessionId,
      content: 'decided on plan B',
      memory_type: 'decision',
      tags: ['load'],
    };
    const created = await api.post('/api/v1/memories', body);
    expect(created.status).toBe(201);
    const id = created.body.memory_id as string;
    expect(await arcCount('org_default')).toBe(0);

    expect((await api.get(`/api/v1/memories/${id}`)).body.memory_id).toBe(id);
    const listed = await api.get('/api/v1/memories?agent_id=a1');
    expect(listed.body.memories.map((m: { memory_id: string }) => m.memory_id)).toEqual([id]);
    const found = await api.post('/api/v1/search', { tags: ['load'], content_contains: 'plan B' });
    expect(found.body.results.map((m: { memory_id: string }) => m.memory_id)).toEqual([id]);
    const context = await api.post(`/api/v1/sessions/${sessionId}/context`, {});
    expect(context.body.context).toContain('decided on plan B');
    expect((await api.get('/api/v1/agents/a1/stats')).body.memory_count).toBe(1);
    expect((await api.post('/api/v1/memories', body)).status).toBe(409);
  });
});
