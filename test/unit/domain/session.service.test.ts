import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import type { NewMemory } from '../../../domain/index.js';
import { createMemtrace } from '../../../src/core.js';
import { aMemory } from '../../support/builders.js';
import { FixedClock } from '../../support/fixed-clock.js';
import { SequentialIds } from '../../support/sequential-ids.js';
import { rejection } from '../../support/domain-errors.js';

const ORG = 'org_a';
const OTHER_ORG = 'org_b';
const T0 = Date.UTC(2026, 1, 13, 10, 30, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function setup() {
  const storage = await createInMemoryStorage();
  const clock = new FixedClock(T0);
  const ids = new SequentialIds();
  const { sessions, memories } = createMemtrace({
    storage,
    clock,
    ids,
    dedup: { enabled: true, windowHours: 24 },
  });
  /** Records a memory `minutesAfterT0` after T0 and leaves the clock there. */
  const remember = async (
    minutesAfterT0: number,
    input: Partial<NewMemory> & { content: string },
  ) => {
    clock.set(T0 + minutesAfterT0 * MINUTE);
    return memories.create(ORG, { agentId: 'agent_abc', ...input });
  };
  return { sessions, memories, clock, remember, storage };
}

describe('SessionService.create', () => {
  it('returns an active session with the given metadata when given the spec example', async () => {
    // Arrange
    const { sessions } = await setup();

    // Act
    const session = await sessions.create(ORG, {
      agentId: 'agent_abc',
      metadata: { task: 'product_research' },
    });

    // Assert
    expect(session).toEqual({
      id: 'sess_000000000000000000000001',
      orgId: ORG,
      agentId: 'agent_abc',
      status: 'active',
      metadata: { task: 'product_research' },
      createdAt: T0,
      updatedAt: T0,
      closedAt: null,
    });
    expect(await sessions.get(ORG, session.id)).toEqual(session);
  });

  it('defaults metadata to an empty object when none is given', async () => {
    // Arrange
    const { sessions } = await setup();

    // Act
    const session = await sessions.create(ORG, { agentId: 'agent_abc' });

    // Assert
    expect(session.metadata).toEqual({});
  });

  it.each<[string, object, string]>([
    ['agent_id is missing', {}, 'agent_id is required'],
    ['agent_id is empty', { agentId: '' }, 'agent_id is required'],
    ['agent_id breaks the pattern', { agentId: 'agent abc' }, 'agent_id must start with a letter'],
    ['metadata is an array', { agentId: 'a1', metadata: ['x'] }, 'metadata must be a JSON object'],
    ['metadata is a number', { agentId: 'a1', metadata: 3 }, 'metadata must be a JSON object'],
  ])('throws invalid naming the field when %s', async (_case, input, message) => {
    // Arrange
    const { sessions } = await setup();

    // Act
    const error = await rejection(sessions.create(ORG, input as never));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message.startsWith(message)).toBe(true);
  });
});

describe('SessionService.get', () => {
  it('throws not_found when the id is unknown', async () => {
    // Arrange
    const { sessions } = await setup();

    // Act
    const error = await rejection(sessions.get(ORG, 'sess_000000000000000000000099'));

    // Assert
    expect(error.kind).toBe('not_found');
    expect(error.code).toBe('SESSION_NOT_FOUND');
  });

  it('throws not_found when the session belongs to another org', async () => {
    // Arrange
    const { sessions } = await setup();
    const theirs = await sessions.create(OTHER_ORG, { agentId: 'agent_abc' });

    // Act
    const error = await rejection(sessions.get(ORG, theirs.id));

    // Assert
    expect(error.kind).toBe('not_found');
  });
});

