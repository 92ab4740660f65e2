import { describe, expect, it } from 'vitest';
import { aMemory } from '../../support/builders.js';
import { rejection } from '../../support/domain-errors.js';
import { HOUR, MINUTE, ORG, OTHER_ORG, sessionSetup, T0 } from '../../support/session-setup.js';

const setup = sessionSetup;

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
    const { sessions, context: contexts } = await legacy();

    // Act
    const context = await contexts.forSession(ORG, 'old', {});
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
