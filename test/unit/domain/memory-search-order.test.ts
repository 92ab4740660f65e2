import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import type { LogMeta, Logger, MemoryStore, Principal } from '../../../domain/index.js';
import { createMemtrace } from '../../../src/core.js';
import { FixedClock } from '../../support/fixed-clock.js';
import { SequentialIds } from '../../support/sequential-ids.js';

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

describe('MemoryService.search with a query, what the store is asked', () => {
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
