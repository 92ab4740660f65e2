import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import type { NewMemory } from '../../../domain/index.js';
import { createMemtrace } from '../../../src/core.js';
import { FixedClock } from '../../support/fixed-clock.js';
import { SequentialIds } from '../../support/sequential-ids.js';
import { rejection } from '../../support/domain-errors.js';

const ORG = 'org_a';
const OTHER_ORG = 'org_b';
/** A key of ORG that may write (deletes log the key). */
const ACTOR = { orgId: ORG, keyId: 'key_a', permissions: ['read', 'write'] } as const;
const T0 = Date.UTC(2026, 1, 13, 10, 30, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function setup() {
  const storage = await createInMemoryStorage();
  const clock = new FixedClock(T0);
  const ids = new SequentialIds();
  const { agents, sessions, memories } = createMemtrace({
    storage,
    clock,
    ids,
    dedup: { enabled: false, windowHours: 24 },
  });
  /** Records a memory at T0 + `at` ms. */
  const remember = (at: number, input: Partial<NewMemory> & { agentId: string }, orgId = ORG) => {
    clock.set(T0 + at);
    return memories.create(orgId, { content: `at ${at}`, ...input });
  };
  return { agents, sessions, memories, clock, remember };
}

describe('AgentService.register', () => {
  it('returns the agent with an id when given the spec example', async () => {
    // Arrange
    const { agents } = await setup();

    // Act
    const agent = await agents.register(ORG, {
      name: 'web_crawler',
      description: 'Crawls product pages',
      config: { max_depth: 3 },
    });

    // Assert
    expect(agent).toEqual({
      id: 'agent_000000000000000000000001',
      orgId: ORG,
      name: 'web_crawler',
      description: 'Crawls product pages',
      config: { max_depth: 3 },
      createdAt: T0,
    });
  });

  it('defaults description to null and config to an empty object when they are not given', async () => {
    // Arrange
    const { agents } = await setup();

    // Act
    const agent = await agents.register(ORG, { name: 'bare' });

    // Assert
    expect(agent).toMatchObject({ description: null, config: {} });
  });

  it('throws conflict when the name is already registered in the org', async () => {
    // Arrange
    const { agents } = await setup();
    await agents.register(ORG, { name: 'web_crawler' });

    // Act
    const error = await rejection(agents.register(ORG, { name: 'web_crawler' }));

    // Assert
    expect(error.kind).toBe('conflict');
    expect(error.code).toBe('AGENT_EXISTS');
  });

  it('registers the name when another org already has it', async () => {
    // Arrange
    const { agents } = await setup();
    await agents.register(OTHER_ORG, { name: 'web_crawler' });

    // Act
    const agent = await agents.register(ORG, { name: 'web_crawler' });

    // Assert
    expect(agent.orgId).toBe(ORG);
  });

  it.each<[string, object, string]>([
    ['name is missing', {}, 'name is required'],
    ['name is empty', { name: '' }, 'name is required'],
    ['name has a space', { name: 'web crawler' }, 'name must start with a letter'],
    ['name starts with a digit', { name: '1crawler' }, 'name must start with a letter'],
    ['name is 129 characters', { name: 'a'.repeat(129) }, 'name must start with a letter'],
    [
      'description is too long',
      { name: 'a', description: 'd'.repeat(10_001) },
      'description must be at most 10000 characters',
    ],
    ['config is an array', { name: 'a', config: [] }, 'config must be a JSON object'],
  ])('throws invalid naming the field when %s', async (_case, input, message) => {
    // Arrange
    const { agents } = await setup();

    // Act
    const error = await rejection(agents.register(ORG, input as never));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message.startsWith(message)).toBe(true);
  });
});

