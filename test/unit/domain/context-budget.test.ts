import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import { gptTokenCounters } from '../../../adapters/tokenizer/gpt-token-counter.js';
import {
  formatSessionContext,
  MEMORY_TYPES,
  parseSearchQuery,
  type Memory,
  type MemoryStore,
  type PriorityQuery,
} from '../../../domain/index.js';
import { createMemtrace } from '../../../src/core.js';
import { aMemory, BASE_TIME } from '../../support/builders.js';
import { FixedClock } from '../../support/fixed-clock.js';
import { SequentialIds } from '../../support/sequential-ids.js';

const ORG = 'org_a';
const counter = gptTokenCounters()('o200k_base');
const SESSION = 'sess_budget';

/** A store that records what findByPriority returned, to see how much a context reads. */
function recording(store: MemoryStore) {
  const rounds: { query: PriorityQuery; returned: number }[] = [];
  const wrapped: MemoryStore = {
    insert: (ms, d) => store.insert(ms, d),
    findById: (o, id) => store.findById(o, id),
    find: (o, q) => store.find(o, q),
    findPage: (o, q) => store.findPage(o, q),
    count: (o, f) => store.count(o, f),
    delete: (o, f) => store.delete(o, f),
    purgeExpired: (o, n, r, l) => store.purgeExpired(o, n, r, l),
    update: (o, id, p) => store.update(o, id, p),
    stats: (o, a, s, l) => store.stats(o, a, s, l),
    findByPriority: async (o, q) => {
      const found = await store.findByPriority(o, q);
      rounds.push({ query: q, returned: found.length });
      return found;
    },
  };
  return { wrapped, rounds };
}

async function sessionWith(memories: readonly Memory[]) {
  const storage = await createInMemoryStorage();
  await storage.memories.insert(memories, null);
  const { wrapped, rounds } = recording(storage.memories);
  const clock = new FixedClock(BASE_TIME + 10 * 86_400_000);
  const service = createMemtrace({
    storage: { ...storage, memories: wrapped },
    clock,
    ids: new SequentialIds(),
  }).context;
  return { service, rounds, storage };
}

