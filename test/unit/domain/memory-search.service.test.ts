import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import type { LogMeta, Logger, MemoryStore, Principal } from '../../../domain/index.js';
import { createMemtrace } from '../../../src/core.js';
import { FixedClock } from '../../support/fixed-clock.js';
import { SequentialIds } from '../../support/sequential-ids.js';
import { rejection } from '../../support/domain-errors.js';

const ORG = 'org_a';
const T0 = Date.UTC(2026, 1, 7, 20, 15, 0);
const WRITER: Principal = { orgId: ORG, keyId: 'key_writer', permissions: ['read', 'write'] };

async function setup() {
  const storage = await createInMemoryStorage();
  const clock = new FixedClock(T0);
  const logged: LogMeta[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: (_message, meta) => void logged.push(meta ?? {}),
    warn: () => undefined,
    error: () => undefined,
  };
  const service = createMemtrace({
    storage,
    clock,
    ids: new SequentialIds(),
    dedup: { enabled: false, windowHours: 24 },
    logger,
  }).memories;
  const remember = (...contents: string[]) =>
    service.createMany(
      ORG,
      contents.map((content) => ({ agentId: 'agent_a', content })),
    );
  return { service, clock, storage, remember, logged };
}

describe('MemoryService.search with a query', () => {
  it('orders by relevance by default and gives a score per memory, aligned with them', async () => {
    // Arrange
    const { service, remember } = await setup();
    await remember('deploy failed on the staging cluster at night', 'deploy', 'rollback');

    // Act
    const list = await service.search(ORG, { query: 'deploy' });

    // Assert
    expect(list.memories.map((m) => m.content)).toEqual([
      'deploy',
      'deploy failed on the staging cluster at night',
    ]);
    expect(list.scores).toHaveLength(2);
    expect(list.scores?.[0]).toBeGreaterThan(list.scores?.[1] as number);
    expect(list.count).toBe(2);
  });

  it('asks the store for relevance order only when the order is relevance', async () => {
    // Arrange
    const { service, storage, remember } = await setup();
    await remember('deploy one', 'deploy two');
    const seen: { byRelevance?: boolean; order: string }[] = [];
    const store = storage.memories as MemoryStore;
    const findPage = store.findPage.bind(store);
    store.findPage = (orgId, query) => {
      seen.push({ byRelevance: query.byRelevance, order: query.order });
      return findPage(orgId, query);
    };

    // Act
    await service.search(ORG, { query: 'deploy' });
    await service.search(ORG, { query: 'deploy', order: 'relevance' });
    await service.list(ORG, { query: 'deploy', order: 'asc' });
    await service.list(ORG, {});

    // Assert
    expect(seen).toEqual([
      { byRelevance: true, order: 'desc' },
      { byRelevance: true, order: 'desc' },
      { byRelevance: undefined, order: 'asc' },
      { byRelevance: undefined, order: 'desc' },
    ]);
  });

  it('keeps scores in time order and leaves them out without a query', async () => {
    // Arrange
    const { service, remember, clock } = await setup();
    await remember('deploy deploy');
    clock.advance(1);
    await remember('deploy after a while');

    // Act
    const byTime = await service.search(ORG, { query: 'deploy', order: 'desc' });
    const plain = await service.search(ORG, {});

    // Assert
    expect(byTime.memories.map((m) => m.content)).toEqual([
      'deploy after a while',
      'deploy deploy',
    ]);
    expect(byTime.scores?.[1]).toBeGreaterThan(byTime.scores?.[0] as number);
    expect(plain).not.toHaveProperty('scores');
  });

  it('continues a relevance page by its cursor through ties in score', async () => {
    // Arrange
    const { service, remember } = await setup();
    await remember(...Array.from({ length: 7 }, (_, i) => `alpha ${i}`), 'alpha alpha', 'beta');
    const whole = await service.search(ORG, { query: 'alpha', limit: 100 });

    // Act
    const first = await service.search(ORG, { query: 'alpha', limit: 3 });
    const second = await service.search(ORG, {
      query: 'alpha',
      limit: 3,
      cursor: first.nextCursor as string,
    });
    const third = await service.search(ORG, {
      query: 'alpha',
      limit: 3,
      cursor: second.nextCursor as string,
    });

    // Assert
    expect([...first.memories, ...second.memories, ...third.memories]).toEqual(whole.memories);
    expect([...(first.scores ?? []), ...(second.scores ?? []), ...(third.scores ?? [])]).toEqual(
      whole.scores,
    );
    expect(third.nextCursor).toBeNull();
    expect(third.count).toBe(8);
  });

  it('refuses relevance without a query, naming the field each endpoint takes', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const onSearch = await rejection(service.search(ORG, { order: 'relevance' }));
    const onList = await rejection(service.list(ORG, { order: 'relevance' }));
    const badOrder = await rejection(service.search(ORG, { query: 'a', order: 'score' }));

    // Assert
    expect(onSearch.message).toMatch(/^order 'relevance' .* give query too/);
    expect(onList.message).toMatch(/^order 'relevance' .* give q too/);
    expect(badOrder.message).toBe(`order must be 'relevance', 'desc' or 'asc'`);
  });

  it('names q in the message of a refused list query and query in a search one', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const onList = await rejection(service.list(ORG, { query: '"" ()' }));
    const onSearch = await rejection(service.search(ORG, { query: 'x'.repeat(1001) }));

    // Assert
    expect(onList.message).toBe('q must contain at least one word (letters or digits)');
    expect(onSearch.message).toBe('query must be at most 1000 characters');
  });

  it('treats an empty query as none', async () => {
    // Arrange
    const { service, remember } = await setup();
    await remember('one', 'two');

    // Act
    const list = await service.search(ORG, { query: '' });

    // Assert
    expect(list.memories).toHaveLength(2);
    expect(list).not.toHaveProperty('scores');
  });
});

describe('MemoryService.forget with a query', () => {
  it('counts in a dry run what search counts, then forgets those, logging no query text', async () => {
    // Arrange
    const { service, remember, logged } = await setup();
    await remember('secret kiwi recipe', 'kiwi', 'apple');
    const searched = await service.search(ORG, { query: 'kiwi', includeSuperseded: true });

    // Act
    const dry = await service.forget(WRITER, { query: 'kiwi', dryRun: true });
    const done = await service.forget(WRITER, { query: 'kiwi' });
    const left = await service.search(ORG, {});

    // Assert
    expect(dry).toEqual({ count: searched.count, dryRun: true });
    expect(done).toEqual({ count: 2, dryRun: false });
    expect(left.memories.map((m) => m.content)).toEqual(['apple']);
    expect(logged.at(-1)).toMatchObject({ filter: { query: { terms: 1 } }, deleted: 2 });
    expect(JSON.stringify(logged)).not.toContain('kiwi');
  });
});