describe('AgentService.get', () => {
  it('finds the agent when given its id', async () => {
    // Arrange
    const { agents } = await setup();
    const agent = await agents.register(ORG, { name: 'web_crawler' });

    // Act
    const found = await agents.get(ORG, agent.id);

    // Assert
    expect(found).toEqual(agent);
  });

  it('finds the agent when given its name', async () => {
    // Arrange
    const { agents } = await setup();
    const agent = await agents.register(ORG, { name: 'web_crawler' });

    // Act
    const found = await agents.get(ORG, 'web_crawler');

    // Assert
    expect(found).toEqual(agent);
  });

  it('throws not_found when the name is unknown', async () => {
    // Arrange
    const { agents } = await setup();

    // Act
    const error = await rejection(agents.get(ORG, 'ghost'));

    // Assert
    expect(error.kind).toBe('not_found');
    expect(error.code).toBe('AGENT_NOT_FOUND');
  });

  it('throws not_found when the agent belongs to another org', async () => {
    // Arrange
    const { agents } = await setup();
    const theirs = await agents.register(OTHER_ORG, { name: 'web_crawler' });

    // Act
    const error = await rejection(agents.get(ORG, theirs.id));

    // Assert
    expect(error.kind).toBe('not_found');
  });
});

describe('AgentService.list', () => {
  it('returns the org agents newest first with the count when some are registered', async () => {
    // Arrange
    const { agents, clock } = await setup();
    const first = await agents.register(ORG, { name: 'first' });
    clock.advance(1000);
    const second = await agents.register(ORG, { name: 'second' });
    await agents.register(OTHER_ORG, { name: 'theirs' });

    // Act
    const result = await agents.list(ORG, {});

    // Assert
    expect(result.agents.map((a) => a.id)).toEqual([second.id, first.id]);
    expect(result).toMatchObject({ count: 2, hasMore: false });
  });

  it('throws invalid when limit is 1001', async () => {
    // Arrange
    const { agents } = await setup();

    // Act
    const error = await rejection(agents.list(ORG, { limit: 1001 }));

    // Assert
    expect(error.message).toBe('limit must be an integer from 1 to 1000');
  });
});

describe('AgentService.delete', () => {
  it('removes the registration when given the name', async () => {
    // Arrange
    const { agents } = await setup();
    const agent = await agents.register(ORG, { name: 'web_crawler' });

    // Act
    await agents.delete(ACTOR, 'web_crawler');

    // Assert
    const error = await rejection(agents.get(ORG, agent.id));
    expect(error.kind).toBe('not_found');
  });

  it('removes the registration when given the id', async () => {
    // Arrange
    const { agents } = await setup();
    const agent = await agents.register(ORG, { name: 'web_crawler' });

    // Act
    await agents.delete(ACTOR, agent.id);

    // Assert
    expect((await agents.list(ORG, {})).count).toBe(0);
  });

  it('keeps the memories naming the agent when the registration is removed', async () => {
    // Arrange
    const { agents, remember } = await setup();
    await agents.register(ORG, { name: 'web_crawler' });
    await remember(0, { agentId: 'web_crawler' });

    // Act
    await agents.delete(ACTOR, 'web_crawler');

    // Assert
    expect((await agents.stats(ORG, 'web_crawler')).memoryCount).toBe(1);
  });

  it('throws not_found when the agent is unknown', async () => {
    // Arrange
    const { agents } = await setup();

    // Act
    const error = await rejection(agents.delete(ACTOR, 'ghost'));

    // Assert
    expect(error.kind).toBe('not_found');
  });

  it('throws not_found and keeps the agent when it belongs to another org', async () => {
    // Arrange
    const { agents } = await setup();
    const theirs = await agents.register(OTHER_ORG, { name: 'web_crawler' });

    // Act
    const error = await rejection(agents.delete(ACTOR, theirs.id));

    // Assert
    expect(error.kind).toBe('not_found');
    expect(await agents.get(OTHER_ORG, theirs.id)).toEqual(theirs);
  });
});

