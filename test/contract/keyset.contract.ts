import { expect, it } from 'vitest';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import type { KeysetPosition, Memory, MemoryFilter, Order } from '../../domain/index.js';
import { aMemory, anAgent, aSession, BASE_TIME } from '../support/builders.js';

const ORG = 'org_a';
const OTHER = 'org_b';

/**
 * Keyset paging (`after` a position) of memories, sessions and agents: part of the storage
 * contract, so every driver passes it. Rows written and deleted between pages never make a page
 * skip or repeat a row that was there throughout.
 */
export function describeKeysetContract(store: () => StorageBundle): void {
  const insert = async (...ms: Memory[]) => {
    await store().memories.insert(ms, null);
  };

  /** Pages through the matches `limit` at a time, calling `between` after each page. */
  async function pageAll(
    filter: MemoryFilter,
    order: Order,
    limit: number,
    between: (page: number) => Promise<void> = async () => undefined,
  ): Promise<string[]> {
    const seen: string[] = [];
    let after: KeysetPosition | undefined;
    for (let page = 0; page < 100; page++) {
      const got = await store().memories.findPage(ORG, { filter, order, limit, offset: 0, after });
      expect(got.positions).toHaveLength(got.memories.length);
      seen.push(...got.memories.map((m) => m.id));
      if (got.memories.length < limit) return seen;
      after = got.positions[got.positions.length - 1];
      await between(page);
    }
    throw new Error('paging did not end');
  }

  it.each(['asc', 'desc'] as const)(
    'pages %s after a position like one read of every match, ties included',
    async (order) => {
      // Five instants, six memories each, written out of time order: ties everywhere.
      const ms = Array.from({ length: 30 }, (_, i) => aMemory({ time: BASE_TIME + ((i * 7) % 5) }));
      await insert(...ms.slice(0, 13));
      await insert(...ms.slice(13));
      const whole = (
        await store().memories.find(ORG, { filter: {}, order, limit: null, offset: 0 })
      ).map((m) => m.id);
      expect(await pageAll({}, order, 4)).toEqual(whole);
      const { memories, positions } = await store().memories.findPage(ORG, {
        filter: {},
        order,
        limit: null,
        offset: 0,
      });
      expect(memories.map((m) => m.id)).toEqual(whole);
      const rest = await store().memories.find(ORG, {
        filter: {},
        order,
        limit: 5,
        offset: 2,
        after: positions[10],
      });
      expect(rest.map((m) => m.id)).toEqual(whole.slice(13, 18));
    },
  );

  it.each(['asc', 'desc'] as const)(
    'neither skips nor repeats a row when rows are written and deleted between %s pages',
    async (order) => {
      const initial = Array.from({ length: 24 }, (_, i) =>
        aMemory({ time: BASE_TIME + 10 * (i % 6), tags: ['keep'] }),
      );
      await insert(...initial);
      const doomed = new Set<string>();
      const written: string[] = [];
      const seen = await pageAll({ tags: ['keep'] }, order, 5, async (page) => {
        // New rows at every instant (ties with the page's last row included), and deletes of
        // rows already read and not yet read.
        const fresh = [0, 20, 50, 51].map((d) => aMemory({ time: BASE_TIME + d, tags: ['keep'] }));
        await insert(...fresh);
        written.push(...fresh.map((m) => m.id));
        const victims = [initial[page * 3 + 1], initial[23 - page]].filter(
          (m): m is Memory => m !== undefined && !doomed.has(m.id),
        );
        for (const v of victims) doomed.add(v.id);
        await store().memories.delete(ORG, { ids: victims.map((v) => v.id) });
      });
      expect(new Set(seen).size).toBe(seen.length);
      const kept = initial.filter((m) => !doomed.has(m.id)).map((m) => m.id);
      for (const id of kept) expect(seen).toContain(id);
      for (const id of seen) expect([...initial.map((m) => m.id), ...written]).toContain(id);
    },
  );

  it('pages a filtered query after a position of that query, and sees only its org', async () => {
    const mine = Array.from({ length: 9 }, (_, i) =>
      aMemory({ time: BASE_TIME + (i % 3), agentId: i % 2 === 0 ? 'agent_even' : 'agent_odd' }),
    );
    await insert(...mine, aMemory({ orgId: OTHER, agentId: 'agent_even', time: BASE_TIME + 1 }));
    const evens = mine.filter((m) => m.agentId === 'agent_even');
    const expected = [...evens]
      .sort((a, b) => b.time - a.time || mine.indexOf(b) - mine.indexOf(a))
      .map((m) => m.id);
    expect(await pageAll({ agentId: 'agent_even' }, 'desc', 2)).toEqual(expected);
    expect(await pageAll({ tags: ['crawling'], agentId: 'agent_even' }, 'desc', 2)).toEqual(
      expected,
    );
  });

  it('lists sessions after a position, newest first, ties by insertion, filters kept', async () => {
    const ss = Array.from({ length: 11 }, (_, i) =>
      aSession({ createdAt: BASE_TIME + (i % 3), agentId: i % 2 === 0 ? 'agent_1' : 'agent_2' }),
    );
    for (const x of ss) await store().sessions.create(x);
    await store().sessions.create(aSession({ orgId: OTHER, createdAt: BASE_TIME + 1 }));
    for (const agentId of [undefined, 'agent_1']) {
      const whole = await store().sessions.list(ORG, { agentId, limit: 100, offset: 0 });
      expect(whole.positions).toHaveLength(whole.items.length);
      const seen: string[] = [];
      let after: KeysetPosition | undefined;
      for (;;) {
        const page = await store().sessions.list(ORG, { agentId, limit: 3, offset: 0, after });
        expect(page.total).toBeGreaterThanOrEqual(whole.total);
        seen.push(...page.items.map((x) => x.id));
        if (page.items.length < 3) break;
        after = page.positions[2];
        // A session written between pages, at the instant of the page's last one.
        await store().sessions.create(aSession({ agentId: 'agent_1', createdAt: after?.time }));
      }
      expect(seen).toEqual(whole.items.map((x) => x.id));
    }
  });

  it('lists agents after a position, newest first, ties by insertion', async () => {
    const as = Array.from({ length: 8 }, (_, i) => anAgent({ createdAt: BASE_TIME + (i % 3) }));
    for (const x of as) await store().agents.create(x);
    await store().agents.create(anAgent({ orgId: OTHER, createdAt: BASE_TIME + 1 }));
    const whole = await store().agents.list(ORG, { limit: 100, offset: 0 });
    expect(whole.positions).toHaveLength(8);
    const seen: string[] = [];
    let after: KeysetPosition | undefined;
    for (;;) {
      const page = await store().agents.list(ORG, { limit: 3, offset: 0, after });
      seen.push(...page.items.map((x) => x.id));
      if (page.items.length < 3) break;
      after = page.positions[2];
      await store().agents.delete(ORG, page.items[0]?.id ?? '');
      await store().agents.create(anAgent({ createdAt: after?.time }));
    }
    expect(seen).toEqual(whole.items.map((x) => x.id));
  });
}
