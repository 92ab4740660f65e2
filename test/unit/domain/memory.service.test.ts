import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import type {
  DedupSettings,
  Memory,
  MemoryQuery,
  MemoryService,
  NewMemory,
} from '../../../domain/index.js';
import { createMemtrace } from '../../../src/core.js';
import { FixedClock } from '../../support/fixed-clock.js';
import { SequentialIds } from '../../support/sequential-ids.js';
import { rejection } from '../../support/domain-errors.js';

const ORG = 'org_a';
const OTHER_ORG = 'org_b';
const T0 = Date.UTC(2026, 1, 7, 20, 15, 0);
const HOUR = 3_600_000;
const DEDUP_ON: DedupSettings = { enabled: true, windowHours: 24 };

async function setup(dedup: DedupSettings = DEDUP_ON) {
  const storage = await createInMemoryStorage();
  const clock = new FixedClock(T0);
  const service = createMemtrace({ storage, clock, ids: new SequentialIds(), dedup }).memories;
  return { service, clock, storage };
}

const sha32 = (text: string) =>
  createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);

const SPEC_EXAMPLE: NewMemory = {
  agentId: 'agent_web_crawler',
  sessionId: 'sess_abc123',
  memoryType: 'episodic',
  eventType: 'page_crawled',
  content: 'Crawled https://example.com — found 3 product pages',
  metadata: { url: 'https://example.com', pages_found: 3 },
  tags: ['crawling', 'products'],
  importance: 0.7,
  dedupKey: 'crawl_example_2026-02-07',
};

