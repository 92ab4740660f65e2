import { encode } from '@msgpack/msgpack';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ArcClient } from '../../adapters/storage/arc/arc-client.js';
import { tagSet } from '../../adapters/storage/arc/arc-wire.js';
import {
  bm25Scores,
  matchesSearch,
  MAX_QUERY_LENGTH,
  MAX_QUERY_TERMS,
  parseSearchQuery,
  type Memory,
  type MemoryFilter,
  type MemoryPage,
} from '../../domain/index.js';
import { openArcTestStorage, type ArcTestStorage } from '../support/arc-harness.js';
import { aMemory, BASE_TIME } from '../support/builders.js';

const ORG = 'org_a';

/**
 * Writes memories as an earlier memtrace wrote them: `first` with the columns of the first
 * version only (no `created_at_ms` and the columns that came with it, no `search_words`),
 * `beforeSearch` with every column but `search_words`.
 */
async function writeAsBefore(
  arc: ArcTestStorage,
  memories: readonly Memory[],
  version: 'first' | 'beforeSearch',
): Promise<void> {
  const target = await arc.resolve(ORG);
  const column = <T>(f: (m: Memory, i: number) => T) => memories.map(f);
  const columns: Record<string, unknown[]> = {
    time: column((m) => BigInt(m.time) * 1000n),
    id: column((m) => m.id),
    org_id: column((m) => m.orgId),
    agent_id: column((m) => m.agentId),
    session_id: column((m) => m.sessionId),
    memory_type: column((m) => m.memoryType),
    event_type: column((m) => m.eventType),
    content: column((m) => m.content),
    metadata_json: column((m) => JSON.stringify(m.metadata)),
    tags_json: column((m) => JSON.stringify(m.tags)),
    tag_set: column((m) => tagSet(m.tags)),
    importance: column((m) => m.importance),
    dedup_key: column((m) => m.dedupKey),
    parent_id: column((m) => m.parentId),
    time_ms: column((m) => BigInt(m.time)),
    seq: column((_, i) => BigInt(seq++ + i)),
  };
  if (version === 'beforeSearch') {
    Object.assign(columns, {
      created_at_ms: column((m) => BigInt(m.createdAt)),
      expires_at_ms: column(() => 0n),
      pinned: column(() => 0n),
      revision: column(() => 0n),
      supersedes: column(() => null),
      superseded_by: column(() => null),
    });
  }
  const body = encode(
    { m: target.measurement, columns },
    { useBigInt64: true, forceIntegerToFloat: true },
  );
  const client = new ArcClient({ timeoutMs: 2000, retries: 0, retryBaseMs: 10 });
  await client.write(target, body);
  await arc.fake.flushAll();
}
let seq = 1_000;

const search = (arc: ArcTestStorage, text: string, more: MemoryFilter = {}): Promise<MemoryPage> =>
  arc.storage.memories.findPage(ORG, {
    filter: { ...more, query: parseSearchQuery(text) },
    order: 'desc',
    limit: null,
    offset: 0,
    byRelevance: true,
  });
const idsOf = (p: MemoryPage) => p.memories.map((m) => m.id);

const CONTENTS = [
  'deploy failed on staging, deploy retried',
  'deployment of version 35 finished',
  'cache miss cache miss cache',
  'the staging database restarted after the deploy',
  'nothing to report',
  'ПРИВЕТ мир, deploy завершён',
  'a a a a',
  '',
];
const QUERIES = [
  'deploy',
  'deploy* staging',
  'cache OR staging',
  'привет OR deploy',
  'a',
  'deploy*',
];

