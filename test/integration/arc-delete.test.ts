import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ArcMemoryStore } from '../../adapters/storage/arc/index.js';
import type { MemoryQuery } from '../../domain/index.js';
import { openArcTestStorage, type ArcTestStorage } from '../support/arc-harness.js';
import { aMemory } from '../support/builders.js';

const ORG = 'org_a';
const all: MemoryQuery = { filter: {}, order: 'asc', limit: null, offset: 0 };

/** Rows Arc holds for the org, copies and buffered rows included once flushed. */
async function physicalRows(arc: ArcTestStorage): Promise<number> {
  await arc.fake.flushAll();
  const res = await fetch(`${arc.fake.url}/api/v1/query`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-arc-database': (await arc.resolve(ORG)).database,
    },
    body: JSON.stringify({ sql: 'SELECT count(*) AS n FROM events' }),
  });
  return ((await res.json()) as { data: number[][] }).data[0]?.[0] ?? 0;
}

describe('ArcMemoryStore.delete when Arc has deletes turned off (its default)', () => {
  let arc: ArcTestStorage;
  beforeAll(async () => {
    arc = await openArcTestStorage({ deleteEnabled: false });
  });
  afterAll(async () => arc.close());

  it('is unavailable, names the Arc setting that enables deletes, and deletes nothing', async () => {
    const m = aMemory();
    await arc.storage.memories.insert([m], null);
    const failure = arc.storage.memories.delete(ORG, { ids: [m.id] });
    await expect(failure).rejects.toMatchObject({ kind: 'unavailable' });
    await expect(failure).rejects.toThrow(/delete\.enabled = true/);
    expect(await arc.storage.memories.findById(ORG, m.id)).toEqual(m);
  });
});

describe('ArcMemoryStore.delete with an Arc token that may read and write only', () => {
  let arc: ArcTestStorage;
  beforeAll(async () => {
    arc = await openArcTestStorage({ tokens: { rw: ['read', 'write'] } }, { apiKey: 'rw' });
  });
  afterAll(async () => arc.close());

  it('is unavailable and says deletes need an admin token', async () => {
    const m = aMemory();
    await arc.storage.memories.insert([m], null);
    const failure = arc.storage.memories.delete(ORG, {});
    await expect(failure).rejects.toMatchObject({ kind: 'unavailable' });
    await expect(failure).rejects.toThrow(/deletes need an Arc token with admin/);
    expect(await arc.storage.memories.count(ORG, {})).toBe(1);
  });
});