describe('SessionService, a session that only memories stored earlier name', () => {
  // Memories stored before memory writes created their sessions (on Arc, no migration reaches
  // them): the store holds the memories and no session.
  async function legacy() {
    const ctx = await setup();
    const older = aMemory({ orgId: ORG, agentId: 'first_agent', sessionId: 'old', time: T0 - 9 });
    const newer = aMemory({ orgId: ORG, agentId: 'later_agent', sessionId: 'old', time: T0 - 1 });
    await ctx.storage.memories.insert([newer, older], null);
    return ctx;
  }

  it('is created from its first memory when it is read, and listed from then on', async () => {
    // Arrange
    const { sessions } = await legacy();

    // Act
    const session = await sessions.get(ORG, 'old');
    const list = await sessions.list(ORG, {});

    // Assert
    expect(session).toEqual({
      id: 'old',
      orgId: ORG,
      agentId: 'first_agent',
      status: 'active',
      metadata: {},
      createdAt: T0 - 9,
      updatedAt: T0 - 9,
      closedAt: null,
    });
    expect(list.sessions).toEqual([session]);
  });

  it('is created and changed when it is updated', async () => {
    // Arrange
    const { sessions } = await legacy();

    // Act
    const closed = await sessions.update(ORG, 'old', { status: 'closed' });

    // Assert
    expect(closed).toMatchObject({ id: 'old', status: 'closed', closedAt: T0 });
    expect(await sessions.get(ORG, 'old')).toEqual(closed);
  });

  it('is created when its context is read, and stays unknown to another org', async () => {
    // Arrange
    const { sessions } = await legacy();

    // Act
    const context = await sessions.context(ORG, 'old', {});
    const theirs = await rejection(sessions.get(OTHER_ORG, 'old'));

    // Assert
    expect(context.memoryCount).toBe(2);
    expect((await sessions.list(ORG, {})).count).toBe(1);
    expect(theirs.kind).toBe('not_found');
  });
});

describe('SessionService.update', () => {
  it('sets status closed, closedAt and updatedAt when closing', async () => {
    // Arrange
    const { sessions, clock } = await setup();
    const session = await sessions.create(ORG, { agentId: 'agent_abc', metadata: { a: 1 } });
    clock.advance(HOUR);

    // Act
    const closed = await sessions.update(ORG, session.id, { status: 'closed' });

    // Assert
    expect(closed).toEqual({
      ...session,
      status: 'closed',
      closedAt: T0 + HOUR,
      updatedAt: T0 + HOUR,
    });
    expect(await sessions.get(ORG, session.id)).toEqual(closed);
  });

  it('clears closedAt when reopening a closed session', async () => {
    // Arrange
    const { sessions, clock } = await setup();
    const session = await sessions.create(ORG, { agentId: 'agent_abc' });
    clock.advance(HOUR);
    await sessions.update(ORG, session.id, { status: 'closed' });
    clock.advance(HOUR);

    // Act
    const reopened = await sessions.update(ORG, session.id, { status: 'active' });

    // Assert
    expect(reopened).toMatchObject({ status: 'active', closedAt: null, updatedAt: T0 + 2 * HOUR });
  });

  it('merges metadata and removes keys set to null when given metadata', async () => {
    // Arrange
    const { sessions } = await setup();
    const session = await sessions.create(ORG, {
      agentId: 'agent_abc',
      metadata: { task: 'research', topic: 'generics', keep: true },
    });

    // Act
    const updated = await sessions.update(ORG, session.id, {
      metadata: { topic: null, step: 2, task: 'writing' },
    });

    // Assert
    expect(updated.metadata).toEqual({ task: 'writing', keep: true, step: 2 });
    expect(updated.status).toBe('active');
  });

  it('throws invalid when neither status nor metadata is given', async () => {
    // Arrange
    const { sessions } = await setup();
    const session = await sessions.create(ORG, { agentId: 'agent_abc' });

    // Act
    const error = await rejection(sessions.update(ORG, session.id, {}));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe('status or metadata is required');
  });

  it.each(['open', 'CLOSED', ''])("throws invalid when status is '%s'", async (status) => {
    // Arrange
    const { sessions } = await setup();
    const session = await sessions.create(ORG, { agentId: 'agent_abc' });

    // Act
    const error = await rejection(sessions.update(ORG, session.id, { status }));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe("status must be 'active' or 'closed'");
    expect((await sessions.get(ORG, session.id)).status).toBe('active');
  });

  it('throws invalid when metadata is not an object', async () => {
    // Arrange
    const { sessions } = await setup();
    const session = await sessions.create(ORG, { agentId: 'agent_abc' });

    // Act
    const error = await rejection(sessions.update(ORG, session.id, { metadata: [] as never }));

    // Assert
    expect(error.message).toBe('metadata must be a JSON object');
  });

  it('throws not_found when the session is unknown', async () => {
    // Arrange
    const { sessions } = await setup();

    // Act
    const error = await rejection(sessions.update(ORG, 'sess_nope', { status: 'closed' }));

    // Assert
    expect(error.kind).toBe('not_found');
    expect(error.code).toBe('SESSION_NOT_FOUND');
  });

  it('throws not_found when the session belongs to another org', async () => {
    // Arrange
    const { sessions } = await setup();
    const theirs = await sessions.create(OTHER_ORG, { agentId: 'agent_abc' });

    // Act
    const error = await rejection(sessions.update(ORG, theirs.id, { status: 'closed' }));

    // Assert
    expect(error.kind).toBe('not_found');
    expect((await sessions.get(OTHER_ORG, theirs.id)).status).toBe('active');
  });
});

