import { describe, expect, it } from 'vitest';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import type { LiveAt, Memory, MemoryQuery } from '../../domain/index.js';
import { aMemory, BASE_TIME } from '../support/builders.js';

const ORG = 'org_a';
const OTHER = 'org_b';
const ids = (ms: readonly Memory[]) => ms.map((m) => m.id);
const all = (includeSuperseded?: boolean): MemoryQuery => ({
  filter: includeSuperseded === undefined ? {} : { includeSuperseded },
  order: 'asc',
  limit: null,
  offset: 0,
});

/**
 * The contract of corrections: `MemoryStore.update` and `supersedes` on insert, with the
 * `includeSuperseded` filter on every read. Part of the storage contract.
 */
export function describeCorrections(store: () => StorageBundle): void {
  const save = async (...ms: Memory[]) => {
    const out = await store().memories.insert(ms, null);
    expect(out.map((o) => o.status)).toEqual(ms.map(() => 'created'));
    return ms;
  };

  describe('MemoryStore.update', () => {
    it('replaces importance and tags, merges metadata and removes null keys', async () => {
      const m = aMemory({ metadata: { a: 1, b: 2, c: { d: 3 } }, tags: ['x', 'y'] });
      await save(m);
      const next = await store().memories.update(ORG, m.id, {
        importance: 0.25,
        tags: ['z', 'x', 'z'],
        metadata: { b: null, c: { e: 4 }, f: 'new' },
      });
      const want = {
        ...m,
        importance: 0.25,
        tags: ['z', 'x'],
        metadata: { a: 1, c: { e: 4 }, f: 'new' },
      };
      expect(next).toEqual(want);
      expect(await store().memories.findById(ORG, m.id)).toEqual(want);
    });

    it('keeps the fields a patch does not name', async () => {
      const m = aMemory({ importance: 0.9 });
      await save(m);
      expect(await store().memories.update(ORG, m.id, { tags: [] })).toEqual({ ...m, tags: [] });
    });

    it('is seen by tag, importance and priority reads after the change', async () => {
      const m = aMemory({ tags: ['old'], importance: 0.1, sessionId: 'sess_upd' });
      await save(m);
      await store().memories.update(ORG, m.id, { tags: ['new'], importance: 0.8 });
      const s = store().memories;
      expect(await s.count(ORG, { tags: ['old'] })).toBe(0);
      expect(ids(await s.find(ORG, { ...all(), filter: { tags: ['new'] } }))).toEqual([m.id]);
      expect(await s.count(ORG, { tags: ['new'], minImportance: 0.5 })).toBe(1);
      expect(await s.count(ORG, { minImportance: 0.5 })).toBe(1);
      const best = await s.findByPriority(ORG, {
        filter: { sessionId: 'sess_upd' },
        maxContentLength: null,
        limit: null,
      });
      expect(best.map((b) => b.importance)).toEqual([0.8]);
    });

    it('returns null and changes nothing for an unknown id or one of another org', async () => {
      const theirs = aMemory({ orgId: OTHER });
      await save(theirs);
      expect(await store().memories.update(ORG, theirs.id, { importance: 1 })).toBeNull();
      expect(
        await store().memories.update(ORG, 'mem_000000000000000000000000', { importance: 1 }),
      ).toBeNull();
      expect(await store().memories.findById(OTHER, theirs.id)).toEqual(theirs);
    });

    it('refuses a merge past maxMetadataBytes and changes nothing', async () => {
      const m = aMemory({ metadata: { a: 'x'.repeat(50) } });
      await save(m);
      await expect(
        store().memories.update(ORG, m.id, {
          metadata: { b: 'y'.repeat(50) },
          maxMetadataBytes: 80,
        }),
      ).rejects.toMatchObject({ kind: 'invalid' });
      expect(await store().memories.findById(ORG, m.id)).toEqual(m);
    });

    it('pins a memory (clearing its expiry) and sets or removes an expiry', async () => {
      const HOUR = 3_600_000;
      const t = BASE_TIME;
      const m = aMemory({ time: t - 3 * HOUR, expiresAt: t + HOUR, tags: ['kept'] });
      await save(m);
      const s = store().memories;
      // Through the id lookup, and through the tag walk, whose rows repeat the pin and expiry.
      const liveIds = async (live: LiveAt) => {
        const byId = ids(await s.find(ORG, { ...all(), filter: { ids: [m.id], live } }));
        const byTag = { tags: ['kept'], live };
        expect(ids(await s.find(ORG, { ...all(), filter: byTag }))).toEqual(byId);
        expect(await s.count(ORG, byTag)).toBe(byId.length);
        const pinnedOnly = await s.count(ORG, { tags: ['kept'], pinned: true });
        expect(pinnedOnly).toBe((await s.findById(ORG, m.id))?.pinned === true ? 1 : 0);
        return byId;
      };
      const retention: LiveAt = { at: t + 2 * HOUR, retentionMs: 2 * HOUR };
      expect(await liveIds(retention)).toEqual([]);

      const pinned = { ...m, pinned: true, expiresAt: null };
      expect(await s.update(ORG, m.id, { pinned: true })).toEqual(pinned);
      expect(await s.findById(ORG, m.id)).toEqual(pinned);
      expect(await liveIds(retention)).toEqual([m.id]);
      await expect(s.update(ORG, m.id, { expiresAt: t + HOUR })).rejects.toMatchObject({
        kind: 'invalid',
      });
      expect(await s.findById(ORG, m.id)).toEqual(pinned);

      const unpinned = { ...m, pinned: false, expiresAt: t + 5 * HOUR };
      expect(await s.update(ORG, m.id, { pinned: false, expiresAt: t + 5 * HOUR })).toEqual(
        unpinned,
      );
      expect(await liveIds({ at: t + 4 * HOUR, retentionMs: null })).toEqual([m.id]);
      expect(await liveIds({ at: t + 5 * HOUR, retentionMs: null })).toEqual([]);

      // No expiry of its own: the retention applies again.
      const own = { ...m, expiresAt: null };
      expect(await s.update(ORG, m.id, { expiresAt: null })).toEqual(own);
      expect(await s.findById(ORG, m.id)).toEqual(own);
      expect(await liveIds({ at: t + 10 * HOUR, retentionMs: null })).toEqual([m.id]);
      expect(await liveIds(retention)).toEqual([]);
    });

    it('keeps every key of concurrent metadata patches', async () => {
      const m = aMemory({ metadata: {} });
      await save(m);
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store().memories.update(ORG, m.id, { metadata: { [`k${i}`]: i } }),
        ),
      );
      const after = await store().memories.findById(ORG, m.id);
      expect(Object.keys(after?.metadata ?? {}).sort()).toEqual(
        Array.from({ length: 12 }, (_, i) => `k${i}`).sort(),
      );
    });
  });

  describe('MemoryStore.insert with supersedes', () => {
    it('retires the old memory: hidden from find, count, priority and stats unless asked', async () => {
      const old = aMemory({ sessionId: 'sess_sup', agentId: 'fixer', time: BASE_TIME });
      const other = aMemory({ sessionId: 'sess_sup', agentId: 'fixer', time: BASE_TIME + 1 });
      await save(old, other);
      const fix = aMemory({
        sessionId: 'sess_sup',
        agentId: 'fixer',
        time: BASE_TIME + 2,
        supersedes: old.id,
      });
      await save(fix);
      const s = store().memories;
      expect(await s.findById(ORG, old.id)).toEqual({ ...old, supersededBy: fix.id });
      expect(await s.findById(ORG, fix.id)).toEqual(fix);
      expect(ids(await s.find(ORG, all()))).toEqual([other.id, fix.id]);
      expect(ids(await s.find(ORG, all(true)))).toEqual([old.id, other.id, fix.id]);
      expect(await s.count(ORG, { sessionId: 'sess_sup' })).toBe(2);
      expect(await s.count(ORG, { sessionId: 'sess_sup', includeSuperseded: true })).toBe(3);
      expect(await s.count(ORG, { tags: ['crawling'] })).toBe(2);
      expect(await s.count(ORG, { tags: ['crawling'], includeSuperseded: true })).toBe(3);
      const prio = (includeSuperseded: boolean) =>
        s.findByPriority(ORG, {
          filter: { sessionId: 'sess_sup', includeSuperseded },
          maxContentLength: null,
          limit: null,
        });
      expect((await prio(false)).map((m) => m.id).sort()).toEqual([other.id, fix.id].sort());
      expect(await prio(true)).toHaveLength(3);
      expect((await s.stats(ORG, ['fixer'], 0)).memoryCount).toBe(2);
    });

    it('refuses a supersedes of an unknown memory or one of another org, storing nothing', async () => {
      const theirs = aMemory({ orgId: OTHER });
      await save(theirs);
      for (const target of [theirs.id, 'mem_000000000000000000000000']) {
        const ok = aMemory();
        const fix = aMemory({ supersedes: target });
        await expect(store().memories.insert([ok, fix], null)).rejects.toMatchObject({
          kind: 'not_found',
        });
        expect(await store().memories.findById(ORG, ok.id)).toBeNull();
      }
      expect(await store().memories.findById(OTHER, theirs.id)).toEqual(theirs);
    });

    it('refuses to supersede a retired memory again (conflict), storing nothing', async () => {
      const old = aMemory();
      const fix = aMemory({ supersedes: old.id });
      await save(old);
      await save(fix);
      const again = aMemory({ supersedes: old.id });
      await expect(store().memories.insert([again], null)).rejects.toMatchObject({
        kind: 'conflict',
      });
      expect(await store().memories.findById(ORG, again.id)).toBeNull();
      expect((await store().memories.findById(ORG, old.id))?.supersededBy).toBe(fix.id);
    });

    it('lets exactly one of concurrent supersedes of one memory land', async () => {
      const old = aMemory();
      await save(old);
      const fixes = Array.from({ length: 5 }, () => aMemory({ supersedes: old.id }));
      const results = await Promise.allSettled(
        fixes.map((f) => store().memories.insert([f], null)),
      );
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [fixes[i]!] : []));
      expect(won).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ kind: 'conflict' });
      }
      expect((await store().memories.findById(ORG, old.id))?.supersededBy).toBe(won[0]!.id);
    });

    it('retires a memory earlier in the same call, but refuses one later in it (no cycles)', async () => {
      const v1 = aMemory();
      const v2 = aMemory({ supersedes: v1.id });
      await save(v1, v2);
      expect((await store().memories.findById(ORG, v1.id))?.supersededBy).toBe(v2.id);
      expect(ids(await store().memories.find(ORG, all()))).toEqual([v2.id]);
      const a = aMemory({ id: 'mem_cycle_a', supersedes: 'mem_cycle_b' });
      const b = aMemory({ id: 'mem_cycle_b', supersedes: 'mem_cycle_a' });
      await expect(store().memories.insert([a, b], null)).rejects.toMatchObject({
        kind: 'not_found',
      });
      const self = aMemory({ id: 'mem_self', supersedes: 'mem_self' });
      await expect(store().memories.insert([self], null)).rejects.toMatchObject({
        kind: 'not_found',
      });
      expect(await store().memories.count(ORG, { includeSuperseded: true })).toBe(2);
    });

    it('chains corrections: each version retires the one before', async () => {
      const v1 = aMemory();
      const v2 = aMemory({ supersedes: v1.id });
      const v3 = aMemory({ supersedes: v2.id });
      await save(v1);
      await save(v2);
      await save(v3);
      const s = store().memories;
      expect((await s.findById(ORG, v1.id))?.supersededBy).toBe(v2.id);
      expect((await s.findById(ORG, v2.id))?.supersededBy).toBe(v3.id);
      expect(ids(await s.find(ORG, all()))).toEqual([v3.id]);
    });

    it('keeps a retired memory retired when a patch changes it', async () => {
      const old = aMemory();
      const fix = aMemory({ supersedes: old.id });
      await save(old);
      await save(fix);
      const patched = await store().memories.update(ORG, old.id, { importance: 0.3 });
      expect(patched).toEqual({ ...old, importance: 0.3, supersededBy: fix.id });
      expect(ids(await store().memories.find(ORG, all()))).toEqual([fix.id]);
    });

    it('deletes retired memories only when the filter includes them', async () => {
      const old = aMemory({ agentId: 'gone' });
      const fix = aMemory({ agentId: 'gone', supersedes: old.id });
      await save(old);
      await save(fix);
      expect(await store().memories.delete(ORG, { agentId: 'gone' })).toBe(1);
      expect(await store().memories.findById(ORG, old.id)).not.toBeNull();
      expect(await store().memories.delete(ORG, { agentId: 'gone', includeSuperseded: true })).toBe(
        1,
      );
      expect(await store().memories.findById(ORG, old.id)).toBeNull();
    });
  });
}
