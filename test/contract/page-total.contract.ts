import { describe, expect, it } from 'vitest';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import {
  parseSearchQuery,
  type Memory,
  type MemoryFilter,
  type MemoryQuery,
} from '../../domain/index.js';
import { aMemory, BASE_TIME } from '../support/builders.js';

const ORG = 'org_a';
const OTHER = 'org_b';
const HOUR = 3_600_000;

/**
 * A page with its total (`MemoryQuery.withTotal`): part of the storage contract. A store that
 * gives `total` gives how many memories match the filter, whatever `after`, `offset` and
 * `limit` say, read with the page; one without it leaves the caller to `count`. `countsWithPage`
 * (the harness says it) requires the store to give it.
 */
export function describePageTotalContract(
  store: () => StorageBundle,
  save: (...ms: Memory[]) => Promise<Memory[]>,
  countsWithPage: boolean,
): void {
  describe('MemoryStore.findPage with withTotal', () => {
    /** 12 memories of `org_a` (4 pinned, 6 tagged `prod`, half holding `needle`), 3 of `org_b`. */
    async function seed(): Promise<void> {
      await save(
        ...Array.from({ length: 12 }, (_, i) =>
          aMemory({
            time: BASE_TIME + (i % 5) * HOUR,
            tags: i % 2 === 0 ? ['prod', `t${i % 3}`] : [`t${i % 3}`],
            content: i % 4 < 2 ? `deploy needle number ${i}` : `deploy hay number ${i}`,
            pinned: i % 3 === 0,
            agentId: i % 4 === 0 ? 'agent_x' : 'agent_y',
          }),
        ),
        ...Array.from({ length: 3 }, () => aMemory({ orgId: OTHER, tags: ['prod'] })),
      );
    }

    const filters: { readonly name: string; readonly f: MemoryFilter }[] = [
      { name: 'no filter', f: {} },
      { name: 'a tag', f: { tags: ['prod'] } },
      { name: 'two tags', f: { tags: ['prod', 't0'] } },
      { name: 'an agent and a time range', f: { agentId: 'agent_y', since: BASE_TIME + HOUR } },
      { name: 'pinned', f: { pinned: true } },
      { name: 'a substring', f: { contentContains: 'needle' } },
      { name: 'a substring and a tag', f: { contentContains: 'needle', tags: ['prod'] } },
      {
        name: 'a substring in any case',
        f: { contentContains: 'NEEDLE', contentContainsIgnoreCase: true },
      },
      { name: 'a keyword query', f: { query: parseSearchQuery('needle') } },
      {
        name: 'a keyword query and a tag',
        f: { query: parseSearchQuery('deploy'), tags: ['prod'] },
      },
      { name: 'nothing', f: { tags: ['absent'] } },
    ];

    /** Every way of reading a page of `f`: first page, a middle one, past the end, after a position. */
    async function pagesOf(f: MemoryFilter): Promise<MemoryQuery[]> {
      const relevance = f.query !== undefined ? { byRelevance: true } : {};
      const base = { filter: f, order: 'desc' as const, offset: 0, ...relevance };
      const first = await store().memories.findPage(ORG, { ...base, limit: 2 });
      const after = first.positions[first.positions.length - 1];
      return [
        { ...base, limit: 2 },
        { ...base, limit: 3, offset: 2 },
        { ...base, limit: 50 },
        { ...base, limit: null },
        { ...base, limit: 5, offset: 40 },
        ...(after === undefined ? [] : [{ ...base, limit: 2, after }]),
        { ...base, order: 'asc' as const, limit: 4 },
      ];
    }

    it.each(filters)(
      'gives every match of $name as the total, whatever the page, with the same page',
      async ({ f }) => {
        await seed();
        const expected = await store().memories.count(ORG, f);
        for (const q of await pagesOf(f)) {
          const plain = await store().memories.findPage(ORG, q);
          const page = await store().memories.findPage(ORG, { ...q, withTotal: true });
          expect(page.memories.map((m) => m.id)).toEqual(plain.memories.map((m) => m.id));
          expect(page.positions).toEqual(plain.positions);
          expect(page.scores).toEqual(plain.scores);
          if (countsWithPage || page.total !== undefined) expect(page.total).toBe(expected);
        }
      },
    );

    it('gives no total unless asked', async () => {
      await seed();
      const page = await store().memories.findPage(ORG, {
        filter: { tags: ['prod'] },
        order: 'desc',
        limit: 2,
        offset: 0,
      });
      expect(page.memories).toHaveLength(2);
      expect(page.total).toBeUndefined();
    });

    it('gives the total of an empty store as 0', async () => {
      const page = await store().memories.findPage(ORG, {
        filter: {},
        order: 'desc',
        limit: 10,
        offset: 3,
        withTotal: true,
      });
      expect(page.memories).toEqual([]);
      if (countsWithPage || page.total !== undefined) expect(page.total).toBe(0);
    });
  });
}