describe.each([0, 200])('ArcMemoryStore search (Arc shows writes %i ms late)', (late) => {
  let arc: ArcTestStorage;
  beforeAll(async () => {
    arc = await openArcTestStorage({ maxBufferAgeMs: late });
  });
  beforeEach(async () => arc.reset());
  afterAll(async () => arc.close());

  it('scores exactly as the in-memory reference, bit for bit, for words and prefixes', async () => {
    // Arrange
    const ms = CONTENTS.map((content, i) => aMemory({ content, time: BASE_TIME + i }));
    await arc.storage.memories.insert(ms, null);

    for (const text of QUERIES) {
      // Act
      const page = await search(arc, text);

      // Assert
      const reference = bm25Scores(CONTENTS, parseSearchQuery(text));
      const expected = new Map(ms.map((m, i) => [m.id, reference[i] as number]));
      expect(page.scores, text).toEqual(idsOf(page).map((id) => expected.get(id)));
      const q = parseSearchQuery(text);
      expect(page.memories.length, text).toBe(CONTENTS.filter((c) => matchesSearch(c, q)).length);
    }
  });

  it('counts a repeated word each time, adjacent repeats included', async () => {
    // Arrange
    const ms = ['x y', 'x x y', 'x x x y'].map((content, i) =>
      aMemory({ content, time: BASE_TIME + i }),
    );
    await arc.storage.memories.insert(ms, null);

    // Act
    const page = await search(arc, 'x');

    // Assert: more mentions in about the same length rank higher.
    expect(idsOf(page)).toEqual([ms[2]!.id, ms[1]!.id, ms[0]!.id]);
  });

  it(`takes the longest query (${MAX_QUERY_TERMS} terms, ${MAX_QUERY_LENGTH} characters)`, async () => {
    // Arrange
    const target = aMemory({ content: 'needle in the haystack' });
    await arc.storage.memories.insert([target, aMemory({ content: 'hay' })], null);
    const word = (i: number) => `${'w'.repeat(22)}${i.toString(36).padStart(4, '0')}*`;
    const terms = Array.from({ length: MAX_QUERY_TERMS - 1 }, (_, i) => word(i));
    const text = `${terms.join(' OR ')} OR "needle in"`.padEnd(MAX_QUERY_LENGTH, ' ');
    expect(text).toHaveLength(MAX_QUERY_LENGTH);

    // Act
    const page = await search(arc, text);
    const count = await arc.storage.memories.count(ORG, { query: parseSearchQuery(text) });

    // Ids filling what other reads take inline, beside the longest query.
    const ids = [target.id, ...Array.from({ length: 118 }, (_, i) => `mem_${'0'.repeat(20)}${i}`)];
    const withIds = await search(arc, text, { ids });

    // Assert
    expect(idsOf(page)).toEqual([target.id]);
    expect(count).toBe(1);
    expect(idsOf(withIds)).toEqual([target.id]);
    expect(await arc.storage.memories.count(ORG, { ids, query: parseSearchQuery(text) })).toBe(1);
  });

  it('searches within a long ids filter, read in chunks', async () => {
    // Arrange
    const ms = Array.from({ length: 30 }, (_, i) =>
      aMemory({
        content: i % 3 === 0 ? `lease lost ${i}` : `lease kept ${i}`,
        time: BASE_TIME + i,
      }),
    );
    await arc.storage.memories.insert(ms, null);
    const ids = [...ms.map((m) => m.id), ...Array.from({ length: 300 }, (_, i) => `mem_x${i}`)];

    // Act
    const page = await search(arc, 'lost', { ids });
    const whole = await search(arc, 'lost');

    // Assert: the same memories and scores as without the ids (they are the whole collection).
    expect(idsOf(page)).toEqual(idsOf(whole));
    expect(page.scores).toEqual(whole.scores);
    expect(page.memories).toHaveLength(10);
  });
});

describe('ArcMemoryStore search on rows written before search_words', () => {
  let arc: ArcTestStorage;
  beforeAll(async () => {
    arc = await openArcTestStorage();
  });
  beforeEach(async () => arc.reset());
  afterAll(async () => arc.close());

  it.each(['first', 'beforeSearch'] as const)(
    'finds, counts and ranks old rows (%s) by the approximate word rule, beside new rows',
    async (version) => {
      // Arrange
      const old = [
        aMemory({ content: 'Deploy FAILED on Staging', time: BASE_TIME }),
        aMemory({ content: 'ПРИВЕТ, мир: deploy-ready', time: BASE_TIME + 1 }),
        aMemory({ content: 'nothing to report', time: BASE_TIME + 2 }),
      ];
      await writeAsBefore(arc, old, version);
      const s = arc.storage.memories;

      // Act: only old rows first, then old and new together.
      const before = await search(arc, 'deploy');
      const phrase = await search(arc, '"deploy ready" OR "failed on"');
      const fresh = aMemory({ content: 'deploy deploy staging', time: BASE_TIME + 3 });
      await s.insert([fresh], null);
      await arc.fake.flushAll();
      const after = await search(arc, 'deploy');
      const count = await s.count(ORG, { query: parseSearchQuery('привет OR staging') });

      // Assert
      expect(idsOf(before).sort()).toEqual([old[0]!.id, old[1]!.id].sort());
      expect(idsOf(phrase).sort()).toEqual([old[0]!.id, old[1]!.id].sort());
      expect(idsOf(after)[0]).toBe(fresh.id);
      expect(idsOf(after).sort()).toEqual([old[0]!.id, old[1]!.id, fresh.id].sort());
      expect(count).toBe(3);
    },
  );
});