describe('MemoryService.create', () => {
  it('returns every field of the spec example when given the spec example', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const memory = await service.create(ORG, SPEC_EXAMPLE);

    // Assert
    expect(memory).toEqual({
      id: 'mem_019c39be51a0000000000001',
      orgId: ORG,
      agentId: 'agent_web_crawler',
      sessionId: 'sess_abc123',
      memoryType: 'episodic',
      eventType: 'page_crawled',
      content: 'Crawled https://example.com — found 3 product pages',
      metadata: { url: 'https://example.com', pages_found: 3 },
      tags: ['crawling', 'products'],
      importance: 0.7,
      dedupKey: 'crawl_example_2026-02-07',
      parentId: null,
      time: T0,
      createdAt: T0,
      expiresAt: null,
      pinned: false,
      supersedes: null,
      supersededBy: null,
    });
  });

  it('applies the documented defaults when given only agent_id and content', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const memory = await service.create(ORG, { agentId: 'my_agent', content: 'hello' });

    // Assert
    expect(memory).toMatchObject({
      memoryType: 'episodic',
      eventType: 'general',
      importance: 0,
      tags: [],
      metadata: {},
      sessionId: null,
      parentId: null,
      time: T0,
    });
  });

  it('stores the memory so get returns it when created', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const created = await service.create(ORG, SPEC_EXAMPLE);

    // Assert
    expect(await service.get(ORG, created.id)).toEqual(created);
  });

  it('derives the dedup key from agent, session, type, event and content when none is given', async () => {
    // Arrange
    const { service } = await setup();
    const input = { ...SPEC_EXAMPLE, dedupKey: undefined };

    // Act
    const memory = await service.create(ORG, input);

    // Assert
    expect(memory.dedupKey).toBe(
      sha32(
        'agent_web_crawler|sess_abc123|episodic|page_crawled|Crawled https://example.com — found 3 product pages',
      ),
    );
    expect(memory.dedupKey).toMatch(/^[0-9a-f]{32}$/);
  });

  it('uses an empty session in the derived dedup key when no session is given', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const memory = await service.create(ORG, { agentId: 'my_agent', content: 'hello' });

    // Assert
    expect(memory.dedupKey).toBe(sha32('my_agent||episodic|general|hello'));
  });

  it('keeps the given dedup key when one is given', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const memory = await service.create(ORG, { agentId: 'a1', content: 'x', dedupKey: 'my-key' });

    // Assert
    expect(memory.dedupKey).toBe('my-key');
  });

  it('drops repeated tags keeping the first position when given duplicates', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const memory = await service.create(ORG, {
      agentId: 'a1',
      content: 'x',
      tags: ['b', 'a', 'b'],
    });

    // Assert
    expect(memory.tags).toEqual(['b', 'a']);
  });

  it('throws conflict with the existing memory_id when the same memory repeats within the window', async () => {
    // Arrange
    const { service, clock } = await setup();
    const first = await service.create(ORG, { agentId: 'a1', content: 'same' });
    clock.advance(24 * HOUR);

    // Act
    const error = await rejection(service.create(ORG, { agentId: 'a1', content: 'same' }));

    // Assert
    expect(error.kind).toBe('conflict');
    expect(error.code).toBe('DUPLICATE_MEMORY');
    expect(error.details).toEqual({ memory_id: first.id });
    expect((await service.list(ORG, {})).count).toBe(1);
  });

  it('throws conflict when a given dedup key repeats with different content', async () => {
    // Arrange
    const { service } = await setup();
    const first = await service.create(ORG, { agentId: 'a1', content: 'one', dedupKey: 'k' });

    // Act
    const error = await rejection(
      service.create(ORG, { agentId: 'a2', content: 'two', dedupKey: 'k' }),
    );

    // Assert
    expect(error.details).toEqual({ memory_id: first.id });
  });

  it('creates the memory when the repeat comes after the window', async () => {
    // Arrange
    const { service, clock } = await setup();
    const first = await service.create(ORG, { agentId: 'a1', content: 'same' });
    clock.advance(24 * HOUR + 1);

    // Act
    const second = await service.create(ORG, { agentId: 'a1', content: 'same' });

    // Assert
    expect(second.id).not.toBe(first.id);
    expect(second.dedupKey).toBe(first.dedupKey);
    expect((await service.list(ORG, {})).count).toBe(2);
  });

  it('creates the memory when the repeat differs in session, type or event type', async () => {
    // Arrange
    const { service } = await setup();
    await service.create(ORG, { agentId: 'a1', content: 'same' });

    // Act
    await service.create(ORG, { agentId: 'a1', content: 'same', sessionId: 's1' });
    await service.create(ORG, { agentId: 'a1', content: 'same', memoryType: 'decision' });
    await service.create(ORG, { agentId: 'a1', content: 'same', eventType: 'other' });

    // Assert
    expect((await service.list(ORG, {})).count).toBe(4);
  });

  it('creates the memory when the same memory was recorded in another org', async () => {
    // Arrange
    const { service } = await setup();
    await service.create(OTHER_ORG, { agentId: 'a1', content: 'same' });

    // Act
    const memory = await service.create(ORG, { agentId: 'a1', content: 'same' });

    // Assert
    expect(memory.orgId).toBe(ORG);
  });

  it('generates no dedup key and never conflicts when dedup is disabled', async () => {
    // Arrange
    const { service } = await setup({ enabled: false, windowHours: 24 });

    // Act
    const first = await service.create(ORG, { agentId: 'a1', content: 'same' });
    const second = await service.create(ORG, { agentId: 'a1', content: 'same' });
    const keyed = await service.create(ORG, { agentId: 'a1', content: 'k', dedupKey: 'k' });
    const keyedAgain = await service.create(ORG, { agentId: 'a1', content: 'k', dedupKey: 'k' });

    // Assert
    expect(first.dedupKey).toBeNull();
    expect(second.dedupKey).toBeNull();
    expect(keyed.dedupKey).toBe('k');
    expect(keyedAgain.dedupKey).toBe('k');
    expect((await service.list(ORG, {})).count).toBe(4);
  });

  it.each<[string, Partial<NewMemory>, string]>([
    ['agent_id is missing', { agentId: undefined }, 'agent_id is required'],
    ['agent_id is empty', { agentId: '' }, 'agent_id is required'],
    ['agent_id breaks the pattern', { agentId: '1agent' }, 'agent_id must start with a letter'],
    ['content is missing', { content: undefined }, 'content is required'],
    ['content is empty', { content: '' }, 'content is required'],
    [
      'memory_type is unknown',
      { memoryType: 'semantic' },
      'memory_type must be one of episodic, session, decision, entity',
    ],
    ['importance is above 1', { importance: 1.5 }, 'importance must be a number between 0 and 1'],
    ['importance is negative', { importance: -0.1 }, 'importance must be a number between 0 and 1'],
    [
      'importance is NaN',
      { importance: Number.NaN },
      'importance must be a number between 0 and 1',
    ],
    ['a tag has a space', { tags: ['ok', 'not ok'] }, 'tags[1] must be 1 to 64 letters'],
    ['a tag is empty', { tags: [''] }, 'tags[0] must be 1 to 64 letters'],
    ['a tag is too long', { tags: ['t'.repeat(65)] }, 'tags[0] must be 1 to 64 letters'],
    [
      'there are too many tags',
      { tags: Array.from({ length: 65 }, (_, i) => `t${i}`) },
      'tags must have at most 64 tags',
    ],
    ['event_type has a dash', { eventType: 'page-crawled' }, 'event_type must start with a letter'],
    [
      'event_type starts with a digit',
      { eventType: '1page' },
      'event_type must start with a letter',
    ],
    [
      'session_id breaks the pattern',
      { sessionId: 'sess abc' },
      'session_id must start with a letter',
    ],
    ['parent_id breaks the pattern', { parentId: '_parent' }, 'parent_id must start with a letter'],
    ['metadata is an array', { metadata: [1, 2] as never }, 'metadata must be a JSON object'],
    ['metadata is a string', { metadata: 'x' as never }, 'metadata must be a JSON object'],
    [
      'dedup_key is too long',
      { dedupKey: 'k'.repeat(257) },
      'dedup_key must be 1 to 256 characters',
    ],
    ['dedup_key is empty', { dedupKey: '' }, 'dedup_key must be 1 to 256 characters'],
  ])('throws invalid naming the field when %s', async (_case, override, message) => {
    // Arrange
    const { service } = await setup();
    const input = { agentId: 'a1', content: 'x', ...override } as NewMemory;

    // Act
    const error = await rejection(service.create(ORG, input));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message.startsWith(message)).toBe(true);
    expect((await service.list(ORG, {})).count).toBe(0);
  });

  it.each([0, 1, 0.5])('accepts importance %s when it is within 0..1', async (importance) => {
    // Arrange
    const { service } = await setup();

    // Act
    const memory = await service.create(ORG, { agentId: 'a1', content: 'x', importance });

    // Assert
    expect(memory.importance).toBe(importance);
  });

  it('gives increasing time-ordered ids when memories are created in the same millisecond', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const a = await service.create(ORG, { agentId: 'a1', content: '1' });
    const b = await service.create(ORG, { agentId: 'a1', content: '2' });

    // Assert
    expect(a.id.slice(4, 16)).toBe(T0.toString(16).padStart(12, '0'));
    expect(b.id > a.id).toBe(true);
  });
});