describe('ArcMemoryStore.delete while Arc buffers writes for a minute', () => {
  let arc: ArcTestStorage;
  beforeAll(async () => {
    arc = await openArcTestStorage({ maxBufferAgeMs: 60_000 }, { timeoutMs: 3000, retries: 2 });
  });
  beforeEach(async () => arc.reset());
  afterEach(() => arc.fake.clearFaults());
  afterAll(async () => arc.close());

  it('flushes first, so a memory only buffered is deleted in Arc too and counted once', async () => {
    const [gone, kept] = [aMemory(), aMemory()];
    await arc.storage.memories.insert([gone, kept], null);
    expect(await arc.storage.memories.delete(ORG, { ids: [gone.id] })).toBe(1);
    expect(await arc.storage.memories.findById(ORG, gone.id)).toBeNull();
    expect(await physicalRows(arc)).toBe(1);
    expect((await arc.storage.memories.find(ORG, all)).map((m) => m.id)).toEqual([kept.id]);
  });

  it('flushes first, so a memory another process wrote that Arc still buffers is deleted', async () => {
    const other = new ArcMemoryStore({ resolveTarget: arc.resolve });
    const m = aMemory();
    await other.insert([m], null);
    expect(await arc.storage.memories.delete(ORG, {})).toBe(1);
    expect(await physicalRows(arc)).toBe(0);
  });

  it('counts a memory Arc stored twice (a resent write) once, and removes both copies', async () => {
    const m = aMemory();
    arc.fake.injectFault({ dropAfterHandling: true, path: '/write/msgpack' });
    await arc.storage.memories.insert([m], null);
    expect(await physicalRows(arc)).toBe(2);
    expect(await arc.storage.memories.delete(ORG, {})).toBe(1);
    expect(await physicalRows(arc)).toBe(0);
  });

  it('is unavailable when Arc deleted fewer rows than matched, rather than claiming the count', async () => {
    const m = aMemory();
    await arc.storage.memories.insert([m], null);
    arc.fake.injectFault({
      status: 200,
      body: JSON.stringify({ success: true, deleted_count: 0 }),
      path: '/api/v1/delete',
    });
    await expect(arc.storage.memories.delete(ORG, {})).rejects.toMatchObject({
      kind: 'unavailable',
    });
    expect(await arc.storage.memories.findById(ORG, m.id)).toEqual(m);
  });

  it('resends a write in doubt before deleting, so no later resend brings it back', async () => {
    const lost = aMemory({ agentId: 'crawler' });
    arc.fake.injectFault({ dropAfterHandling: true, path: '/write/msgpack', times: 3 });
    await expect(arc.storage.memories.insert([lost], null)).rejects.toMatchObject({
      kind: 'unavailable',
    });
    expect(await arc.storage.memories.delete(ORG, { agentId: 'crawler' })).toBe(1);
    const next = aMemory();
    await arc.storage.memories.insert([next], null);
    expect(await physicalRows(arc)).toBe(1);
    expect((await arc.storage.memories.find(ORG, all)).map((m) => m.id)).toEqual([next.id]);
  });

  it('deletes by values Arc refuses in a delete WHERE as plain text (keywords, parentheses)', async () => {
    const odd = ['update (bot)', 'DELETE FROM events', "it's; --", 'set', ')('];
    const made = odd.map((v) => aMemory({ agentId: v, tags: [v], content: `c ${v}` }));
    const kept = aMemory({ agentId: 'plain' });
    await arc.storage.memories.insert([...made, kept], null);
    for (const [i, v] of odd.entries()) {
      const filter = i % 2 === 0 ? { agentId: v, tags: [v] } : { contentContains: `c ${v}` };
      expect(await arc.storage.memories.delete(ORG, filter)).toBe(1);
    }
    expect((await arc.storage.memories.find(ORG, all)).map((m) => m.id)).toEqual([kept.id]);
    expect(await physicalRows(arc)).toBe(1);
  });

  it('reads an ids filter longer than Arc takes in one statement, in chunks, pending writes included', async () => {
    const shown = Array.from({ length: 400 }, (_, i) =>
      aMemory({ agentId: 'bulk', time: 1_000 + i, importance: (i % 10) / 10 }),
    );
    await arc.storage.memories.insert(shown, null);
    await arc.fake.flushAll();
    const buffered = Array.from({ length: 200 }, (_, i) =>
      aMemory({ agentId: 'bulk', time: 500 + i, importance: 0.95 }),
    );
    await arc.storage.memories.insert(buffered, null);
    const wanted = [...shown, ...buffered].filter((_, i) => i % 3 !== 1);
    const ids = [...wanted.map((m) => m.id), 'mem_unknown'];
    const s = arc.storage.memories;
    expect(await s.count(ORG, { ids })).toBe(wanted.length);
    const byTime = [...wanted].sort((a, b) => a.time - b.time);
    const page = await s.find(ORG, { filter: { ids }, order: 'desc', limit: 50, offset: 10 });
    expect(page.map((m) => m.id)).toEqual(
      byTime
        .reverse()
        .slice(10, 60)
        .map((m) => m.id),
    );
    const best = await s.findByPriority(ORG, {
      filter: { ids, agentId: 'bulk' },
      maxContentLength: null,
      limit: 5,
    });
    expect(best.every((m) => m.importance === 0.95)).toBe(true);
    expect(best).toHaveLength(5);
  });
});