describe('AgentService.stats', () => {
  it('counts memories and sessions under the registered name only when the agent is registered', async () => {
    // Arrange
    const { agents, sessions, remember, clock } = await setup();
    const agent = await agents.register(ORG, { name: 'web_crawler' });
    await remember(-2 * DAY, { agentId: 'web_crawler', memoryType: 'decision' });
    await remember(-DAY, { agentId: agent.id, eventType: 'error' });
    await remember(-DAY - 1, { agentId: 'web_crawler', eventType: 'error' });
    await remember(-HOUR, { agentId: 'web_crawler', eventType: 'error', memoryType: 'entity' });
    await remember(0, { agentId: agent.id });
    await remember(0, { agentId: 'someone_else' });
    await remember(0, { agentId: 'web_crawler' }, OTHER_ORG);
    const s1 = await sessions.create(ORG, { agentId: 'web_crawler' });
    await sessions.create(ORG, { agentId: agent.id });
    await sessions.create(ORG, { agentId: 'someone_else' });
    await sessions.create(OTHER_ORG, { agentId: 'web_crawler' });
    await sessions.update(ORG, s1.id, { status: 'closed' });
    clock.set(T0);

    // Act
    const stats = await agents.stats(ORG, 'web_crawler');

    // Assert
    expect(stats).toEqual({
      agentId: 'web_crawler',
      memoryCount: 3,
      memories24h: 1,
      errors24h: 1,
      sessionCount: 1,
      activeSessions: 0,
      memoryTypes: { decision: 1, episodic: 1, entity: 1 },
    });
  });

  it('reports the registered name and its counts when asked by id', async () => {
    // Arrange
    const { agents, remember } = await setup();
    const agent = await agents.register(ORG, { name: 'web_crawler' });
    await remember(0, { agentId: 'web_crawler' });
    await remember(0, { agentId: agent.id });

    // Act
    const stats = await agents.stats(ORG, agent.id);

    // Assert
    expect(stats).toMatchObject({ agentId: 'web_crawler', memoryCount: 1, memories24h: 1 });
  });

  it('works for an agent id that was never registered when memories use it', async () => {
    // Arrange
    const { agents, remember } = await setup();
    await remember(-HOUR, { agentId: 'agent_abc', eventType: 'error' });
    await remember(-3 * DAY, { agentId: 'agent_abc', memoryType: 'decision' });
    await remember(0, { agentId: 'agent_abc' });

    // Act
    const stats = await agents.stats(ORG, 'agent_abc');

    // Assert
    expect(stats).toEqual({
      agentId: 'agent_abc',
      memoryCount: 3,
      memories24h: 2,
      errors24h: 1,
      sessionCount: 0,
      activeSessions: 0,
      memoryTypes: { episodic: 2, decision: 1 },
    });
  });

  it('reports the sessions when only sessions use the agent id', async () => {
    // Arrange
    const { agents, sessions } = await setup();
    await sessions.create(ORG, { agentId: 'agent_abc' });

    // Act
    const stats = await agents.stats(ORG, 'agent_abc');

    // Assert
    expect(stats).toMatchObject({
      memoryCount: 0,
      sessionCount: 1,
      activeSessions: 1,
      memoryTypes: {},
    });
  });

  it('returns zero counts when a registered agent has no memories', async () => {
    // Arrange
    const { agents } = await setup();
    await agents.register(ORG, { name: 'idle' });

    // Act
    const stats = await agents.stats(ORG, 'idle');

    // Assert
    expect(stats).toEqual({
      agentId: 'idle',
      memoryCount: 0,
      memories24h: 0,
      errors24h: 0,
      sessionCount: 0,
      activeSessions: 0,
      memoryTypes: {},
    });
  });

  it('throws not_found when the org knows nothing of the agent id', async () => {
    // Arrange
    const { agents, remember } = await setup();
    await remember(0, { agentId: 'agent_abc' }, OTHER_ORG);

    // Act
    const error = await rejection(agents.stats(ORG, 'agent_abc'));

    // Assert
    expect(error.kind).toBe('not_found');
    expect(error.code).toBe('AGENT_NOT_FOUND');
  });
});
