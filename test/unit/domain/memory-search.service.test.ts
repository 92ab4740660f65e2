import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import type { MemoryList } from '../../../domain/index.js';
import { createMemtrace } from '../../../src/core.js';
import { FixedClock } from '../../support/fixed-clock.js';
import { SequentialIds } from '../../support/sequential-ids.js';
import { rejection } from '../../support/domain-errors.js';

const ORG = 'org_a';
const T0 = Date.UTC(2026, 1, 7, 20, 15, 0);

/** A service holding memories with these contents, recorded a second apart in this order. */
async function withContents(...contents: string[]) {
  const storage = await createInMemoryStorage();
  const clock = new FixedClock(T0);
  const ids = new SequentialIds();
  const service = createMemtrace({
    storage,
    clock,
    ids,
    dedup: { enabled: false, windowHours: 24 },
  }).memories;
  const stored: string[] = [];
  for (const content of contents) {
    stored.push((await service.create(ORG, { agentId: 'agent_1', content })).id);
    clock.advance(1000);
  }
  return { service, stored };
}

const ids = (list: MemoryList) => list.memories.map((m) => m.id);

describe('MemoryService.search and list with a keyword query', () => {
  it('orders by relevance by default and gives each result its score', async () => {
    // Arrange
    const { service, stored } = await withContents(
      'cache miss on node seven',
      'cache cache cache miss',
      'nothing relevant',
      'cache hit',
    );

    // Act
    const searched = await service.search(ORG, { query: 'cache' });
    const listed = await service.list(ORG, { query: 'cache' });

    // Assert
    expect(ids(searched)[0]).toBe(stored[1]);
    expect(ids(searched)).toHaveLength(3);
    expect(searched.count).toBe(3);
    expect(searched.scores).toHaveLength(3);
    const scores = searched.scores ?? [];
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(ids(listed)).toEqual(ids(searched));
  });

  it('orders by time when asked, still with scores', async () => {
    const { service, stored } = await withContents('cache one', 'cache cache two', 'cache three');
    const list = await service.search(ORG, { query: 'cache', order: 'asc' });
    expect(ids(list)).toEqual(stored);
    expect(list.scores).toHaveLength(3);
    const newest = await service.list(ORG, { query: 'cache', order: 'desc', limit: 1 });
    expect(ids(newest)).toEqual([stored[2]]);
  });

  it('pages relevance results by cursor, each once, in the order of one page', async () => {
    const contents = Array.from({ length: 9 }, (_, i) => `lease ${'lease '.repeat(i % 3)}x${i}`);
    const { service } = await withContents(...contents);
    const whole = ids(await service.search(ORG, { query: 'lease', limit: 100 }));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await service.search(ORG, { query: 'lease', limit: 2, cursor });
      seen.push(...ids(page));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(whole);
    expect(whole).toHaveLength(9);
    // A cursor continues only the query it came from.
    const first = await service.search(ORG, { query: 'lease', limit: 2 });
    const e = await rejection(
      service.search(ORG, { query: 'lease*', limit: 2, cursor: first.nextCursor ?? '' }),
    );
    expect(e.code).toBe('INVALID_CURSOR');
  });

  it('reads an empty query as no filter, and gives no scores without a query', async () => {
    const { service } = await withContents('a b', 'c d');
    const list = await service.search(ORG, { query: '' });
    expect(list.memories).toHaveLength(2);
    expect(list.scores).toBeUndefined();
  });

  it('refuses a query of no word, relevance without a query, and an unknown order', async () => {
    const { service } = await withContents('a b');
    expect((await rejection(service.search(ORG, { query: '" * ( )' }))).message).toBe(
      'query must contain at least one word (letters or digits)',
    );
    expect((await rejection(service.list(ORG, { query: 'x'.repeat(1001) }))).message).toBe(
      'query must be at most 1000 characters',
    );
    expect((await rejection(service.search(ORG, { order: 'relevance' }))).message).toBe(
      "order 'relevance' needs a query",
    );
    expect((await rejection(service.search(ORG, { query: 'a', order: 'up' }))).message).toBe(
      "order must be 'asc' or 'desc', or 'relevance'",
    );
    expect((await rejection(service.search(ORG, { order: 'up' }))).message).toBe(
      "order must be 'asc' or 'desc'",
    );
  });
});
