import { describe, expect, it } from 'vitest';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import {
  parseSearchQuery,
  type KeysetPosition,
  type Memory,
  type MemoryFilter,
  type MemoryPage,
  type Order,
} from '../../domain/index.js';
import { aMemory, BASE_TIME } from '../support/builders.js';

const ORG = 'org_a';
const OTHER = 'org_b';
const HOUR = 3_600_000;
const sorted = (ms: readonly Memory[]) => ms.map((m) => m.id).sort();
/** Memories that mention none of the words searched below, so every searched word is rare. */
const noise = () =>
  Array.from({ length: 6 }, (_, i) =>
    aMemory({ content: `routine heartbeat number ${i} nothing to report`, time: BASE_TIME - i }),
  );

/**
 * Ranked keyword search (`MemoryFilter.query`, `MemoryQuery.byRelevance`, `MemoryPage.scores`):
 * part of the storage contract, so every driver matches, counts and ranks the same. Runs inside
 * the storage contract's describe.
 */
export function describeSearchContract(
  storage: () => StorageBundle,
  save: (...ms: Memory[]) => Promise<Memory[]>,
): void {
  const s = () => storage().memories;
  const filterOf = (text: string, more: MemoryFilter = {}): MemoryFilter => ({
    ...more,
    query: parseSearchQuery(text),
  });
  /** The ids matching, by find (time order) and count, which must agree. */
  const matching = async (text: string, more: MemoryFilter = {}): Promise<string[]> => {
    const filter = filterOf(text, more);
    const found = await s().find(ORG, { filter, order: 'asc', limit: null, offset: 0 });
    expect(await s().count(ORG, filter)).toBe(found.length);
    return sorted(found);
  };
  const ranked = async (text: string, more: MemoryFilter = {}): Promise<MemoryPage> =>
    s().findPage(ORG, {
      filter: filterOf(text, more),
      order: 'desc',
      limit: null,
      offset: 0,
      byRelevance: true,
    });

  describe('MemoryFilter.query: matching', () => {
    it('matches words case-insensitively, all of them (AND), in this org only', async () => {
      const a = aMemory({ content: 'Deploy FAILED on Staging' });
      const b = aMemory({ content: 'deploy succeeded on production' });
      const c = aMemory({ content: 'staging database restarted' });
      await save(a, b, c, ...noise(), aMemory({ orgId: OTHER, content: 'deploy staging' }));
      expect(await matching('deploy')).toEqual(sorted([a, b]));
      expect(await matching('STAGING')).toEqual(sorted([a, c]));
      expect(await matching('deploy staging')).toEqual(sorted([a]));
      expect(await matching('deploy rollback')).toEqual([]);
      // A word matches whole words only.
      expect(await matching('stag')).toEqual([]);
    });

    it('matches either side of OR, AND binding tighter', async () => {
      const a = aMemory({ content: 'alpha release shipped' });
      const b = aMemory({ content: 'beta release delayed' });
      const c = aMemory({ content: 'gamma release shipped' });
      await save(a, b, c, ...noise());
      expect(await matching('alpha OR beta')).toEqual(sorted([a, b]));
      expect(await matching('release shipped OR beta')).toEqual(sorted([a, b, c]));
      expect(await matching('gamma shipped OR beta delayed')).toEqual(sorted([b, c]));
      // Lower-case `or` is a word.
      expect(await matching('alpha or beta')).toEqual([]);
    });

    it('matches a quoted phrase only with its words adjacent and in order', async () => {
      const a = aMemory({ content: 'the deploy failed on staging' });
      const b = aMemory({ content: 'failed to deploy on staging' });
      const c = aMemory({ content: 'deploy has failed on staging' });
      await save(a, b, c, ...noise());
      expect(await matching('"deploy failed"')).toEqual(sorted([a]));
      expect(await matching('"failed on staging"')).toEqual(sorted([a, c]));
      expect(await matching('"failed deploy"')).toEqual([]);
      // A phrase of one word is that word.
      expect(await matching('"deploy"')).toEqual(sorted([a, b, c]));
    });

    it('matches a prefix term at the start of a word', async () => {
      const a = aMemory({ content: 'deployment queued' });
      const b = aMemory({ content: 'Deployed version 35' });
      const c = aMemory({ content: 'deploy' });
      const d = aMemory({ content: 'redeploy requested' });
      await save(a, b, c, d, ...noise());
      expect(await matching('deploy*')).toEqual(sorted([a, b, c]));
      expect(await matching('deploym*')).toEqual(sorted([a]));
      // A term of several words ending in `*`: a phrase whose last word is a prefix.
      expect(await matching('version-3*')).toEqual(sorted([b]));
      expect(await matching('deployed-3*')).toEqual([]);
      // Inside quotes `*` is no syntax.
      expect(await matching('"version 3*"')).toEqual([]);
    });

    it('reads stray query syntax as literal words, never as operators', async () => {
      const plain = aMemory({ content: 'deploy staging now' });
      const anded = aMemory({ content: 'deploy and staging' });
      const noted = aMemory({ content: 'deploy not staging' });
      const near = aMemory({ content: 'see NEAR(deploy staging) in the runbook' });
      const column = aMemory({ content: 'content:deploy staging' });
      await save(plain, anded, noted, near, column, ...noise());
      const everyStaging = sorted([plain, anded, noted, near, column]);
      expect(await matching('deploy "staging')).toEqual(everyStaging);
      expect(await matching('"deploy staging')).toEqual(everyStaging);
      expect(await matching('(deploy staging)')).toEqual(everyStaging);
      expect(await matching('deploy * staging')).toEqual(everyStaging);
      expect(await matching('^deploy : staging ^')).toEqual(everyStaging);
      expect(await matching('deploy -staging')).toEqual(everyStaging);
      expect(await matching('deploy AND staging')).toEqual(sorted([anded]));
      expect(await matching('deploy NOT staging')).toEqual(sorted([noted]));
      // `NEAR(deploy` is one term of two words: a phrase.
      expect(await matching('NEAR(deploy staging)')).toEqual(sorted([near]));
      expect(await matching('content:deploy')).toEqual(sorted([column]));
      expect(await matching('OR deploy OR')).toEqual([]);
      expect(await matching('now OR')).toEqual([]);
    });

    it('matches Cyrillic, Greek and accented Latin words case-insensitively', async () => {
      const ru = aMemory({ content: 'ПРИВЕТ мир' });
      const el = aMemory({ content: 'ΚΑΛΗΜΕΡΑ κόσμε' });
      const fr = aMemory({ content: 'Le CAFÉ est fermé' });
      await save(ru, el, fr, ...noise());
      expect(await matching('привет')).toEqual(sorted([ru]));
      expect(await matching('Мир')).toEqual(sorted([ru]));
      expect(await matching('καλημερα')).toEqual(sorted([el]));
      expect(await matching('ΚΌΣΜΕ')).toEqual(sorted([el]));
      expect(await matching('café FERMÉ')).toEqual(sorted([fr]));
      // No diacritic folding.
      expect(await matching('cafe')).toEqual([]);
    });
  });

  describe('MemoryFilter.query with the other filters', () => {
    it('combines with every structured filter', async () => {
      const t = BASE_TIME;
      const hit = {
        agentId: 'agent_x',
        sessionId: 'sess_x',
        memoryType: 'decision' as const,
        eventType: 'deploy_done',
        tags: ['ops', 'prod'],
        importance: 0.9,
        time: t,
      };
      const target = aMemory({ ...hit, content: 'rollout finished cleanly' });
      const variants = [
        aMemory({ ...hit, agentId: 'agent_y', content: 'rollout finished' }),
        aMemory({ ...hit, sessionId: 'sess_y', content: 'rollout finished' }),
        aMemory({ ...hit, memoryType: 'episodic', content: 'rollout finished' }),
        aMemory({ ...hit, eventType: 'other', content: 'rollout finished' }),
        aMemory({ ...hit, tags: ['ops'], content: 'rollout finished' }),
        aMemory({ ...hit, importance: 0.2, content: 'rollout finished' }),
        aMemory({ ...hit, time: t - 2 * HOUR, content: 'rollout finished' }),
        aMemory({ ...hit, time: t + 2 * HOUR, content: 'rollout finished' }),
        aMemory({ ...hit, content: 'rollback finished' }),
      ];
      await save(target, ...variants, ...noise());
      const every: MemoryFilter = {
        agentId: 'agent_x',
        sessionId: 'sess_x',
        memoryTypes: ['decision'],
        eventTypes: ['deploy_done'],
        tags: ['prod'],
        minImportance: 0.5,
        since: t - HOUR,
        until: t + HOUR,
      };
      expect(await matching('rollout', every)).toEqual(sorted([target]));
      expect(await matching('rollout', { ...every, contentContains: 'cleanly' })).toEqual(
        sorted([target]),
      );
      expect(await matching('rollout', { ids: [target.id, variants[0]!.id] })).toEqual(
        sorted([target, variants[0]!]),
      );
      expect(await matching('rollout', { ids: [] })).toEqual([]);
      expect(await matching('finished', { agentId: 'agent_y' })).toEqual(sorted([variants[0]!]));
      expect(await matching('finished')).toHaveLength(10);
      const page = await ranked('rollout', every);
      expect(page.memories.map((m) => m.id)).toEqual([target.id]);
    });

    it('never shows a deleted or expired memory, nor a retired one unless asked', async () => {
      const t = BASE_TIME;
      const kept = aMemory({ content: 'quota exceeded', time: t - HOUR });
      const deleted = aMemory({ content: 'quota exceeded again', time: t - HOUR });
      const expired = aMemory({ content: 'quota exceeded', time: t - HOUR, expiresAt: t });
      const old = aMemory({ content: 'quota is ten', time: t - HOUR });
      const fix = aMemory({ content: 'quota is twenty', supersedes: old.id, time: t - HOUR });
      await save(kept, deleted, expired, old, ...noise());
      await save(fix);
      expect(await s().delete(ORG, { ids: [deleted.id] })).toBe(1);
      const live = { at: t, retentionMs: null };
      expect(await matching('quota', { live })).toEqual(sorted([kept, fix]));
      expect(await matching('quota')).toEqual(sorted([kept, expired, fix]));
      expect(await matching('quota', { includeSuperseded: true, live })).toEqual(
        sorted([kept, old, fix]),
      );
      expect(await matching('again')).toEqual([]);
      expect(await matching('ten', { includeSuperseded: true })).toEqual(sorted([old]));
      expect(await matching('ten')).toEqual([]);
      for (const filter of [{ live }, {}]) {
        const page = await ranked('quota', filter);
        expect(page.memories.map((m) => m.id)).not.toContain(deleted.id);
        expect(page.memories.map((m) => m.id)).not.toContain(old.id);
      }
      // Deleting every memory of a filter (a forgotten agent, say) takes them out of search too.
      expect(await s().delete(ORG, { agentId: kept.agentId, includeSuperseded: true })).toBe(10);
      expect(await matching('quota', { includeSuperseded: true })).toEqual([]);
    });
  });

  describe('MemoryQuery.byRelevance and MemoryPage.scores', () => {
    const idsOf = (p: MemoryPage) => p.memories.map((m) => m.id);

    it('ranks repeated mentions and shorter content above one mention in long content', async () => {
      const repeated = aMemory({ content: 'cache cache cache miss' });
      const once = aMemory({ content: 'cache miss on node' });
      const short = aMemory({ content: 'timeout reached' });
      const long = aMemory({
        content: `timeout ${'while the worker processed an unrelated batch of records '.repeat(4)}`,
      });
      await save(once, repeated, long, short, ...noise());
      expect(idsOf(await ranked('cache'))).toEqual([repeated.id, once.id]);
      expect(idsOf(await ranked('timeout'))).toEqual([short.id, long.id]);
    });

    it('ranks a memory with both words of an OR above one with one', async () => {
      const both = aMemory({ content: 'alpha beta gamma delta' });
      const one = aMemory({ content: 'alpha gamma delta epsilon' });
      const other = aMemory({ content: 'beta gamma delta epsilon' });
      await save(one, both, other, ...noise());
      const page = await ranked('alpha OR beta');
      expect(idsOf(page)[0]).toBe(both.id);
      expect(sorted(page.memories)).toEqual(sorted([both, one, other]));
    });

    it('breaks ties in score by time, newest first, then by insertion, last first', async () => {
      const t = BASE_TIME;
      const older = aMemory({ content: 'gamma ray burst', time: t - HOUR });
      const first = aMemory({ content: 'gamma ray burst', time: t });
      const second = aMemory({ content: 'gamma ray burst', time: t });
      await save(first, older);
      await save(second, ...noise());
      const page = await ranked('gamma');
      expect(idsOf(page)).toEqual([second.id, first.id, older.id]);
      expect(page.scores).toHaveLength(3);
      expect(new Set(page.scores).size).toBe(1);
    });

    it('gives scores (positive, aligned) and relevance positions carrying them', async () => {
      const ms = ['lease lost', 'lease lost lease', 'lease renewed for node seven'].map((c) =>
        aMemory({ content: c }),
      );
      await save(...ms, ...noise());
      const page = await ranked('lease');
      expect(page.scores).toHaveLength(3);
      expect(page.positions.map((p) => p.score)).toEqual(page.scores);
      for (const score of page.scores ?? []) expect(score).toBeGreaterThan(0);
      const scores = page.scores ?? [];
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      // The same query on unchanged data gives the same scores.
      expect((await ranked('lease')).scores).toEqual(page.scores);
    });

    it.each(['asc', 'desc'] as const)(
      'returns scores in time order (%s) with a query, and none without',
      async (order: Order) => {
        const ms = ['lease lost', 'lease lost lease', 'lease renewed'].map((c, i) =>
          aMemory({ content: c, time: BASE_TIME + i }),
        );
        await save(...ms, ...noise());
        const filter = filterOf('lease');
        const page = await s().findPage(ORG, { filter, order, limit: null, offset: 0 });
        const expected = order === 'asc' ? ms : [...ms].reverse();
        expect(idsOf(page)).toEqual(expected.map((m) => m.id));
        expect(page.scores).toHaveLength(3);
        for (const score of page.scores ?? []) expect(score).toBeGreaterThan(0);
        const relevance = await ranked('lease');
        const byId = new Map(idsOf(relevance).map((id, i) => [id, relevance.scores?.[i]]));
        expect(page.scores).toEqual(idsOf(page).map((id) => byId.get(id)));
        const plain = await s().findPage(ORG, { filter: {}, order, limit: null, offset: 0 });
        expect(plain.scores).toBeUndefined();
      },
    );

    it('pages by relevance after a position like one read of every match', async () => {
      const t = BASE_TIME;
      // Scores repeat (same content) and times tie: every tie-breaker is exercised.
      const contents = ['node drain', 'node node drain', 'node', 'node node node', 'a node b'];
      const ms = Array.from({ length: 23 }, (_, i) =>
        aMemory({ content: contents[i % 5] as string, time: t + ((i * 7) % 3) }),
      );
      await save(...ms.slice(0, 11));
      await save(...ms.slice(11), ...noise());
      const filter = filterOf('node OR drain', { tags: ['crawling'] });
      const whole = await ranked('node OR drain', { tags: ['crawling'] });
      expect(whole.memories).toHaveLength(23);
      const seen: string[] = [];
      let after: KeysetPosition | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await s().findPage(ORG, {
          filter,
          order: 'asc',
          limit: 4,
          offset: 0,
          after,
          byRelevance: true,
        });
        seen.push(...idsOf(page));
        if (page.memories.length < 4) break;
        after = page.positions[3];
      }
      expect(seen).toEqual(idsOf(whole));
      // find() gives the same order, offset and limit included.
      const found = await s().find(ORG, {
        filter,
        order: 'desc',
        limit: 5,
        offset: 3,
        after: whole.positions[4],
        byRelevance: true,
      });
      expect(found.map((m) => m.id)).toEqual(idsOf(whole).slice(8, 13));
    });
  });
}