describe('SessionService.list', () => {
  async function seeded() {
    const ctx = await setup();
    const made = [];
    for (const [i, agentId] of ['agent_abc', 'agent_xyz', 'agent_abc', 'agent_abc'].entries()) {
      ctx.clock.set(T0 + i * MINUTE);
      made.push(await ctx.sessions.create(ORG, { agentId }));
    }
    await ctx.sessions.create(OTHER_ORG, { agentId: 'agent_abc' });
    await ctx.sessions.update(ORG, made[2]!.id, { status: 'closed' });
    return { ...ctx, made };
  }

  it('returns the org sessions newest first with the count when no filter is given', async () => {
    // Arrange
    const { sessions, made } = await seeded();

    // Act
    const result = await sessions.list(ORG, {});

    // Assert
    expect(result.sessions.map((s) => s.id)).toEqual([...made].reverse().map((s) => s.id));
    expect(result).toMatchObject({ count: 4, hasMore: false });
  });

  it('returns only that agent when filtered by agent_id', async () => {
    // Arrange
    const { sessions, made } = await seeded();

    // Act
    const result = await sessions.list(ORG, { agentId: 'agent_abc', limit: 2 });

    // Assert
    expect(result.sessions.map((s) => s.id)).toEqual([made[3]!.id, made[2]!.id]);
    expect(result).toMatchObject({ count: 3, hasMore: true });
  });

  it('returns only closed sessions when filtered by status closed', async () => {
    // Arrange
    const { sessions, made } = await seeded();

    // Act
    const result = await sessions.list(ORG, { status: 'closed' });

    // Assert
    expect(result.sessions.map((s) => s.id)).toEqual([made[2]!.id]);
    expect(result.count).toBe(1);
  });

  it.each<[string, object, string]>([
    ['status is unknown', { status: 'done' }, "status must be 'active' or 'closed'"],
    ['agent_id is malformed', { agentId: '9x' }, 'agent_id must start with a letter'],
    ['limit is 0', { limit: 0 }, 'limit must be an integer from 1 to 1000'],
    ['limit is 1001', { limit: 1001 }, 'limit must be an integer from 1 to 1000'],
    ['offset is -1', { offset: -1 }, 'offset must be a non-negative integer'],
  ])('throws invalid when %s', async (_case, input, message) => {
    // Arrange
    const { sessions } = await setup();

    // Act
    const error = await rejection(sessions.list(ORG, input));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message.startsWith(message)).toBe(true);
  });
});