describe('MemoryService.createMany', () => {
  it('stores every item and reports no duplicates when all are valid and distinct', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const result = await service.createMany(ORG, [
      { agentId: 'agent_1', content: 'First memory', memoryType: 'episodic' },
      { agentId: 'agent_1', content: 'Second memory', memoryType: 'decision' },
    ]);

    // Assert
    expect(result.memories.map((m) => [m.content, m.memoryType])).toEqual([
      ['First memory', 'episodic'],
      ['Second memory', 'decision'],
    ]);
    expect(result.duplicates).toEqual([]);
    expect((await service.list(ORG, {})).count).toBe(2);
  });

  it('stores nothing and names the item index when one item is invalid', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const error = await rejection(
      service.createMany(ORG, [
        { agentId: 'agent_1', content: 'fine' },
        { agentId: 'agent_1', content: '' },
        { agentId: 'agent_1', content: 'also fine' },
      ]),
    );

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe('memories[1].content is required');
    expect((await service.list(ORG, {})).count).toBe(0);
  });

  it('names the field of the bad item when its memory_type is unknown', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const error = await rejection(
      service.createMany(ORG, [
        { agentId: 'agent_1', content: 'a' },
        { agentId: 'agent_1', content: 'b' },
        { agentId: 'agent_1', content: 'c', memoryType: 'nope' },
      ]),
    );

    // Assert
    expect(error.message.startsWith('memories[2].memory_type must be one of')).toBe(true);
  });

  it('reports the index and stores the rest when an item repeats an earlier item of the batch', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const result = await service.createMany(ORG, [
      { agentId: 'agent_1', content: 'A' },
      { agentId: 'agent_1', content: 'B' },
      { agentId: 'agent_1', content: 'A' },
    ]);

    // Assert
    expect(result.memories.map((m) => m.content)).toEqual(['A', 'B']);
    expect(result.duplicates).toEqual([{ index: 2, existingId: result.memories[0]?.id }]);
    expect((await service.list(ORG, {})).count).toBe(2);
  });

  it('reports the index when an item repeats a stored memory', async () => {
    // Arrange
    const { service } = await setup();
    const stored = await service.create(ORG, { agentId: 'agent_1', content: 'old' });

    // Act
    const result = await service.createMany(ORG, [
      { agentId: 'agent_1', content: 'old' },
      { agentId: 'agent_1', content: 'new' },
    ]);

    // Assert
    expect(result.duplicates).toEqual([{ index: 0, existingId: stored.id }]);
    expect(result.memories.map((m) => m.content)).toEqual(['new']);
  });

  it('throws invalid when the batch is empty', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const error = await rejection(service.createMany(ORG, []));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe('memories must contain at least one memory');
  });
});

