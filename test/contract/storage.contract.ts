import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import type { Memory, MemoryFilter, MemoryQuery } from '../../domain/index.js';
import {
  aMemory,
  anAgent,
  anApiKey,
  anArcInstance,
  anOrg,
  aSession,
  BASE_TIME,
} from '../support/builders.js';
import { describeKeysetContract } from './keyset.contract.js';
import { describeExpiryContract } from './expiry.contract.js';
import { describeCorrections } from './correct.contract.js';
import { describeSearchContract } from './search.contract.js';
import { describeRelevanceContract } from './relevance.contract.js';
import { describeSubstringContract } from './substring.contract.js';
import { describePageTotalContract } from './page-total.contract.js';
import { TEST_LINE_TOKENS } from '../support/line-tokens.js';

/** How the contract suite opens, empties and closes one driver's storage. */
export interface StorageHarness {
  readonly name: string;
  /** false skips the suite, with `skipReason` printed. */
  readonly enabled?: boolean;
  readonly skipReason?: string;
  /** The store reads a page's total with the page (`MemoryQuery.withTotal`): then required. */
  readonly countsWithPage?: boolean;
  /**
   * The store was opened with {@link TEST_LINE_TOKENS} and keeps each memory's count, so it
   * leaves out every memory over `maxLineTokens` (a store that keeps none returns them all).
   */
  readonly keepsLineTokens?: boolean;
  open(): Promise<StorageBundle>;
  reset(s: StorageBundle): Promise<void>;
  close(s: StorageBundle): Promise<void>;
}

const ORG = 'org_a';
const OTHER = 'org_b';
const HOUR = 3_600_000;
const all = (filter: MemoryFilter = {}, order: 'asc' | 'desc' = 'asc'): MemoryQuery => ({
  filter,
  order,
  limit: null,
  offset: 0,
});
const ids = (ms: readonly Memory[]) => ms.map((m) => m.id);

