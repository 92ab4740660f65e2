import { describe, expect, it } from 'vitest';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import type { LiveAt, Memory, MemoryFilter } from '../../domain/index.js';
import { aMemory, anApiKey, anOrg, BASE_TIME } from '../support/builders.js';

const ORG = 'org_a';
const OTHER = 'org_b';
const HOUR = 3_600_000;
const ids = (ms: readonly Memory[]) => ms.map((m) => m.id).sort();
const all = { filter: {}, order: 'asc' as const, limit: null, offset: 0 };

/**
 * The expiry part of the storage contract: `MemoryFilter.live`, `stats` with `live`,
 * `purgeExpired` and `AuthStore.setRetention`. Runs inside the storage contract's describe.
 */
export function describeExpiryContract(
  storage: () => StorageBundle,
  save: (...ms: Memory[]) => Promise<Memory[]>,
): void {
  const t = BASE_TIME;
  // Expired at t: `gone` (expires_at = t), `old` under a 2 h retention; live: the rest.
  const fixture = () => ({
    gone: aMemory({ time: t - HOUR, expiresAt: t, eventType: 'error' }),
    soon: aMemory({ time: t - HOUR, expiresAt: t + 1 }),
    old: aMemory({ time: t - 3 * HOUR }),
    pinnedOld: aMemory({ time: t - 3 * HOUR, pinned: true, memoryType: 'decision' }),
    fresh: aMemory({ time: t - HOUR }),
    farFuture: aMemory({ time: t - 3 * HOUR, expiresAt: t + 10 * HOUR }),
  });

  describe('MemoryFilter.live', () => {
    it('keeps expiry and pinned as stored', async () => {
      const f = fixture();
      await save(f.soon, f.pinnedOld);
      expect(await storage().memories.findById(ORG, f.soon.id)).toEqual(f.soon);
      expect(await storage().memories.findById(ORG, f.pinnedOld.id)).toEqual(f.pinnedOld);
    });

    it('hides memories expired at the instant, and under a retention the old unpinned ones', async () => {
      const f = fixture();
      await save(...Object.values(f));
      const s = storage();
      const noRetention: LiveAt = { at: t, retentionMs: null };
      const retention: LiveAt = { at: t, retentionMs: 2 * HOUR };
      const everyPath = async (live: LiveAt) => {
        const filter: MemoryFilter = { live };
        const query = { filter, order: 'asc' as const, limit: null, offset: 0 };
        const found = await s.memories.find(ORG, query);
        const prio = await s.memories.findByPriority(ORG, {
          filter,
          maxContentLength: null,
          limit: null,
        });
        expect(ids(prio)).toEqual(ids(found));
        expect(await s.memories.count(ORG, filter)).toBe(found.length);
        return ids(found);
      };
      expect(await everyPath(noRetention)).toEqual(
        ids([f.soon, f.old, f.pinnedOld, f.fresh, f.farFuture]),
      );
      expect(await everyPath(retention)).toEqual(ids([f.soon, f.pinnedOld, f.fresh, f.farFuture]));
      expect(await everyPath({ at: t + 1, retentionMs: null })).not.toContain(f.soon.id);
      // With other filters, through their own indexes.
      const byTag = { tags: ['crawling'], live: retention };
      expect(await s.memories.count(ORG, byTag)).toBe(4);
      expect(ids(await s.memories.find(ORG, { ...all, filter: byTag }))).toEqual(
        ids([f.soon, f.pinnedOld, f.fresh, f.farFuture]),
      );
      expect(await s.memories.count(ORG, { tags: ['crawling'], pinned: true })).toBe(1);
      const unpinnedLive = { tags: ['crawling'], pinned: false, live: retention };
      expect(await s.memories.count(ORG, unpinnedLive)).toBe(3);
      expect(await s.memories.count(ORG, { agentId: f.old.agentId, live: retention })).toBe(4);
      expect(await s.memories.count(ORG, { ids: [f.gone.id, f.old.id], live: retention })).toBe(0);
    });

    it('counts only live memories in stats when given `live`', async () => {
      const f = fixture();
      await save(...Object.values(f));
      const stats = await storage().memories.stats(ORG, [f.old.agentId], t - 2 * HOUR, {
        at: t,
        retentionMs: 2 * HOUR,
      });
      expect(stats).toEqual({
        memoryCount: 4,
        memoriesSince: 2,
        errorsSince: 0,
        memoryTypes: { episodic: 3, decision: 1 },
      });
      expect((await storage().memories.stats(ORG, [f.old.agentId], 0)).memoryCount).toBe(6);
    });
  });

  describe('MemoryStore.purgeExpired', () => {
    it('deletes only expired memories of the org, at most `limit` per call', async () => {
      const f = fixture();
      const theirs = aMemory({ orgId: OTHER, time: t - HOUR, expiresAt: t });
      const more = Array.from({ length: 4 }, (_, i) =>
        aMemory({ time: t - HOUR + i, expiresAt: t - 10 }),
      );
      await save(...Object.values(f), theirs, ...more);
      const s = storage();
      expect(await s.memories.purgeExpired(ORG, t, null, 3)).toBe(3);
      expect(await s.memories.purgeExpired(ORG, t, null, 3)).toBe(2);
      expect(await s.memories.purgeExpired(ORG, t, null, 3)).toBe(0);
      const left = await s.memories.find(ORG, {
        filter: {},
        order: 'asc',
        limit: null,
        offset: 0,
      });
      expect(ids(left)).toEqual(ids([f.soon, f.old, f.pinnedOld, f.fresh, f.farFuture]));
      expect(await s.memories.findById(OTHER, theirs.id)).toEqual(theirs);
    });

    it('purges an expired memory that a correction retired, like any other', async () => {
      const old = aMemory({ time: t - HOUR, expiresAt: t - 10 });
      await save(old);
      const s = storage();
      await s.memories.insert([aMemory({ time: t - HOUR + 1, supersedes: old.id })], null);
      expect((await s.memories.findById(ORG, old.id))?.supersededBy).not.toBeNull();

      expect(await s.memories.purgeExpired(ORG, t, null, 10)).toBe(1);

      expect(await s.memories.findById(ORG, old.id)).toBeNull();
      expect(await s.memories.purgeExpired(ORG, t, null, 10)).toBe(0);
    });

    it('applies the retention to memories without an expiry that are not pinned', async () => {
      const f = fixture();
      await save(...Object.values(f));
      const s = storage();
      expect(await s.memories.purgeExpired(ORG, t, 2 * HOUR, 100)).toBe(2);
      expect(await s.memories.findById(ORG, f.old.id)).toBeNull();
      expect(await s.memories.findById(ORG, f.gone.id)).toBeNull();
      expect(await s.memories.count(ORG, {})).toBe(4);
    });

    it('deletes each expired memory once when purges run at once', async () => {
      const many = Array.from({ length: 30 }, (_, i) =>
        aMemory({ time: t - HOUR + i, expiresAt: t - 1 }),
      );
      await save(...many, aMemory({ time: t }));
      const s = storage();
      const counts = await Promise.all(
        [1, 2, 3].map(() => s.memories.purgeExpired(ORG, t, null, 7)),
      );
      let total = counts.reduce((a, b) => a + b, 0);
      for (let n = -1; n !== 0; total += n) n = await s.memories.purgeExpired(ORG, t, null, 7);
      expect(total).toBe(30);
      expect(await s.memories.count(ORG, {})).toBe(1);
    });
  });

  describe('AuthStore.setRetention', () => {
    it('sets and removes an org retention, and says null for an unknown org', async () => {
      const s = storage();
      const org = anOrg();
      await s.auth.createOrg(org, anApiKey({ orgId: org.id }));
      expect(await s.auth.setRetention(org.id, 30 * 24 * HOUR)).toEqual({
        ...org,
        retentionMs: 30 * 24 * HOUR,
      });
      expect(await s.auth.findOrg(org.id)).toEqual({ ...org, retentionMs: 30 * 24 * HOUR });
      expect((await s.auth.listOrgs())[0]?.retentionMs).toBe(30 * 24 * HOUR);
      expect(await s.auth.setRetention(org.id, null)).toEqual(org);
      expect(await s.auth.setRetention('org_nope', HOUR)).toBeNull();
    });
  });
}