describe('MemoryService.get', () => {
  it('throws not_found when the id is unknown', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const error = await rejection(service.get(ORG, 'mem_000000000000000000000000'));

    // Assert
    expect(error.kind).toBe('not_found');
    expect(error.code).toBe('MEMORY_NOT_FOUND');
  });

  it('throws not_found when the memory belongs to another org', async () => {
    // Arrange
    const { service } = await setup();
    const theirs = await service.create(OTHER_ORG, { agentId: 'a1', content: 'secret' });

    // Act
    const error = await rejection(service.get(ORG, theirs.id));

    // Assert
    expect(error.kind).toBe('not_found');
  });

  it('does not match a prefix of the id when the id is partial', async () => {
    // Arrange
    const { service } = await setup();
    const memory = await service.create(ORG, { agentId: 'a1', content: 'x' });

    // Act
    const error = await rejection(service.get(ORG, memory.id.slice(0, 10)));

    // Assert
    expect(error.kind).toBe('not_found');
  });
});

/** Seeds `n` memories one minute apart, the first at T0, and leaves the clock at the last one. */
async function seed(service: MemoryService, clock: FixedClock, n: number): Promise<Memory[]> {
  const out: Memory[] = [];
  for (let i = 0; i < n; i++) {
    clock.set(T0 + i * 60_000);
    out.push(
      await service.create(ORG, {
        agentId: i % 2 === 0 ? 'agent_even' : 'agent_odd',
        content: `memory ${i}`,
        memoryType: i % 3 === 0 ? 'decision' : 'episodic',
        eventType: i % 4 === 0 ? 'error' : 'general',
        tags: i % 2 === 0 ? ['prod', 'even'] : ['production'],
        importance: (i % 10) / 10,
        sessionId: i < 5 ? 'sess_1' : null,
      }),
    );
  }
  return out;
}