/** The storage contract: every driver must pass all of it. */
export function describeStorageContract(h: StorageHarness): void {
  if (h.enabled === false) {
    describe.skip(`storage contract: ${h.name} (skipped: ${h.skipReason ?? 'disabled'})`, () => {
      it('is skipped', () => undefined);
    });
    return;
  }
  describe(`storage contract: ${h.name}`, () => {
    let s: StorageBundle;
    beforeAll(async () => {
      s = await h.open();
    });
    beforeEach(async () => {
      await h.reset(s);
    });
    afterAll(async () => {
      await h.close(s);
    });

    const save = async (...ms: Memory[]) => {
      const out = await s.memories.insert(ms, null);
      expect(out.every((o) => o.status === 'created')).toBe(true);
      return ms;
    };

    describe('MemoryStore.insert and findById', () => {
      it('returns the saved memory unchanged when read by id', async () => {
        const m = aMemory({
          metadata: { nested: { list: [1, 'two', null, true], n: 1.5 }, empty: {} },
          tags: ['b', 'a'],
          parentId: 'mem_parent',
          dedupKey: 'k1',
        });
        await save(m);
        expect(await s.memories.findById(ORG, m.id)).toEqual(m);
      });

      it('keeps unicode and a 64 KiB body byte-for-byte', async () => {
        const content = 'é😀中\u0000\'"\\%_--;'.repeat(10) + 'x'.repeat(65_536);
        const m = aMemory({ content, metadata: { ключ: 'значение 🚀' }, sessionId: null });
        await save(m);
        expect(await s.memories.findById(ORG, m.id)).toEqual(m);
      });

      it('keeps the key order of metadata, session metadata and agent config', async () => {
        const metadata = { zeta: 1, alpha: { y: [2, { d: 1, c: 2 }], b: null }, mid: 'x' };
        const m = aMemory({ metadata });
        await save(m);
        const session = aSession({ metadata });
        await s.sessions.create(session);
        const agent = anAgent({ config: metadata });
        await s.agents.create(agent);
        const text = JSON.stringify(metadata);
        expect(JSON.stringify((await s.memories.findById(ORG, m.id))?.metadata)).toBe(text);
        expect(JSON.stringify((await s.sessions.findById(ORG, session.id))?.metadata)).toBe(text);
        expect(JSON.stringify((await s.agents.find(ORG, agent.id))?.config)).toBe(text);
      });

      it('returns null when the id is unknown or belongs to another org', async () => {
        const m = aMemory({ orgId: OTHER });
        await save(m);
        expect(await s.memories.findById(ORG, m.id)).toBeNull();
        expect(await s.memories.findById(ORG, 'mem_000000000000000000000000')).toBeNull();
      });

      it('stores nothing of a call when one of its memories has an existing id', async () => {
        const first = aMemory();
        await save(first);
        const fresh = aMemory();
        await expect(s.memories.insert([fresh, { ...first }], null)).rejects.toMatchObject({
          kind: 'conflict',
        });
        expect(await s.memories.findById(ORG, fresh.id)).toBeNull();
      });

      it('keeps concurrent calls apart: one call failing stores nothing of it and all of the others', async () => {
        const first = aMemory();
        await save(first);
        const before = aMemory();
        const failing = [aMemory(), { ...first }];
        const after = [aMemory(), aMemory()];
        const results = await Promise.allSettled([
          s.memories.insert([before], null),
          s.memories.insert(failing, null),
          s.memories.insert(after, null),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ kind: 'conflict' });
        expect(await s.memories.findById(ORG, failing[0]?.id ?? '')).toBeNull();
        for (const m of [before, ...after]) {
          expect(await s.memories.findById(ORG, m.id)).toEqual(m);
        }
      });

      it('sees a concurrent call that came first when checking duplicates', async () => {
        const policy = { windowMs: 3_600_000 };
        const a = aMemory({ dedupKey: 'race' });
        const b = aMemory({ dedupKey: 'race' });
        const [ra, rb] = await Promise.all([
          s.memories.insert([a], policy),
          s.memories.insert([b], policy),
        ]);
        const outcomes = [...(ra ?? []), ...(rb ?? [])].map((o) => o.status).sort();
        expect(outcomes).toEqual(['created', 'duplicate']);
        expect(await s.memories.count(ORG, {})).toBe(1);
      });

      it('reports created outcomes in input order when there is no dedup policy', async () => {
        const a = aMemory({ dedupKey: 'same' });
        const b = aMemory({ dedupKey: 'same' });
        const out = await s.memories.insert([a, b], null);
        expect(out).toEqual([
          { status: 'created', memory: a },
          { status: 'created', memory: b },
        ]);
      });
    });

    describe('MemoryStore.insert with dedup', () => {
      const policy = { windowMs: 24 * HOUR };

      it('reports a duplicate with the stored id when the key was seen within the window', async () => {
        const first = aMemory({ dedupKey: 'k', time: BASE_TIME });
        await s.memories.insert([first], policy);
        const again = aMemory({ dedupKey: 'k', time: BASE_TIME + 23 * HOUR });
        expect(await s.memories.insert([again], policy)).toEqual([
          { status: 'duplicate', existingId: first.id },
        ]);
        expect(await s.memories.findById(ORG, again.id)).toBeNull();
      });

      it('stores the memory when the earlier one is older than the window', async () => {
        await s.memories.insert([aMemory({ dedupKey: 'k', time: BASE_TIME })], policy);
        const later = aMemory({ dedupKey: 'k', time: BASE_TIME + 24 * HOUR + 1 });
        expect((await s.memories.insert([later], policy))[0]?.status).toBe('created');
      });

      it('treats the window start as inside the window', async () => {
        await s.memories.insert([aMemory({ dedupKey: 'k', time: BASE_TIME })], policy);
        const edge = aMemory({ dedupKey: 'k', time: BASE_TIME + 24 * HOUR });
        expect((await s.memories.insert([edge], policy))[0]?.status).toBe('duplicate');
      });

      it('does not treat the same key in another org as a duplicate', async () => {
        await s.memories.insert([aMemory({ dedupKey: 'k', orgId: OTHER })], policy);
        const mine = aMemory({ dedupKey: 'k' });
        expect((await s.memories.insert([mine], policy))[0]?.status).toBe('created');
      });

      it('catches a duplicate inside one call and stores the rest', async () => {
        const a = aMemory({ dedupKey: 'k' });
        const b = aMemory({ dedupKey: 'k' });
        const c = aMemory({ dedupKey: 'other' });
        const out = await s.memories.insert([a, b, c], policy);
        expect(out.map((o) => o.status)).toEqual(['created', 'duplicate', 'created']);
        expect(out[1]).toEqual({ status: 'duplicate', existingId: a.id });
        expect(await s.memories.count(ORG, {})).toBe(2);
      });

      it('never deduplicates memories without a key', async () => {
        const out = await s.memories.insert([aMemory(), aMemory()], policy);
        expect(out.map((o) => o.status)).toEqual(['created', 'created']);
      });

      it('lets exactly one of many concurrent inserts of one key land', async () => {
        const attempts = Array.from({ length: 20 }, () => aMemory({ dedupKey: 'race' }));
        const outs = await Promise.all(attempts.map((m) => s.memories.insert([m], policy)));
        expect(outs.filter(([o]) => o?.status === 'created')).toHaveLength(1);
        expect(await s.memories.count(ORG, {})).toBe(1);
      });
    });

    describe('MemoryStore event time (time) and recording time (createdAt)', () => {
      const policy = { windowMs: 24 * HOUR };
      const DAY = 24 * HOUR;

      it('keeps time and createdAt apart on every read path', async () => {
        const past = aMemory({ time: BASE_TIME - 400 * DAY, createdAt: BASE_TIME });
        const now = aMemory({ time: BASE_TIME + HOUR, createdAt: BASE_TIME + HOUR });
        await save(past, now);
        expect(await s.memories.findById(ORG, past.id)).toEqual(past);
        expect(await s.memories.find(ORG, all())).toEqual([past, now]);
        expect(
          await s.memories.findByPriority(ORG, { filter: {}, maxContentLength: null, limit: null }),
        ).toEqual(expect.arrayContaining([past, now]));
      });

      it('filters and orders by time, not by createdAt', async () => {
        const older = aMemory({ time: BASE_TIME - 10 * DAY, createdAt: BASE_TIME + 2 * HOUR });
        const newer = aMemory({ time: BASE_TIME, createdAt: BASE_TIME + HOUR });
        await save(newer, older);
        expect(ids(await s.memories.find(ORG, all()))).toEqual([older.id, newer.id]);
        expect(ids(await s.memories.find(ORG, all({}, 'desc')))).toEqual([newer.id, older.id]);
        const sinceYesterday = { since: BASE_TIME - DAY };
        expect(ids(await s.memories.find(ORG, all(sinceYesterday)))).toEqual([newer.id]);
        expect(await s.memories.count(ORG, { until: BASE_TIME - DAY })).toBe(1);
      });

      it('reports a duplicate by createdAt within the window whatever the event times', async () => {
        const first = aMemory({ dedupKey: 'k', time: BASE_TIME - 400 * DAY, createdAt: BASE_TIME });
        await s.memories.insert([first], policy);
        const retry = aMemory({
          dedupKey: 'k',
          time: BASE_TIME - 800 * DAY,
          createdAt: BASE_TIME + 23 * HOUR,
        });
        expect(await s.memories.insert([retry], policy)).toEqual([
          { status: 'duplicate', existingId: first.id },
        ]);
        const later = aMemory({ dedupKey: 'k', time: BASE_TIME, createdAt: BASE_TIME + HOUR });
        expect((await s.memories.insert([later], policy))[0]?.status).toBe('duplicate');
      });

      it('stores a memory created after the window even when its event time is inside it', async () => {
        await s.memories.insert(
          [aMemory({ dedupKey: 'k', time: BASE_TIME, createdAt: BASE_TIME })],
          policy,
        );
        const next = aMemory({
          dedupKey: 'k',
          time: BASE_TIME + HOUR,
          createdAt: BASE_TIME + 25 * HOUR,
        });
        expect((await s.memories.insert([next], policy))[0]?.status).toBe('created');
      });

      it('catches a duplicate inside one call by createdAt, with event times years apart', async () => {
        const a = aMemory({ dedupKey: 'k', time: BASE_TIME - 900 * DAY, createdAt: BASE_TIME });
        const b = aMemory({ dedupKey: 'k', time: BASE_TIME, createdAt: BASE_TIME });
        const out = await s.memories.insert([a, b], policy);
        expect(out).toEqual([
          { status: 'created', memory: a },
          { status: 'duplicate', existingId: a.id },
        ]);
      });

      it('checks against the memory created last, not the one with the latest event time', async () => {
        // Stored unchecked (as an import may), then checked: the newest by createdAt counts.
        const createdLast = aMemory({
          dedupKey: 'k',
          time: BASE_TIME - 100 * DAY,
          createdAt: BASE_TIME + 2 * HOUR,
        });
        const eventLast = aMemory({ dedupKey: 'k', time: BASE_TIME, createdAt: BASE_TIME + HOUR });
        await save(createdLast, eventLast);
        const retry = aMemory({
          dedupKey: 'k',
          time: BASE_TIME,
          createdAt: BASE_TIME + 25.5 * HOUR,
        });
        expect(await s.memories.insert([retry], policy)).toEqual([
          { status: 'duplicate', existingId: createdLast.id },
        ]);
      });

      it('after a delete, checks against the remaining memory created last', async () => {
        const kept = aMemory({
          dedupKey: 'k',
          time: BASE_TIME - 100 * DAY,
          createdAt: BASE_TIME + 2 * HOUR,
        });
        const eventLast = aMemory({ dedupKey: 'k', time: BASE_TIME, createdAt: BASE_TIME + HOUR });
        const gone = aMemory({
          dedupKey: 'k',
          time: BASE_TIME - 200 * DAY,
          createdAt: BASE_TIME + 3 * HOUR,
        });
        await save(kept, eventLast, gone);
        expect(await s.memories.delete(ORG, { ids: [gone.id] })).toBe(1);
        const retry = aMemory({
          dedupKey: 'k',
          time: BASE_TIME,
          createdAt: BASE_TIME + 25.5 * HOUR,
        });
        expect(await s.memories.insert([retry], policy)).toEqual([
          { status: 'duplicate', existingId: kept.id },
        ]);
      });
    });

    describe('MemoryStore.find and count', () => {
      it('orders by time, ties in insertion order, reversed for desc', async () => {
        const t = BASE_TIME;
        const a = aMemory({ time: t + 2 });
        const b = aMemory({ time: t + 1 });
        const c = aMemory({ time: t + 1 });
        const d = aMemory({ time: t + 3 });
        await save(a, b, c, d);
        expect(ids(await s.memories.find(ORG, all({}, 'asc')))).toEqual(ids([b, c, a, d]));
        expect(ids(await s.memories.find(ORG, all({}, 'desc')))).toEqual(ids([d, a, c, b]));
      });

      it('honours limit and offset and returns every match when limit is null', async () => {
        const ms = Array.from({ length: 7 }, (_, i) => aMemory({ time: BASE_TIME + i }));
        await save(...ms);
        const page = await s.memories.find(ORG, { filter: {}, order: 'asc', limit: 3, offset: 2 });
        expect(ids(page)).toEqual(ids(ms.slice(2, 5)));
        expect(
          await s.memories.find(ORG, { filter: {}, order: 'asc', limit: 3, offset: 9 }),
        ).toEqual([]);
        expect(await s.memories.find(ORG, all())).toHaveLength(7);
        expect(await s.memories.count(ORG, {})).toBe(7);
      });

      it('sees only its own org', async () => {
        const mine = aMemory();
        await save(mine, aMemory({ orgId: OTHER }));
        expect(ids(await s.memories.find(ORG, all()))).toEqual([mine.id]);
        expect(await s.memories.count(OTHER, {})).toBe(1);
      });

      it('filters by agent, session, memory types and event types', async () => {
        const a = aMemory({
          agentId: 'agent_x',
          sessionId: 's1',
          memoryType: 'decision',
          eventType: 'chose',
        });
        const b = aMemory({
          agentId: 'agent_x',
          sessionId: 's2',
          memoryType: 'entity',
          eventType: 'seen',
        });
        const c = aMemory({
          agentId: 'agent_y',
          sessionId: 's1',
          memoryType: 'episodic',
          eventType: 'chose',
        });
        const d = aMemory({
          agentId: 'agent_y',
          sessionId: null,
          memoryType: 'session',
          eventType: 'error',
        });
        await save(a, b, c, d);
        const q = async (f: MemoryFilter) => ids(await s.memories.find(ORG, all(f)));
        expect(await q({ agentId: 'agent_x' })).toEqual(ids([a, b]));
        expect(await q({ sessionId: 's1' })).toEqual(ids([a, c]));
        expect(await q({ memoryTypes: ['decision', 'session'] })).toEqual(ids([a, d]));
        expect(await q({ memoryTypes: [] })).toEqual([]);
        expect(await q({ eventTypes: ['chose'] })).toEqual(ids([a, c]));
        expect(await q({ eventTypes: [] })).toEqual([]);
        expect(await q({ agentId: 'agent_y', sessionId: 's1', memoryTypes: ['episodic'] })).toEqual(
          ids([c]),
        );
        expect(await s.memories.count(ORG, { agentId: 'agent_y', eventTypes: ['error'] })).toBe(1);
      });

      it('matches tags exactly and requires all of them', async () => {
        const a = aMemory({ tags: ['prod', 'eu'] });
        const b = aMemory({ tags: ['production', 'eu'] });
        const c = aMemory({ tags: ['prod'] });
        const d = aMemory({ tags: [] });
        await save(a, b, c, d);
        const q = async (tags: string[]) => ids(await s.memories.find(ORG, all({ tags })));
        expect(await q(['prod'])).toEqual(ids([a, c]));
        expect(await q(['prod', 'eu'])).toEqual(ids([a]));
        expect(await q(['eu'])).toEqual(ids([a, b]));
        expect(await q(['pro'])).toEqual([]);
        expect(await s.memories.count(ORG, { tags: ['prod', 'eu'] })).toBe(1);
      });

      it('matches content_contains as a case-sensitive literal substring', async () => {
        const a = aMemory({ content: 'Visited Example.com at 50% load' });
        const b = aMemory({ content: 'visited example.com' });
        const c = aMemory({ content: 'a_b and a%b' });
        await save(a, b, c);
        const q = async (contentContains: string) =>
          ids(await s.memories.find(ORG, all({ contentContains })));
        expect(await q('Example.com')).toEqual(ids([a]));
        expect(await q('example.com')).toEqual(ids([b]));
        expect(await q('50%')).toEqual(ids([a]));
        expect(await q('a_b')).toEqual(ids([c]));
        expect(await q('a%b')).toEqual(ids([c]));
        expect(await q('%')).toEqual(ids([a, c]));
      });

      it('treats min importance, since and until as inclusive, inclusive and exclusive', async () => {
        const t = BASE_TIME;
        const a = aMemory({ time: t, importance: 0.5 });
        const b = aMemory({ time: t + 10, importance: 0.49 });
        const c = aMemory({ time: t + 20, importance: 1 });
        await save(a, b, c);
        const q = async (f: MemoryFilter) => ids(await s.memories.find(ORG, all(f)));
        expect(await q({ minImportance: 0.5 })).toEqual(ids([a, c]));
        expect(await q({ since: t + 10 })).toEqual(ids([b, c]));
        expect(await q({ until: t + 20 })).toEqual(ids([a, b]));
        expect(await q({ since: t, until: t })).toEqual([]);
        expect(await s.memories.count(ORG, { since: t + 10, minImportance: 0.5 })).toBe(1);
      });

      it('combines tags with other filters and pages newest first', async () => {
        const ms = Array.from({ length: 10 }, (_, i) =>
          aMemory({ time: BASE_TIME + i, tags: i % 2 ? ['x'] : ['y'], importance: i / 10 }),
        );
        await save(...ms);
        const page = await s.memories.find(ORG, {
          filter: { tags: ['x'], minImportance: 0.3 },
          order: 'desc',
          limit: 2,
          offset: 1,
        });
        expect(ids(page)).toEqual(ids([ms[7] as Memory, ms[5] as Memory]));
        expect(await s.memories.count(ORG, { tags: ['x'], minImportance: 0.3 })).toBe(4);
      });
    });

    describe('MemoryStore.findByPriority', () => {
      const byPriority = (
        filter: MemoryFilter = {},
        maxContentLength: number | null = null,
        limit: number | null = null,
      ) => s.memories.findByPriority(ORG, { filter, maxContentLength, limit });

      it('orders by importance, then time, then id, each highest first, and honours limit', async () => {
        const t = BASE_TIME;
        const a = aMemory({ importance: 0.5, time: t + 5 });
        const b = aMemory({ importance: 0.9, time: t + 1 });
        const c = aMemory({ importance: 0.5, time: t + 9 });
        // Same importance and time as d: the id decides (ids sort as written, not as inserted).
        const d = aMemory({ importance: 0.2, time: t + 3, id: 'mem_0000000000000000000000b0' });
        const e = aMemory({ importance: 0.2, time: t + 3, id: 'mem_0000000000000000000000a0' });
        const f = aMemory({ importance: 0, time: t + 99 });
        await save(e, f, a, d, b, c, aMemory({ orgId: OTHER, importance: 1 }));
        expect(ids(await byPriority())).toEqual(ids([b, c, a, d, e, f]));
        expect(ids(await byPriority({}, null, 3))).toEqual(ids([b, c, a]));
        expect(ids(await byPriority({}, null, 0))).toEqual([]);
      });

      it('filters by pinned, also after an update pins or unpins a memory', async () => {
        const t = BASE_TIME;
        const inSession = (o: Partial<Memory>) => aMemory({ sessionId: 'pin', ...o });
        const a = inSession({ importance: 0.2, time: t + 1, pinned: true });
        const b = inSession({ importance: 0.9, time: t + 2 });
        const c = inSession({ importance: 0.5, time: t + 3, pinned: true });
        const d = inSession({ importance: 0.7, time: t + 4 });
        await save(a, b, c, d, aMemory({ sessionId: 'other', pinned: true }));
        const q = async (f: MemoryFilter) => ids(await byPriority({ sessionId: 'pin', ...f }));
        expect(await q({ pinned: true })).toEqual(ids([c, a]));
        expect(await q({ pinned: false })).toEqual(ids([b, d]));
        expect(await q({})).toEqual(ids([b, d, c, a]));
        expect(await s.memories.count(ORG, { sessionId: 'pin', pinned: true })).toBe(2);
        const found = await s.memories.find(ORG, {
          filter: { sessionId: 'pin', pinned: false },
          order: 'asc',
          limit: null,
          offset: 0,
        });
        expect(ids(found)).toEqual(ids([b, d]));
        // Pinning is revised by an update: the filter sees the memory's current state.
        await s.memories.update(ORG, d.id, { pinned: true });
        await s.memories.update(ORG, a.id, { pinned: false });
        expect(await q({ pinned: true })).toEqual(ids([d, c]));
        expect(await q({ pinned: false })).toEqual(ids([b, a]));
      });

      it('applies the filter: session, memory types, since and until', async () => {
        const t = BASE_TIME;
        const inSession = (o: Partial<Memory>) => aMemory({ sessionId: 'ctx', ...o });
        const a = inSession({ importance: 0.1, time: t + 10, memoryType: 'decision' });
        const b = inSession({ importance: 0.8, time: t + 20, memoryType: 'episodic' });
        const c = inSession({ importance: 0.6, time: t + 30, memoryType: 'entity' });
        const d = inSession({ importance: 0.4, time: t + 40, memoryType: 'session' });
        await save(a, b, c, d, aMemory({ sessionId: 'other', importance: 1 }));
        const q = async (f: MemoryFilter) => ids(await byPriority({ sessionId: 'ctx', ...f }));
        expect(await q({})).toEqual(ids([b, c, d, a]));
        expect(await q({ memoryTypes: ['decision', 'entity'] })).toEqual(ids([c, a]));
        expect(await q({ memoryTypes: [] })).toEqual([]);
        expect(await q({ since: t + 20, until: t + 40 })).toEqual(ids([b, c]));
      });

      it('returns every memory whose content fits the length bound, counted in UTF-16 code units', async () => {
        // Lengths in UTF-16 code units: 5, 5 (10 UTF-8 bytes), 6 (3 astral characters), 8, 7 with
        // two lines, 12; a store may also return longer ones, never leave out one that fits.
        const contents = ['abcde', 'ééééé', '😀😀😀', 'abcdefgh', 'abc\r\nde', 'abcdefghijkl'];
        const ms = contents.map((content, i) =>
          aMemory({ sessionId: 'len', content, importance: 1 - i / 10 }),
        );
        await save(...ms);
        for (const bound of [0, 4, 5, 6, 7, 8, 11, 12]) {
          const got = await byPriority({ sessionId: 'len' }, bound);
          const fitting = ms.filter((m) => m.content.length <= bound);
          expect(ids(got.filter((m) => m.content.length <= bound))).toEqual(ids(fitting));
          // Whatever else comes back is in priority order too.
          expect(ids(got)).toEqual(ids(ms.filter((m) => got.some((g) => g.id === m.id))));
        }
        const nul = aMemory({ sessionId: 'nul', content: 'ab\u0000cd' });
        await save(nul);
        expect(ids(await byPriority({ sessionId: 'nul' }, 5))).toEqual([nul.id]);
      });

      it('returns every memory whose line fits the token bound, and leaves out the others where counts are kept', async () => {
        // Lines of 3 to about 80 tokens, some with what the line escapes (a heading, a bullet,
        // a numbered item) or continues (line breaks), and astral characters.
        const contents = [
          'ok',
          'deployed the crawler to staging',
          '# not a heading\n- nor a bullet\r\n1. nor an item',
          '😀😀😀 three faces',
          'the quick brown fox jumps over the lazy dog '.repeat(8).trim(),
          'x'.repeat(200),
        ];
        const ms = contents.map((content, i) =>
          aMemory({ sessionId: 'tok', content, importance: 1 - i / 10 }),
        );
        await save(...ms, aMemory({ sessionId: 'other', content: 'ok' }));
        const tokens = new Map(ms.map((m) => [m.id, TEST_LINE_TOKENS(m.content)]));
        const fits = (m: Memory, bound: number) => (tokens.get(m.id) as number) <= bound;
        const bounds = [0, ...new Set(tokens.values())].flatMap((t) => [t - 1, t]);
        for (const bound of bounds.filter((b) => b >= 0)) {
          const got = await s.memories.findByPriority(ORG, {
            filter: { sessionId: 'tok' },
            maxContentLength: null,
            maxLineTokens: bound,
            limit: null,
          });
          const fitting = ms.filter((m) => fits(m, bound));
          expect(ids(got.filter((m) => fits(m, bound)))).toEqual(ids(fitting));
          expect(ids(got)).toEqual(ids(ms.filter((m) => got.some((g) => g.id === m.id))));
          if (h.keepsLineTokens === true) expect(ids(got)).toEqual(ids(fitting));
        }
        // With the length bound too: what fits both.
        const both = await s.memories.findByPriority(ORG, {
          filter: { sessionId: 'tok' },
          maxContentLength: 40,
          maxLineTokens: 10,
          limit: 2,
        });
        const want = ms.filter((m) => fits(m, 10) && m.content.length <= 40).slice(0, 2);
        const fitBoth = both.filter((m) => fits(m, 10) && m.content.length <= 40);
        expect(ids(fitBoth)).toEqual(ids(want).slice(0, fitBoth.length));
        if (h.keepsLineTokens === true) expect(ids(both)).toEqual(ids(want));
      });

      it('gives the best memories of a large session under a bound and a limit', async () => {
        // 300 memories with repeating importances and times, so ties are common.
        const ms = Array.from({ length: 300 }, (_, i) =>
          aMemory({
            sessionId: 'big',
            importance: (i % 7) / 6,
            time: BASE_TIME + (i % 11),
            content: 'x'.repeat(1 + ((i * 37) % 90)),
          }),
        );
        await save(...ms);
        const expected = (bound: number, limit: number) =>
          [...ms]
            .filter((m) => m.content.length <= bound)
            .sort(
              (x, y) =>
                y.importance - x.importance ||
                y.time - x.time ||
                (y.id < x.id ? -1 : y.id > x.id ? 1 : 0),
            )
            .slice(0, limit);
        for (const [bound, limit] of [
          [90, 40],
          [30, 25],
          [5, 300],
        ] as const) {
          const got = await byPriority({ sessionId: 'big' }, bound, limit);
          expect(ids(got)).toEqual(ids(expected(bound, limit)));
        }
      });
    });

    describe('MemoryStore.stats', () => {
      it('counts memories, recent ones, recent errors and types for the given agent ids', async () => {
        const t = BASE_TIME;
        await save(
          aMemory({ agentId: 'crawler', time: t - 2 * HOUR, memoryType: 'episodic' }),
          aMemory({ agentId: 'crawler', time: t, memoryType: 'decision', eventType: 'error' }),
          aMemory({ agentId: 'agent_1', time: t + 1, memoryType: 'episodic', eventType: 'error' }),
          aMemory({ agentId: 'crawler', time: t - 3 * HOUR, eventType: 'error' }),
          aMemory({ agentId: 'someone_else', time: t }),
          aMemory({ agentId: 'crawler', orgId: OTHER, time: t }),
        );
        expect(await s.memories.stats(ORG, ['crawler', 'agent_1'], t)).toEqual({
          memoryCount: 4,
          memoriesSince: 2,
          errorsSince: 2,
          memoryTypes: { episodic: 3, decision: 1 },
        });
      });

      it('returns zeros when nothing matches', async () => {
        expect(await s.memories.stats(ORG, ['nobody'], 0)).toEqual({
          memoryCount: 0,
          memoriesSince: 0,
          errorsSince: 0,
          memoryTypes: {},
        });
      });
    });

    describe('MemoryFilter.ids', () => {
      it('matches only the listed ids of the org, and nothing for an empty list', async () => {
        const [a, b, c] = await save(aMemory(), aMemory(), aMemory());
        const theirs = aMemory({ orgId: OTHER });
        await save(theirs);
        const wanted = [a!.id, c!.id, theirs.id, 'mem_unknown'];
        expect(ids(await s.memories.find(ORG, all({ ids: wanted })))).toEqual(ids([a!, c!]));
        expect(await s.memories.count(ORG, { ids: wanted })).toBe(2);
        expect(await s.memories.count(ORG, { ids: [] })).toBe(0);
        expect(await s.memories.count(ORG, { ids: [b!.id], agentId: 'nobody' })).toBe(0);
      });
    });

    describe('MemoryStore.delete', () => {
      it('deletes the memory of an id and nothing else, and says how many', async () => {
        const [gone, kept] = await save(aMemory(), aMemory());
        expect(await s.memories.delete(ORG, { ids: [gone!.id] })).toBe(1);
        expect(await s.memories.findById(ORG, gone!.id)).toBeNull();
        expect(ids(await s.memories.find(ORG, all()))).toEqual([kept!.id]);
        expect(await s.memories.delete(ORG, { ids: [gone!.id] })).toBe(0);
      });

      it('deletes what a filter matches, and no read path returns it afterwards', async () => {
        const t = BASE_TIME;
        const old = aMemory({ agentId: 'crawler', sessionId: 'sess_1', tags: ['x'], time: t });
        const older = aMemory({
          agentId: 'crawler',
          sessionId: 'sess_1',
          tags: ['x'],
          time: t - 1,
        });
        const other = aMemory({ agentId: 'crawler', sessionId: 'sess_1', tags: ['y'], time: t });
        await save(old, older, other);
        expect(await s.memories.delete(ORG, { agentId: 'crawler', tags: ['x'] })).toBe(2);
        expect(ids(await s.memories.find(ORG, all({ sessionId: 'sess_1' })))).toEqual([other.id]);
        expect(await s.memories.count(ORG, { tags: ['x'] })).toBe(0);
        const best = await s.memories.findByPriority(ORG, {
          filter: { sessionId: 'sess_1' },
          maxContentLength: null,
          limit: null,
        });
        expect(ids(best)).toEqual([other.id]);
        expect((await s.memories.stats(ORG, ['crawler'], 0)).memoryCount).toBe(1);
      });

      it('never touches another org, even with its ids or an empty filter', async () => {
        const mine = aMemory();
        const theirs = aMemory({ orgId: OTHER });
        await save(mine, theirs);
        expect(await s.memories.delete(ORG, { ids: [theirs.id] })).toBe(0);
        expect(await s.memories.delete(ORG, {})).toBe(1);
        expect(await s.memories.findById(OTHER, theirs.id)).toEqual(theirs);
        expect(await s.memories.count(OTHER, {})).toBe(1);
      });

      it('lets a deleted dedup key be stored again', async () => {
        const first = aMemory({ dedupKey: 'k' });
        await save(first);
        await s.memories.delete(ORG, { ids: [first.id] });
        const again = aMemory({ dedupKey: 'k' });
        const [outcome] = await s.memories.insert([again], { windowMs: 24 * HOUR });
        expect(outcome?.status).toBe('created');
      });

      it('deletes a large selection at once', async () => {
        const ms = Array.from({ length: 1_200 }, (_, i) =>
          aMemory({ agentId: i % 2 === 0 ? 'even' : 'odd', time: BASE_TIME + i }),
        );
        await s.memories.insert(ms, null);
        const first = ms.slice(0, 1_000).map((m) => m.id);
        expect(await s.memories.delete(ORG, { ids: first })).toBe(1_000);
        expect(await s.memories.count(ORG, {})).toBe(200);
        expect(await s.memories.delete(ORG, { agentId: 'odd' })).toBe(100);
        expect(ids(await s.memories.find(ORG, all()))).toEqual(
          ms
            .slice(1_000)
            .filter((_, i) => i % 2 === 0)
            .map((m) => m.id),
        );
      });
    });

    describe('keyset paging (after a position)', () => {
      describeKeysetContract(() => s);
    });
    describeExpiryContract(() => s, save);
    describeCorrections(() => s);
    describeSearchContract(() => s, save);
    describe('ranked search: the relevance set', () => {
      describeRelevanceContract(() => s);
    });
    describeSubstringContract(() => s, save);
    describePageTotalContract(() => s, save, h.countsWithPage === true);

    describe('SessionStore', () => {
      it('returns a created session unchanged and null for another org', async () => {
        const x = aSession({ metadata: { task: 'research', nested: { a: [1] } } });
        await s.sessions.create(x);
        expect(await s.sessions.findById(ORG, x.id)).toEqual(x);
        expect(await s.sessions.findById(OTHER, x.id)).toBeNull();
      });

      it('rejects a second session with the same id as a conflict', async () => {
        const x = aSession();
        await s.sessions.create(x);
        await expect(s.sessions.create({ ...x })).rejects.toMatchObject({ kind: 'conflict' });
      });

      it('creates only the missing sessions and leaves existing ones as they are', async () => {
        const existing = aSession({ id: 'chat-1', metadata: { kept: true } });
        await s.sessions.create(existing);
        const fresh = aSession({ id: 'chat-2', agentId: 'bot', metadata: {} });
        const again = aSession({ id: 'chat-1', agentId: 'other', metadata: {} });
        const otherOrg = aSession({ id: 'chat-1', orgId: OTHER, metadata: {} });

        await s.sessions.createMissing([again, fresh, otherOrg, { ...fresh }]);

        expect(await s.sessions.findById(ORG, 'chat-1')).toEqual(existing);
        expect(await s.sessions.findById(ORG, 'chat-2')).toEqual(fresh);
        expect(await s.sessions.findById(OTHER, 'chat-1')).toEqual(otherOrg);
        expect((await s.sessions.list(ORG, { limit: 10, offset: 0 })).total).toBe(2);
        await s.sessions.createMissing([]);
      });

      it('creates a missing session once when many calls create it at the same moment', async () => {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            s.sessions.createMissing([
              aSession({ id: 'raced', agentId: `agent_${i}`, metadata: {} }),
              aSession({ id: `own-${i}`, metadata: {} }),
            ]),
          ),
        );

        const page = await s.sessions.list(ORG, { limit: 100, offset: 0 });
        expect(page.total).toBe(21);
        expect(page.items.filter((x) => x.id === 'raced')).toHaveLength(1);
      });

      it('lists newest first with filters, pages and the total', async () => {
        const a = aSession({ agentId: 'agent_1', createdAt: BASE_TIME });
        const b = aSession({
          agentId: 'agent_2',
          createdAt: BASE_TIME + 1,
          status: 'closed',
          closedAt: BASE_TIME + 5,
        });
        const c = aSession({ agentId: 'agent_1', createdAt: BASE_TIME + 2 });
        const d = aSession({ agentId: 'agent_1', createdAt: BASE_TIME + 2, orgId: OTHER });
        for (const x of [a, b, c, d]) await s.sessions.create(x);
        const page = await s.sessions.list(ORG, { limit: 2, offset: 0 });
        expect(page.items.map((x) => x.id)).toEqual([c.id, b.id]);
        expect(page.total).toBe(3);
        const agent1 = await s.sessions.list(ORG, { agentId: 'agent_1', limit: 10, offset: 1 });
        expect(agent1.items.map((x) => x.id)).toEqual([a.id]);
        expect(agent1.total).toBe(2);
        const closed = await s.sessions.list(ORG, { status: 'closed', limit: 10, offset: 0 });
        expect(closed.items).toEqual([b]);
      });

      it('merges metadata, removes null keys and tracks closed_at on update', async () => {
        const x = aSession({ metadata: { a: 1, b: 2 } });
        await s.sessions.create(x);
        const closed = await s.sessions.update(
          ORG,
          x.id,
          { status: 'closed', metadata: { b: null, c: { d: 3 } } },
          BASE_TIME + 100,
        );
        expect(closed).toEqual({
          ...x,
          status: 'closed',
          metadata: { a: 1, c: { d: 3 } },
          closedAt: BASE_TIME + 100,
          updatedAt: BASE_TIME + 100,
        });
        const stillClosed = await s.sessions.update(
          ORG,
          x.id,
          { metadata: { e: true } },
          BASE_TIME + 200,
        );
        expect(stillClosed?.closedAt).toBe(BASE_TIME + 100);
        const reopened = await s.sessions.update(ORG, x.id, { status: 'active' }, BASE_TIME + 300);
        expect(reopened).toMatchObject({
          status: 'active',
          closedAt: null,
          updatedAt: BASE_TIME + 300,
        });
        expect(await s.sessions.findById(ORG, x.id)).toEqual(reopened);
      });

      it('returns null when updating an unknown session or one of another org', async () => {
        const x = aSession({ orgId: OTHER });
        await s.sessions.create(x);
        expect(await s.sessions.update(ORG, x.id, { status: 'closed' }, BASE_TIME)).toBeNull();
        expect(
          await s.sessions.update(ORG, 'sess_nope', { status: 'closed' }, BASE_TIME),
        ).toBeNull();
        expect((await s.sessions.findById(OTHER, x.id))?.status).toBe('active');
      });

      it('keeps every key of concurrent metadata updates', async () => {
        const x = aSession({ metadata: {} });
        await s.sessions.create(x);
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            s.sessions.update(ORG, x.id, { metadata: { [`k${i}`]: i } }, BASE_TIME + i),
          ),
        );
        const after = await s.sessions.findById(ORG, x.id);
        expect(Object.keys(after?.metadata ?? {})).toHaveLength(20);
      });

      it('counts all and active sessions of the given agent ids', async () => {
        await s.sessions.create(aSession({ agentId: 'crawler' }));
        await s.sessions.create(
          aSession({ agentId: 'agent_1', status: 'closed', closedAt: BASE_TIME }),
        );
        await s.sessions.create(aSession({ agentId: 'other' }));
        await s.sessions.create(aSession({ agentId: 'crawler', orgId: OTHER }));
        expect(await s.sessions.countByAgent(ORG, ['crawler', 'agent_1'])).toEqual({
          total: 2,
          active: 1,
        });
      });

      it('deletes a session of its own org only, and says whether it did', async () => {
        const x = aSession({ id: 'shared-id' });
        const kept = aSession();
        const theirs = aSession({ id: 'shared-id', orgId: OTHER });
        for (const y of [x, kept, theirs]) await s.sessions.create(y);

        expect(await s.sessions.delete(ORG, x.id)).toBe(true);

        expect(await s.sessions.findById(ORG, x.id)).toBeNull();
        expect(await s.sessions.delete(ORG, x.id)).toBe(false);
        expect(await s.sessions.delete(ORG, 'sess_nope')).toBe(false);
        expect(await s.sessions.update(ORG, x.id, { status: 'closed' }, BASE_TIME)).toBeNull();
        expect((await s.sessions.list(ORG, { limit: 10, offset: 0 })).items).toEqual([kept]);
        expect(await s.sessions.countByAgent(ORG, [x.agentId])).toEqual({ total: 1, active: 1 });
        expect(await s.sessions.findById(OTHER, theirs.id)).toEqual(theirs);
      });

      it('lets a deleted session id be created again, as a new session', async () => {
        const x = aSession({ id: 'again', metadata: { old: true } });
        await s.sessions.create(x);
        await s.sessions.delete(ORG, x.id);
        const fresh = aSession({ id: 'again', metadata: {}, createdAt: BASE_TIME + 9 });
        await s.sessions.createMissing([fresh]);
        expect(await s.sessions.findById(ORG, 'again')).toEqual(fresh);
      });

      it('deletes every session of an agent in its org and counts them', async () => {
        const a1 = aSession({ agentId: 'crawler' });
        const a2 = aSession({ agentId: 'crawler', status: 'closed', closedAt: BASE_TIME });
        const b = aSession({ agentId: 'crawler-2' });
        const theirs = aSession({ agentId: 'crawler', orgId: OTHER });
        for (const y of [a1, a2, b, theirs]) await s.sessions.create(y);

        expect(await s.sessions.deleteByAgent(ORG, 'crawler')).toBe(2);

        expect(await s.sessions.findById(ORG, a1.id)).toBeNull();
        expect(await s.sessions.findById(ORG, a2.id)).toBeNull();
        expect(await s.sessions.countByAgent(ORG, ['crawler'])).toEqual({ total: 0, active: 0 });
        expect((await s.sessions.list(ORG, { limit: 10, offset: 0 })).items).toEqual([b]);
        expect(await s.sessions.findById(OTHER, theirs.id)).toEqual(theirs);
        expect(await s.sessions.deleteByAgent(ORG, 'crawler')).toBe(0);
      });

      it('deletes many sessions of an agent at once', async () => {
        const many = Array.from({ length: 1_200 }, (_, i) =>
          aSession({ agentId: 'busy', createdAt: BASE_TIME + i }),
        );
        await s.sessions.createMissing(many);
        expect(await s.sessions.deleteByAgent(ORG, 'busy')).toBe(1_200);
        expect((await s.sessions.list(ORG, { limit: 10, offset: 0 })).total).toBe(0);
      });
    });

    describe('AgentStore', () => {
      it('finds an agent by id or by name, only in its org', async () => {
        const a = anAgent({ name: 'web_crawler', config: { max_depth: 3, nested: { x: [1] } } });
        await s.agents.create(a);
        expect(await s.agents.find(ORG, a.id)).toEqual(a);
        expect(await s.agents.find(ORG, 'web_crawler')).toEqual(a);
        expect(await s.agents.find(OTHER, a.id)).toBeNull();
        expect(await s.agents.find(ORG, 'nobody')).toBeNull();
      });

      it('keeps a null description and prefers an id match over a name match', async () => {
        const a = anAgent({ description: null });
        const b = anAgent({ name: a.id });
        await s.agents.create(a);
        await s.agents.create(b);
        expect(await s.agents.find(ORG, a.id)).toEqual(a);
      });

      it('rejects a repeated name in one org but allows it in another', async () => {
        await s.agents.create(anAgent({ name: 'dup' }));
        await expect(s.agents.create(anAgent({ name: 'dup' }))).rejects.toMatchObject({
          kind: 'conflict',
          code: 'AGENT_EXISTS',
        });
        await expect(
          s.agents.create(anAgent({ name: 'dup', orgId: OTHER })),
        ).resolves.toBeUndefined();
      });

      it('lists newest first with pages and the total', async () => {
        const a = anAgent({ createdAt: BASE_TIME });
        const b = anAgent({ createdAt: BASE_TIME + 1 });
        const c = anAgent({ createdAt: BASE_TIME + 1 });
        for (const x of [a, b, c, anAgent({ orgId: OTHER })]) await s.agents.create(x);
        const page = await s.agents.list(ORG, { limit: 2, offset: 1 });
        expect(page.items.map((x) => x.id)).toEqual([b.id, a.id]);
        expect(page.total).toBe(3);
      });

      it('deletes only an agent of its own org', async () => {
        const a = anAgent();
        const other = anAgent({ orgId: OTHER });
        await s.agents.create(a);
        await s.agents.create(other);
        expect(await s.agents.delete(ORG, other.id)).toBe(false);
        expect(await s.agents.delete(ORG, a.id)).toBe(true);
        expect(await s.agents.delete(ORG, a.id)).toBe(false);
        expect(await s.agents.find(ORG, a.id)).toBeNull();
        expect(await s.agents.find(OTHER, other.id)).toEqual(other);
      });
    });

    describe('AuthStore', () => {
      it('bootstraps once and only on an empty store', async () => {
        const org = anOrg({ id: 'org_default', name: 'Default' });
        const key = anApiKey({ orgId: org.id, permissions: ['read', 'write', 'admin'] });
        expect(await s.auth.bootstrap(org, key)).toBe(true);
        expect(await s.auth.bootstrap(anOrg(), anApiKey())).toBe(false);
        expect(await s.auth.listOrgs()).toEqual([org]);
        expect(await s.auth.findKeyByHash(key.keyHash)).toEqual(key);
      });

      it('bootstraps exactly once when asked concurrently', async () => {
        const results = await Promise.all(
          Array.from({ length: 5 }, () => {
            const org = anOrg();
            return s.auth.bootstrap(org, anApiKey({ orgId: org.id }));
          }),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await s.auth.listOrgs()).toHaveLength(1);
      });

      it('creates orgs with their first key and rejects a taken name', async () => {
        const a = anOrg({ createdAt: BASE_TIME });
        const b = anOrg({ createdAt: BASE_TIME + 1 });
        await s.auth.createOrg(a, anApiKey({ orgId: a.id }));
        await s.auth.createOrg(b, anApiKey({ orgId: b.id }));
        expect(await s.auth.listOrgs()).toEqual([a, b]);
        expect(await s.auth.findOrg(b.id)).toEqual(b);
        expect(await s.auth.findOrg('org_nope')).toBeNull();
        const same = anOrg({ name: a.name });
        await expect(s.auth.createOrg(same, anApiKey({ orgId: same.id }))).rejects.toMatchObject({
          kind: 'conflict',
        });
        expect(await s.auth.findOrg(same.id)).toBeNull();
      });

      it('lists unrevoked keys of one org and revokes once', async () => {
        const org = anOrg({ id: ORG });
        const k1 = anApiKey({ createdAt: BASE_TIME });
        await s.auth.createOrg(org, k1);
        const k2 = anApiKey({ createdAt: BASE_TIME + 1, permissions: ['read'] });
        const foreign = anApiKey({ orgId: OTHER });
        await s.auth.createKey(k2);
        await s.auth.createKey(foreign);
        expect(await s.auth.listKeys(ORG)).toEqual([k1, k2]);
        expect(await s.auth.findKey(ORG, foreign.id)).toBeNull();
        expect(await s.auth.revokeKey(ORG, foreign.id, BASE_TIME)).toBe('absent');
        expect(await s.auth.revokeKey(ORG, k1.id, BASE_TIME + 5)).toBe('revoked');
        expect(await s.auth.revokeKey(ORG, k1.id, BASE_TIME + 6)).toBe('absent');
        expect(await s.auth.listKeys(ORG)).toEqual([k2]);
        expect(await s.auth.findKeyByHash(k1.keyHash)).toEqual({ ...k1, revokedAt: BASE_TIME + 5 });
        expect(await s.auth.findKey(ORG, k1.id)).toEqual({ ...k1, revokedAt: BASE_TIME + 5 });
        expect(await s.auth.findKeyByHash('f'.repeat(64))).toBeNull();
      });

      it('refuses to revoke the last unrevoked admin key of an org and changes nothing', async () => {
        const org = anOrg({ id: ORG });
        const admin = anApiKey({ permissions: ['read', 'write', 'admin'] });
        const reader = anApiKey({ permissions: ['read'] });
        await s.auth.createOrg(org, admin);
        await s.auth.createKey(reader);

        expect(await s.auth.revokeKey(ORG, admin.id, BASE_TIME)).toBe('last_admin');
        expect(await s.auth.revokeKey(ORG, reader.id, BASE_TIME)).toBe('revoked');
        expect(await s.auth.listKeys(ORG)).toEqual([admin]);
      });

      it('keeps exactly one admin key when every admin key of an org is revoked at once', async () => {
        const orgs = [ORG, OTHER, 'org_c', 'org_d'];
        const admins = new Map<string, string[]>();
        for (const id of orgs) {
          const keys = Array.from({ length: 4 }, () =>
            anApiKey({ orgId: id, permissions: ['admin'] }),
          );
          await s.auth.createOrg(anOrg({ id }), keys[0]!);
          for (const k of keys.slice(1)) await s.auth.createKey(k);
          admins.set(
            id,
            keys.map((k) => k.id),
          );
        }

        // Every revocation of every org in flight together, interleaved across orgs.
        const attempts = orgs.flatMap((id) => admins.get(id)!.map((keyId) => ({ id, keyId })));
        const outcomes = await Promise.all(
          attempts.map((a) => s.auth.revokeKey(a.id, a.keyId, BASE_TIME)),
        );

        for (const id of orgs) {
          const mine = outcomes.filter((_, i) => attempts[i]!.id === id);
          expect(mine.filter((o) => o === 'revoked')).toHaveLength(3);
          expect(mine.filter((o) => o === 'last_admin')).toHaveLength(1);
          expect(await s.auth.listKeys(id)).toHaveLength(1);
        }
      });
    });

    describe('ArcInstanceStore', () => {
      const withOrgs = async (...orgIds: string[]) => {
        for (const id of orgIds) {
          await s.auth.createOrg(anOrg({ id }), anApiKey({ orgId: id }));
        }
      };

      it('returns the stored instance unchanged, and null for an org without one', async () => {
        await withOrgs(ORG, OTHER);
        const instance = anArcInstance({ orgId: ORG, apiKeySealed: 'v1.bm9uY2U.c2VhbGVk' });
        await s.arcInstances.put(instance);
        expect(await s.arcInstances.get(ORG)).toEqual(instance);
        expect(await s.arcInstances.get(OTHER)).toBeNull();
        expect(await s.arcInstances.get('org_nope')).toBeNull();
      });

      it('keeps a null API key as null', async () => {
        await withOrgs(ORG);
        const instance = anArcInstance({ orgId: ORG, apiKeySealed: null });
        await s.arcInstances.put(instance);
        expect(await s.arcInstances.get(ORG)).toEqual(instance);
      });

      it('replaces every field but createdAt when put again for the same org (upsert)', async () => {
        await withOrgs(ORG);
        const first = anArcInstance({ orgId: ORG, createdAt: BASE_TIME, updatedAt: BASE_TIME });
        await s.arcInstances.put(first);
        const second = anArcInstance({
          orgId: ORG,
          url: 'https://arc-two.example.com',
          database: 'second_db',
          measurement: 'agent-events',
          apiKeySealed: null,
          createdAt: BASE_TIME + 5_000,
          updatedAt: BASE_TIME + 5_000,
        });
        await s.arcInstances.put(second);
        expect(await s.arcInstances.get(ORG)).toEqual({ ...second, createdAt: BASE_TIME });
        expect(await s.arcInstances.list()).toHaveLength(1);
      });

      it('keeps each org to its own instance', async () => {
        await withOrgs(ORG, OTHER);
        const mine = anArcInstance({ orgId: ORG, database: 'mine' });
        const theirs = anArcInstance({ orgId: OTHER, database: 'theirs' });
        await s.arcInstances.put(mine);
        await s.arcInstances.put(theirs);
        await s.arcInstances.put({
          ...mine,
          url: 'http://127.0.0.1:9999',
          updatedAt: BASE_TIME + 1,
        });
        expect(await s.arcInstances.get(OTHER)).toEqual(theirs);
        expect(await s.arcInstances.remove(ORG)).toBe(true);
        expect(await s.arcInstances.get(ORG)).toBeNull();
        expect(await s.arcInstances.get(OTHER)).toEqual(theirs);
      });

      it('removes once: true when there was an instance, then false', async () => {
        await withOrgs(ORG);
        await s.arcInstances.put(anArcInstance({ orgId: ORG }));
        expect(await s.arcInstances.remove(ORG)).toBe(true);
        expect(await s.arcInstances.remove(ORG)).toBe(false);
        expect(await s.arcInstances.remove('org_nope')).toBe(false);
      });

      it('lists every instance ordered by org id', async () => {
        await withOrgs(OTHER, ORG, 'org_c');
        const c = anArcInstance({ orgId: 'org_c' });
        const b = anArcInstance({ orgId: OTHER });
        const a = anArcInstance({ orgId: ORG });
        for (const i of [c, b, a]) await s.arcInstances.put(i);
        expect(await s.arcInstances.list()).toEqual([a, b, c]);
      });

      it('refuses an instance for an org that does not exist (not_found)', async () => {
        await expect(
          s.arcInstances.put(anArcInstance({ orgId: 'org_nope' })),
        ).rejects.toMatchObject({ kind: 'not_found', code: 'ORG_NOT_FOUND' });
        expect(await s.arcInstances.list()).toEqual([]);
      });
    });

    describe('StorageBundle.ping', () => {
      it('resolves when the backend is reachable', async () => {
        await expect(s.ping()).resolves.toBeUndefined();
      });
    });
  });
}