describe('SessionService.context', () => {
  /** A created session with memories at T0 + 0, 10, 20, 30, 40 minutes; clock at T0 + 60m. */
  async function withMemories() {
    const ctx = await setup();
    const session = await ctx.sessions.create(ORG, { agentId: 'agent_abc' });
    const sessionId = session.id;
    await ctx.remember(0, { sessionId, content: 'Crawled https://example.com', importance: 0.3 });
    await ctx.remember(10, {
      sessionId,
      content: 'Chose category A',
      memoryType: 'decision',
      importance: 0.9,
    });
    await ctx.remember(20, {
      sessionId,
      content: 'Product X: trending',
      memoryType: 'entity',
      importance: 0.5,
    });
    await ctx.remember(30, { sessionId, content: 'Extracted pricing', importance: 0.6 });
    await ctx.remember(40, {
      sessionId,
      content: 'User prefers CSV',
      memoryType: 'session',
      importance: 0.1,
    });
    await ctx.remember(45, { sessionId: 'sess_other', content: 'Not this session' });
    await ctx.remember(46, { content: 'No session at all' });
    ctx.clock.set(T0 + HOUR);
    return { ...ctx, sessionId };
  }

  it('returns every section newest first with the memory count when given no options', async () => {
    // Arrange
    const { sessions, sessionId } = await withMemories();

    // Act
    const result = await sessions.context(ORG, sessionId, {});

    // Assert
    expect(result.context).toBe(
      [
        `## Session Context (${sessionId})`,
        '',
        '### Recent Actions (2)',
        '- Extracted pricing',
        '- Crawled https://example.com',
        '',
        '### Decisions (1)',
        '- Chose category A',
        '',
        '### Entities (1)',
        '- Product X: trending',
        '',
        '### Session Notes (1)',
        '- User prefers CSV',
      ].join('\n'),
    );
    expect(result).toMatchObject({ sessionId, memoryCount: 5, omittedCount: 0 });
    expect(result.estimatedTokens).toBe(Math.ceil(result.context.length / 4));
  });

  it('lists lines oldest first when order is asc', async () => {
    // Arrange
    const { sessions, sessionId } = await withMemories();

    // Act
    const result = await sessions.context(ORG, sessionId, {
      order: 'asc',
      includeTypes: ['episodic'],
    });

    // Assert
    expect(result.context).toBe(
      `## Session Context (${sessionId})\n\n### Recent Actions (2)\n- Crawled https://example.com\n- Extracted pricing`,
    );
  });

  it('renders only the included types when include_types is given', async () => {
    // Arrange
    const { sessions, sessionId } = await withMemories();

    // Act
    const result = await sessions.context(ORG, sessionId, {
      includeTypes: ['episodic', 'decision'],
    });

    // Assert
    expect(result.context).toBe(
      `## Session Context (${sessionId})\n\n### Recent Actions (2)\n- Extracted pricing\n- Crawled https://example.com\n\n### Decisions (1)\n- Chose category A`,
    );
    expect(result.memoryCount).toBe(3);
  });

  it('leaves out the excluded types when exclude_types is given', async () => {
    // Arrange
    const { sessions, sessionId } = await withMemories();

    // Act
    const result = await sessions.context(ORG, sessionId, { excludeTypes: ['entity', 'episodic'] });

    // Assert
    expect(result.context).toBe(
      `## Session Context (${sessionId})\n\n### Decisions (1)\n- Chose category A\n\n### Session Notes (1)\n- User prefers CSV`,
    );
    expect(result.memoryCount).toBe(2);
  });

  it('applies both when include_types and exclude_types overlap', async () => {
    // Arrange
    const { sessions, sessionId } = await withMemories();

    // Act
    const result = await sessions.context(ORG, sessionId, {
      includeTypes: ['decision', 'entity'],
      excludeTypes: ['decision'],
    });

    // Assert
    expect(result.context).toBe(
      `## Session Context (${sessionId})\n\n### Entities (1)\n- Product X: trending`,
    );
  });

  it('includes every type when include_types is empty', async () => {
    // Arrange
    const { sessions, sessionId } = await withMemories();
    const everything = await sessions.context(ORG, sessionId, {});

    // Act
    const result = await sessions.context(ORG, sessionId, { includeTypes: [] });

    // Assert
    expect(result.memoryCount).toBeGreaterThan(0);
    expect(result).toEqual(everything);
  });

  it('keeps since inclusive and until exclusive when both are relative to the clock', async () => {
    // Arrange
    const { sessions, sessionId } = await withMemories();

    // Act
    const result = await sessions.context(ORG, sessionId, { since: '50m', until: '30m' });

    // Assert
    expect(result.context).toBe(
      `## Session Context (${sessionId})\n\n### Decisions (1)\n- Chose category A\n\n### Entities (1)\n- Product X: trending`,
    );
    expect(result.memoryCount).toBe(2);
  });

  it('reads ISO 8601 times when since is absolute', async () => {
    // Arrange
    const { sessions, sessionId } = await withMemories();

    // Act
    const result = await sessions.context(ORG, sessionId, {
      since: '2026-02-13T12:00:00+01:00',
      includeTypes: ['episodic'],
    });

    // Assert
    expect(result.context).toBe(
      `## Session Context (${sessionId})\n\n### Recent Actions (1)\n- Extracted pricing`,
    );
  });

  it('drops the least important lines and reports omittedCount when max_tokens is short', async () => {
    // Arrange
    const { sessions, sessionId } = await withMemories();
    const expected = `## Session Context (${sessionId})\n\n### Recent Actions (1)\n- Extracted pricing\n\n### Decisions (1)\n- Chose category A`;

    // Act
    const result = await sessions.context(ORG, sessionId, {
      maxTokens: Math.ceil(expected.length / 4),
    });

    // Assert
    expect(result.context).toBe(expected);
    expect(result).toMatchObject({ memoryCount: 2, omittedCount: 3 });
    expect(result.context.length).toBeLessThanOrEqual(result.estimatedTokens * 4);
  });

  it('works for a session id that only memories name when it was never created', async () => {
    // Arrange
    const { sessions } = await withMemories();

    // Act
    const result = await sessions.context(ORG, 'sess_other', {});

    // Assert
    expect(result.context).toBe(
      '## Session Context (sess_other)\n\n### Recent Actions (1)\n- Not this session',
    );
    expect(result.memoryCount).toBe(1);
  });

  it('returns just the header when a created session has no memories', async () => {
    // Arrange
    const { sessions } = await setup();
    const session = await sessions.create(ORG, { agentId: 'agent_abc' });

    // Act
    const result = await sessions.context(ORG, session.id, {});

    // Assert
    expect(result).toMatchObject({
      context: `## Session Context (${session.id})`,
      memoryCount: 0,
      omittedCount: 0,
    });
  });

  it('throws not_found when the session id is neither created nor named by a memory', async () => {
    // Arrange
    const { sessions } = await withMemories();

    // Act
    const error = await rejection(sessions.context(ORG, 'sess_unknown', {}));

    // Assert
    expect(error.kind).toBe('not_found');
    expect(error.code).toBe('SESSION_NOT_FOUND');
  });

  it('throws not_found when only another org knows the session', async () => {
    // Arrange
    const { sessions, sessionId } = await withMemories();

    // Act
    const error = await rejection(sessions.context(OTHER_ORG, sessionId, {}));

    // Assert
    expect(error.kind).toBe('not_found');
  });

  it.each<[string, object, string]>([
    ['max_tokens is 0', { maxTokens: 0 }, 'max_tokens must be a positive integer'],
    ['max_tokens is -1', { maxTokens: -1 }, 'max_tokens must be a positive integer'],
    ['max_tokens is 1.5', { maxTokens: 1.5 }, 'max_tokens must be a positive integer'],
    ['max_tokens is too large', { maxTokens: 10_000_001 }, 'max_tokens must be at most 10000000'],
    [
      'include_types has an unknown type',
      { includeTypes: ['episodic', 'x'] },
      'include_types[1] must be one of',
    ],
    [
      'exclude_types has an unknown type',
      { excludeTypes: ['x'] },
      'exclude_types[0] must be one of',
    ],
    ['since is unparseable', { since: 'yesterday' }, 'since must be a relative time'],
    ['until is an impossible date', { until: '2026-13-01' }, 'until names no such time'],
    ['order is up', { order: 'up' }, "order must be 'asc' or 'desc'"],
  ])('throws invalid naming the field when %s', async (_case, input, message) => {
    // Arrange
    const { sessions, sessionId } = await withMemories();

    // Act
    const error = await rejection(sessions.context(ORG, sessionId, input));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message.startsWith(message)).toBe(true);
  });

  // Known domain bug: the formatter breaks time ties by position in its input, which is newest
  // first only for order asc; with the default order desc it keeps the older line instead.
  it('drops the older of two equally important lines recorded in the same millisecond', async () => {
    // Arrange
    const { sessions, memories, clock } = await setup();
    clock.set(T0);
    await memories.create(ORG, {
      agentId: 'a1',
      sessionId: 'sess_tie',
      content: 'first same-ms',
    });
    await memories.create(ORG, {
      agentId: 'a1',
      sessionId: 'sess_tie',
      content: 'later same-ms',
    });
    const expected = '## Session Context (sess_tie)\n\n### Recent Actions (1)\n- later same-ms';

    // Act
    const result = await sessions.context(ORG, 'sess_tie', {
      maxTokens: Math.ceil(expected.length / 4),
    });

    // Assert
    expect(result.context).toBe(expected);
  });

  it('drops the older of two equally important same-millisecond lines when order is asc', async () => {
    // Arrange
    const { sessions, memories, clock } = await setup();
    clock.set(T0);
    await memories.create(ORG, { agentId: 'a1', sessionId: 'sess_tie', content: 'first same-ms' });
    await memories.create(ORG, { agentId: 'a1', sessionId: 'sess_tie', content: 'later same-ms' });
    const expected = '## Session Context (sess_tie)\n\n### Recent Actions (1)\n- later same-ms';

    // Act
    const result = await sessions.context(ORG, 'sess_tie', {
      order: 'asc',
      maxTokens: Math.ceil(expected.length / 4),
    });

    // Assert
    expect(result.context).toBe(expected);
  });
});