describe('MemoryService.list', () => {
  it('returns at most 100, newest first, with count of all matches when no limit is given', async () => {
    // Arrange
    const { service, clock } = await setup();
    const all = await seed(service, clock, 120);

    // Act
    const page = await service.list(ORG, {});

    // Assert
    expect(page.memories).toHaveLength(100);
    expect(page.memories[0]?.id).toBe(all[119]?.id);
    expect(page.memories[99]?.id).toBe(all[20]?.id);
    expect(page.count).toBe(120);
    expect(page.hasMore).toBe(true);
  });

  it('returns oldest first when order is asc', async () => {
    // Arrange
    const { service, clock } = await setup();
    const all = await seed(service, clock, 5);

    // Act
    const page = await service.list(ORG, { order: 'asc' });

    // Assert
    expect(page.memories.map((m) => m.id)).toEqual(all.map((m) => m.id));
  });

  it('pages with limit and offset and reports hasMore when more matches remain', async () => {
    // Arrange
    const { service, clock } = await setup();
    const all = await seed(service, clock, 10);

    // Act
    const middle = await service.list(ORG, { order: 'asc', limit: 3, offset: 3 });
    const last = await service.list(ORG, { order: 'asc', limit: 3, offset: 9 });

    // Assert
    expect(middle.memories.map((m) => m.content)).toEqual(['memory 3', 'memory 4', 'memory 5']);
    expect(middle).toMatchObject({ count: 10, hasMore: true });
    expect(last.memories.map((m) => m.id)).toEqual([all[9]?.id]);
    expect(last).toMatchObject({ count: 10, hasMore: false });
  });

  it('asks the store to count only when the page is full or empty past the start', async () => {
    // Arrange: a store that reads no total with its page (as SQLite and Arc), so the service counts.
    const storage = await createInMemoryStorage();
    const clock = new FixedClock(T0);
    let counts = 0;
    const store = storage.memories;
    const counting = Object.assign(Object.create(store) as typeof store, {
      count: (...args: Parameters<typeof store.count>) => {
        counts += 1;
        return store.count(...args);
      },
      findPage: (orgId: string, { withTotal: _, ...query }: MemoryQuery) =>
        store.findPage(orgId, query),
    });
    const service = createMemtrace({
      storage: { ...storage, memories: counting },
      clock,
      ids: new SequentialIds(),
      dedup: { enabled: false, windowHours: 24 },
    }).memories;
    await seed(service, clock, 10);

    // Act
    const partial = await service.list(ORG, { limit: 20, offset: 4 });
    const countsAfterPartial = counts;
    const full = await service.list(ORG, { limit: 5 });
    const pastEnd = await service.list(ORG, { limit: 5, offset: 50 });

    // Assert
    expect(partial).toMatchObject({ count: 10, hasMore: false });
    expect(partial.memories).toHaveLength(6);
    expect(countsAfterPartial).toBe(0);
    expect(full).toMatchObject({ count: 10, hasMore: true });
    expect(pastEnd).toMatchObject({ memories: [], count: 10, hasMore: false });
    expect(counts).toBe(2);
  });

  it('takes the count from the page, asking for no count, when the store reads it with the page', async () => {
    // Arrange
    const storage = await createInMemoryStorage();
    const clock = new FixedClock(T0);
    let counts = 0;
    const asked: (boolean | undefined)[] = [];
    const store = storage.memories;
    const counting = Object.assign(Object.create(store) as typeof store, {
      count: (...args: Parameters<typeof store.count>) => {
        counts += 1;
        return store.count(...args);
      },
      findPage: (orgId: string, query: MemoryQuery) => {
        asked.push(query.withTotal);
        return store.findPage(orgId, query);
      },
    });
    const service = createMemtrace({
      storage: { ...storage, memories: counting },
      clock,
      ids: new SequentialIds(),
      dedup: { enabled: false, windowHours: 24 },
    }).memories;
    await seed(service, clock, 10);

    // Act
    const full = await service.list(ORG, { limit: 5 });
    const pastEnd = await service.list(ORG, { limit: 5, offset: 50 });
    const uncounted = await service.list(ORG, { limit: 5, includeCount: false });

    // Assert
    expect(full).toMatchObject({ count: 10, hasMore: true });
    expect(pastEnd).toMatchObject({ memories: [], count: 10, hasMore: false });
    expect(uncounted).toMatchObject({ count: null, hasMore: true });
    expect(asked).toEqual([true, true, undefined]);
    expect(counts).toBe(0);
  });

  it('leaves count null and reads one row past the page when includeCount is false', async () => {
    // Arrange
    const { service, clock } = await setup();
    await seed(service, clock, 10);

    // Act
    const full = await service.list(ORG, { limit: 5, includeCount: false });
    const last = await service.list(ORG, { limit: 5, offset: 5, includeCount: false });

    // Assert
    expect(full.memories.map((m) => m.content)).toEqual([
      'memory 9',
      'memory 8',
      'memory 7',
      'memory 6',
      'memory 5',
    ]);
    expect(full).toMatchObject({ count: null, hasMore: true });
    expect(last.memories).toHaveLength(5);
    expect(last).toMatchObject({ count: null, hasMore: false });
  });

  it('counts only the matches of the filters when filters are given', async () => {
    // Arrange
    const { service, clock } = await setup();
    await seed(service, clock, 12);

    // Act
    const page = await service.list(ORG, {
      agentId: 'agent_even',
      memoryTypes: ['decision'],
      limit: 1,
    });

    // Assert
    expect(page.memories.map((m) => m.content)).toEqual(['memory 6']);
    expect(page.count).toBe(2);
    expect(page.hasMore).toBe(true);
  });

  it('matches tags exactly when filtering by a tag that prefixes another', async () => {
    // Arrange
    const { service, clock } = await setup();
    await seed(service, clock, 6);

    // Act
    const page = await service.list(ORG, { tags: ['prod'] });

    // Assert
    expect(page.memories.map((m) => m.content)).toEqual(['memory 4', 'memory 2', 'memory 0']);
  });

  it('filters by session and event type when given them', async () => {
    // Arrange
    const { service, clock } = await setup();
    await seed(service, clock, 10);

    // Act
    const page = await service.list(ORG, { sessionId: 'sess_1', eventTypes: ['error'] });

    // Assert
    expect(page.memories.map((m) => m.content)).toEqual(['memory 4', 'memory 0']);
    expect(page.count).toBe(2);
  });

  it('keeps since inclusive and until exclusive when both are relative to the clock', async () => {
    // Arrange
    const { service, clock } = await setup();
    await seed(service, clock, 10);
    clock.set(T0 + 10 * 60_000);

    // Act
    const page = await service.list(ORG, { since: '8m', until: '4m', order: 'asc' });

    // Assert
    expect(page.memories.map((m) => m.content)).toEqual([
      'memory 2',
      'memory 3',
      'memory 4',
      'memory 5',
    ]);
    expect(page.count).toBe(4);
  });

  it('reads ISO 8601 since and until when given absolute times', async () => {
    // Arrange
    const { service, clock } = await setup();
    await seed(service, clock, 10);

    // Act
    const page = await service.list(ORG, {
      since: new Date(T0 + 7 * 60_000).toISOString(),
      until: '2026-02-07T22:24:00+02:00',
      order: 'asc',
    });

    // Assert
    expect(page.memories.map((m) => m.content)).toEqual(['memory 7', 'memory 8']);
  });

  it('returns nothing from another org when that org has memories', async () => {
    // Arrange
    const { service } = await setup();
    await service.create(OTHER_ORG, { agentId: 'a1', content: 'theirs' });

    // Act
    const page = await service.list(ORG, {});

    // Assert
    expect(page).toEqual({ memories: [], count: 0, hasMore: false, nextCursor: null });
  });

  it.each<[string, object, string]>([
    ['limit is 0', { limit: 0 }, 'limit must be an integer from 1 to 1000'],
    ['limit is 1001', { limit: 1001 }, 'limit must be an integer from 1 to 1000'],
    ['limit is 1.5', { limit: 1.5 }, 'limit must be an integer from 1 to 1000'],
    ['offset is -1', { offset: -1 }, 'offset must be a non-negative integer'],
    ['offset is 0.5', { offset: 0.5 }, 'offset must be a non-negative integer'],
    ['order is up', { order: 'up' }, "order must be 'asc' or 'desc'"],
    ['since is unparseable', { since: 'yesterday' }, 'since must be a relative time'],
    ['until is an impossible date', { until: '2026-02-30' }, 'until names no such time'],
    ['memory_type is unknown', { memoryTypes: ['semantic'] }, 'memory_type must be one of'],
    ['event_type is malformed', { eventTypes: ['a b'] }, 'event_type must start with a letter'],
    ['a tag is malformed', { tags: ['a b'] }, 'tags[0] must be 1 to 64'],
    ['agent_id is malformed', { agentId: '-x' }, 'agent_id must start with a letter'],
    ['session_id is malformed', { sessionId: '-x' }, 'session_id must start with a letter'],
  ])('throws invalid naming the field when %s', async (_case, input, message) => {
    // Arrange
    const { service } = await setup();

    // Act
    const error = await rejection(service.list(ORG, input));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message.startsWith(message)).toBe(true);
  });

  it.each([1, 1000])('accepts limit %i when it is at the edge of the range', async (limit) => {
    // Arrange
    const { service, clock } = await setup();
    await seed(service, clock, 3);

    // Act
    const page = await service.list(ORG, { limit });

    // Assert
    expect(page.memories).toHaveLength(Math.min(limit, 3));
    expect(page.count).toBe(3);
  });
});

