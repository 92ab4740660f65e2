import { expect, it } from 'vitest';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import { matchesSearch, parseSearchQuery, type Memory } from '../../domain/index.js';
import { aMemory, BASE_TIME } from '../support/builders.js';
import { loadRelevanceSet, outcome, relevanceMetrics } from '../support/relevance-set.js';

const ORG = 'org_a';

/**
 * Ranked keyword search against the relevance set (test/fixtures/relevance/): every driver ranks
 * each query's expected memories in its top 5 (recall@5 = 1), whatever its own ranking formula.
 * Part of the storage contract, so every driver passes it.
 */
export function describeRelevanceContract(store: () => StorageBundle): void {
  const { memories, queries } = loadRelevanceSet();

  /** The set as memories of ORG, a minute apart, keyed back by id; plus one of another org. */
  async function load(): Promise<Map<string, string>> {
    const keyOf = new Map<string, string>();
    const ms: Memory[] = memories.map((r, i) => {
      const m = aMemory({
        agentId: r.agent_id,
        sessionId: r.session_id,
        memoryType: r.memory_type,
        eventType: r.event_type,
        content: r.content,
        metadata: { key: r.key },
        tags: [...r.tags],
        importance: r.importance,
        time: BASE_TIME + i * 60_000,
      });
      keyOf.set(m.id, r.key);
      return m;
    });
    // Another org's copy of a target: never in this org's answers.
    const foreign = aMemory({ orgId: 'org_b', content: memories[0]?.content ?? '' });
    for (let i = 0; i < ms.length; i += 100) {
      await store().memories.insert(ms.slice(i, i + 100), null);
    }
    await store().memories.insert([foreign], null);
    return keyOf;
  }

  it('ranks every expected memory of the relevance set in its top 5 (recall@5 = 1)', async () => {
    const keyOf = await load();
    const outcomes = [];
    const misses: string[] = [];
    for (const q of queries) {
      const page = await store().memories.findPage(ORG, {
        filter: { query: parseSearchQuery(q.query) },
        order: 'desc',
        byRelevance: true,
        limit: 10,
        offset: 0,
      });
      const keys = page.memories.map((m) => keyOf.get(m.id) ?? `other org: ${m.id}`);
      // Scores come highest first, one per memory.
      expect(page.scores, q.query).toHaveLength(page.memories.length);
      const scores = page.scores ?? [];
      for (let i = 1; i < scores.length; i++) {
        expect(scores[i - 1], q.query).toBeGreaterThanOrEqual(scores[i] as number);
      }
      const o = outcome(q, keys);
      outcomes.push(o);
      o.ranks.forEach((r, i) => {
        if (r === null || r > 5) {
          misses.push(`${q.query}: ${q.expected[i]} at ${r ?? 'none'} in [${keys.join(', ')}]`);
        }
      });
    }
    expect(misses).toEqual([]);
    const { recallAt5, mrr } = relevanceMetrics(outcomes);
    expect(recallAt5).toBe(1);
    // An expected memory comes first for most queries (the reference rankings of
    // test/support/relevance-reference.ts reach an MRR of 0.99 to 1).
    expect(mrr).toBeGreaterThanOrEqual(0.75);
  });

  it('finds and counts exactly the memories the documented semantics match, for every query', async () => {
    const keyOf = await load();
    for (const q of queries) {
      const query = parseSearchQuery(q.query);
      const want = memories.filter((m) => matchesSearch(m.content, query)).map((m) => m.key);
      const all = await store().memories.find(ORG, {
        filter: { query },
        order: 'desc',
        byRelevance: true,
        limit: null,
        offset: 0,
      });
      expect(all.map((m) => keyOf.get(m.id) ?? m.id).sort(), q.query).toEqual(want.sort());
      expect(await store().memories.count(ORG, { query }), q.query).toBe(want.length);
    }
  });
}