const contentArb = fc.oneof(
  fc.string({ minLength: 1, maxLength: 60 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.constantFrom('a', 'line one\nline two', 'crlf\r\nend', 'nul\u0000inside', '😀😀😀'),
);

const memoryArb = fc.record({
  content: contentArb,
  importance: fc.constantFrom(0, 0.25, 0.5, 0.75, 1),
  minute: fc.integer({ min: 0, max: 20 }),
  memoryType: fc.constantFrom(...MEMORY_TYPES),
  pinned: fc.boolean(),
});

describe('ContextService.forSession within max_tokens', () => {
  it('keeps exactly what the budget keeps over the whole session, whatever it reads', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(memoryArb, { minLength: 0, maxLength: 150, size: 'max' }),
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom('asc', 'desc'),
        fc.subarray([...MEMORY_TYPES], { minLength: 1 }),
        async (specs, maxTokens, order, includeTypes) => {
          // Built in time order, so ids (time-ordered) also follow insertion for equal times.
          const memories = specs
            .map((x) => ({ ...x, time: BASE_TIME + x.minute * 60_000 }))
            .sort((a, b) => a.time - b.time)
            .map((x) =>
              aMemory({
                sessionId: SESSION,
                content: x.content,
                importance: x.importance,
                memoryType: x.memoryType,
                time: x.time,
                pinned: x.pinned,
              }),
            );
          const { service, storage } = await sessionWith([
            ...memories,
            aMemory({ sessionId: 'sess_other', importance: 1 }),
          ]);
          const all = await storage.memories.find(ORG, {
            filter: { sessionId: SESSION, memoryTypes: includeTypes },
            order,
            limit: null,
            offset: 0,
          });
          const expected = formatSessionContext(SESSION, all, { maxTokens, counter, order });

          const got = await service
            .forSession(ORG, SESSION, { maxTokens, order, includeTypes })
            .catch((e: unknown) => e);

          if (memories.length === 0) {
            expect(got).toMatchObject({ kind: 'not_found' });
            return;
          }
          expect(got).toEqual({
            sessionId: SESSION,
            context: expected.context,
            format: 'markdown',
            tokenizer: 'o200k_base',
            memoryCount: expected.included,
            omittedCount: expected.omitted,
            tokens: expected.tokens,
            truncated: expected.truncated,
          });
        },
      ),
      { seed: 20261205, numRuns: 400 },
    );
  });

  // With real tokens a character may be a fraction of a token or several (a token covers up to
  // 128 bytes, a run of spaces), so the bound on content is (free tokens + 8) * 128 characters.
  it('reads pinned memories first, the first round unbounded, then only content that could still fit', async () => {
    // Arrange: 5,000 memories of 100 to 199 characters, every seventh pinned.
    const memories = Array.from({ length: 5000 }, (_, i) =>
      aMemory({
        sessionId: SESSION,
        content: `${i} `.padEnd(100 + (i % 100), 'x'),
        importance: (i % 97) / 96,
        time: BASE_TIME + i,
        pinned: i % 7 === 0,
      }),
    );
    const { service, rounds, storage } = await sessionWith(memories);
    const all = await storage.memories.find(ORG, {
      filter: { sessionId: SESSION },
      order: 'desc',
      limit: null,
      offset: 0,
    });

    // Act
    const result = await service.forSession(ORG, SESSION, { maxTokens: 500 });

    // Assert
    const expected = formatSessionContext(SESSION, all, { maxTokens: 500, counter });
    expect(result.context).toBe(expected.context);
    expect(result.memoryCount).toBeGreaterThan(5);
    expect(result.memoryCount + result.omittedCount).toBe(5000);
    expect(counter.countTokens(result.context as string)).toBeLessThanOrEqual(500);
    const pinnedRounds = rounds.filter((r) => r.query.filter.pinned === true);
    expect(rounds.indexOf(pinnedRounds.at(-1) as (typeof rounds)[number])).toBe(
      pinnedRounds.length - 1,
    );
    expect(rounds[0]?.query.maxContentLength).toBeNull();
    const bounds = rounds.slice(1).map((r) => r.query.maxContentLength as number);
    for (const [i, b] of bounds.entries()) {
      expect(b).toBeLessThanOrEqual((500 + 8) * 128);
      if (i > 0) expect(b).toBeLessThanOrEqual(bounds[i - 1] as number);
    }
  });

  it('reads once when the first round holds every match', async () => {
    const memories = Array.from({ length: 10 }, (_, i) =>
      aMemory({ sessionId: SESSION, content: `note ${i}`, time: BASE_TIME + i }),
    );
    const { service, rounds } = await sessionWith(memories);

    const result = await service.forSession(ORG, SESSION, { maxTokens: 2000 });

    // One round of pinned memories (none), one of the others.
    expect(result.memoryCount).toBe(10);
    expect(rounds).toHaveLength(2);
  });
});

const WORDS = ['deploy', 'deployment', 'database', 'cache', 'error', 'retry', '数据库', 'é'];