describe('MemoryService.search', () => {
  it('applies every filter together when given the spec example shape', async () => {
    // Arrange
    const { service, clock } = await setup();
    await seed(service, clock, 20);

    // Act
    const result = await service.search(ORG, {
      agentId: 'agent_even',
      memoryTypes: ['episodic', 'decision'],
      eventTypes: ['general'],
      tags: ['prod'],
      contentContains: 'memory 1',
      minImportance: 0.4,
      since: '7d',
      order: 'desc',
      limit: 50,
    });

    // Assert
    expect(result.memories.map((m) => m.content)).toEqual(['memory 18', 'memory 14']);
    expect(result).toMatchObject({ count: 2, hasMore: false });
  });

  it('names the indexed search field when a memory type is unknown', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const error = await rejection(service.search(ORG, { memoryTypes: ['episodic', 'semantic'] }));

    // Assert
    expect(error.message).toBe(
      'memory_types[1] must be one of episodic, session, decision, entity',
    );
  });

  it('throws invalid when min_importance is out of range', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const error = await rejection(service.search(ORG, { minImportance: 2 }));

    // Assert
    expect(error.message).toBe('min_importance must be a number between 0 and 1');
  });

  it('applies the same limit rule as list when limit is 1001', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const error = await rejection(service.search(ORG, { limit: 1001 }));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message.startsWith('limit ')).toBe(true);
  });
});

describe('MemoryService.create with an event time', () => {
  const withSkew = async (maxFutureSkewMs: number) => {
    const storage = await createInMemoryStorage();
    const clock = new FixedClock(T0);
    const service = createMemtrace({
      storage,
      clock,
      ids: new SequentialIds(),
      dedup: DEDUP_ON,
      eventTime: { maxFutureSkewMs },
    }).memories;
    return { service, clock };
  };

  it('keeps a past time and stamps createdAt with the clock', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const memory = await service.create(ORG, { ...SPEC_EXAMPLE, time: '2001-09-09T01:46:40Z' });

    // Assert
    expect(memory.time).toBe(1_000_000_000_000);
    expect(memory.createdAt).toBe(T0);
  });

  it('takes a time exactly the skew ahead and refuses one a millisecond later', async () => {
    // Arrange
    const { service } = await withSkew(HOUR);
    const at = (ms: number) => new Date(ms).toISOString();

    // Act
    const edge = await service.create(ORG, { agentId: 'a', content: 'edge', time: at(T0 + HOUR) });
    const beyond = await rejection(
      service.create(ORG, { agentId: 'a', content: 'beyond', time: at(T0 + HOUR + 1) }),
    );

    // Assert
    expect(edge.time).toBe(T0 + HOUR);
    expect(beyond).toMatchObject({ kind: 'invalid' });
    expect(beyond.message).toBe(
      `time must not be more than 1h0m0s in the future, got '${at(T0 + HOUR + 1)}'`,
    );
  });

  it('refuses any future time when the skew is 0, naming the batch item', async () => {
    // Arrange
    const { service } = await withSkew(0);

    // Act
    const error = await rejection(
      service.createMany(ORG, [
        { agentId: 'a', content: 'now', time: new Date(T0).toISOString() },
        { agentId: 'a', content: 'later', time: new Date(T0 + 1).toISOString() },
      ]),
    );

    // Assert
    expect(error.message).toMatch(/^memories\[1\]\.time must not be more than 0s in the future/);
  });
});