describe('ContextService.forSession with a query', () => {
  it('keeps exactly what the budget keeps when relevance ranks after pinned and before importance', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            words: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }),
            importance: fc.constantFrom(0, 0.5, 1),
            minute: fc.integer({ min: 0, max: 20 }),
            memoryType: fc.constantFrom(...MEMORY_TYPES),
            pinned: fc.boolean(),
          }),
          { minLength: 1, maxLength: 120 },
        ),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom('deploy', 'deploy*', 'database OR 数据库', '"cache error"', 'retry cache'),
        async (specs, maxTokens, query) => {
          const memories = specs
            .map((x) => ({ ...x, time: BASE_TIME + x.minute * 60_000 }))
            .sort((a, b) => a.time - b.time)
            .map((x) =>
              aMemory({
                sessionId: SESSION,
                content: x.words.join(' '),
                importance: x.importance,
                memoryType: x.memoryType,
                time: x.time,
                pinned: x.pinned,
              }),
            );
          const { service, storage } = await sessionWith(memories);
          const all = await storage.memories.find(ORG, {
            filter: { sessionId: SESSION },
            order: 'desc',
            limit: null,
            offset: 0,
          });
          const ranked = await storage.memories.findPage(ORG, {
            filter: { sessionId: SESSION, query: parseSearchQuery(query) },
            order: 'desc',
            byRelevance: true,
            limit: null,
            offset: 0,
          });
          const relevance = new Map(ranked.memories.map((m, i) => [m.id, ranked.scores?.[i] ?? 0]));
          const expected = formatSessionContext(SESSION, all, { maxTokens, counter, relevance });

          const got = await service.forSession(ORG, SESSION, { maxTokens, query });

          expect(got).toMatchObject({
            context: expected.context,
            memoryCount: expected.included,
            omittedCount: expected.omitted,
            tokens: expected.tokens,
            truncated: expected.truncated,
          });
        },
      ),
      { seed: 20261207, numRuns: 200 },
    );
  });

  const one = (content: string) =>
    counter.countTokens(`## Session Context (${SESSION})\n\n### Recent Actions (1)\n- ${content}`);

  it('keeps a memory matching the query over a more important one that does not match', async () => {
    const important = aMemory({ sessionId: SESSION, importance: 1, content: 'cache warmed' });
    const matching = aMemory({ sessionId: SESSION, importance: 0, content: 'deploy failed' });
    const { service } = await sessionWith([important, matching]);
    const maxTokens = Math.max(one('cache warmed'), one('deploy failed'));

    const without = await service.forSession(ORG, SESSION, { maxTokens });
    const withQuery = await service.forSession(ORG, SESSION, { maxTokens, query: 'deploy' });

    expect(without.context).toContain('- cache warmed');
    expect(withQuery.context).toBe(
      `## Session Context (${SESSION})\n\n### Recent Actions (1)\n- deploy failed`,
    );
    expect(withQuery).toMatchObject({ memoryCount: 1, omittedCount: 1, truncated: true });
  });

  it('still keeps a pinned memory first, and ranks matches by score', async () => {
    const pinned = aMemory({ sessionId: SESSION, pinned: true, importance: 0, content: 'ops' });
    const weak = aMemory({
      sessionId: SESSION,
      importance: 1,
      content: 'deploy notes about many other unrelated things here',
    });
    const strong = aMemory({ sessionId: SESSION, importance: 0, content: 'deploy deploy' });
    const { service } = await sessionWith([pinned, weak, strong]);
    const twoLines = counter.countTokens(
      `## Session Context (${SESSION})\n\n### Recent Actions (2)\n- ops\n- deploy deploy`,
    );

    const got = await service.forSession(ORG, SESSION, {
      maxTokens: twoLines,
      order: 'asc',
      query: 'deploy',
    });

    expect(got.context).toBe(
      `## Session Context (${SESSION})\n\n### Recent Actions (2)\n- ops\n- deploy deploy`,
    );
  });

  it('refuses a query of no word as a search does, and takes an empty one as none', async () => {
    const { service } = await sessionWith([aMemory({ sessionId: SESSION, content: 'x' })]);

    await expect(
      service.forSession(ORG, SESSION, { maxTokens: 50, query: '"*"' }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      message: 'query must contain at least one word (letters or digits)',
    });
    await expect(
      service.forSession(ORG, SESSION, { query: 'x'.repeat(1001) }),
    ).rejects.toMatchObject({ kind: 'invalid' });
    expect((await service.forSession(ORG, SESSION, { maxTokens: 50, query: '' })).memoryCount).toBe(
      1,
    );
  });
});
