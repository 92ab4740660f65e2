import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import {
  DomainError,
  type MemoryFilter,
  type MemoryStore,
  type Principal,
} from '../../../domain/index.js';
import { createMemtrace, type StorageBundle } from '../../../src/core.js';
import { FixedClock } from '../../support/fixed-clock.js';
import { SequentialIds } from '../../support/sequential-ids.js';
import { rejection } from '../../support/domain-errors.js';

const T0 = Date.UTC(2026, 1, 7, 20, 15, 0);
const ORG = 'org_a';
const WRITER: Principal = { orgId: ORG, keyId: 'key_writer', permissions: ['read', 'write'] };

/**
 * The in-memory storage whose next memory delete runs a hook before it (a failure) or after it
 * (a write racing the rest of the delete): what happens between the steps of a cascade.
 */
async function setup() {
  const storage = await createInMemoryStorage();
  type Hook = { when: 'before' | 'after'; run: (filter: MemoryFilter) => Promise<void> };
  let next: Hook | null = null;
  const memories: MemoryStore = Object.create(storage.memories) as MemoryStore;
  memories.delete = async (orgId, filter) => {
    const hook = next;
    next = null;
    if (hook?.when === 'before') await hook.run(filter);
    const n = await storage.memories.delete(orgId, filter);
    if (hook?.when === 'after') await hook.run(filter);
    return n;
  };
  const bundle: StorageBundle = { ...storage, memories };
  const clock = new FixedClock(T0);
  const core = createMemtrace({
    storage: bundle,
    clock,
    ids: new SequentialIds(),
    dedup: { enabled: false, windowHours: 24 },
  });
  const onNextDelete = (when: Hook['when'], run: Hook['run']) => {
    next = { when, run };
  };
  const contents = async () =>
    (await core.memories.list(ORG, { since: '30d', limit: 1000 })).memories.map((m) => m.content);
  return { core, clock, onNextDelete, contents };
}

const unavailable = () =>
  new DomainError('unavailable', 'STORAGE_UNAVAILABLE', 'storage unavailable: test; try again');

describe('SessionService.delete', () => {
  it('keeps a memory written while the session is deleted, and the session comes back new', async () => {
    // Arrange
    const { core, clock, onNextDelete } = await setup();
    const session = await core.sessions.create(ORG, { agentId: 'a', metadata: { task: 'x' } });
    await core.memories.create(ORG, { agentId: 'a', sessionId: session.id, content: 'old' });
    clock.advance(1_000);
    // Lands after the memories are deleted and before the session is: the session still exists.
    onNextDelete('after', async () => {
      await core.memories.create(ORG, { agentId: 'b', sessionId: session.id, content: 'raced' });
    });

    // Act
    const outcome = await core.sessions.delete(WRITER, session.id);

    // Assert
    expect(outcome).toEqual({ memoriesDeleted: 1 });
    const again = await core.sessions.get(ORG, session.id);
    expect(again).toMatchObject({
      agentId: 'b',
      status: 'active',
      metadata: {},
      createdAt: T0 + 1_000,
    });
    const left = await core.memories.list(ORG, { sessionId: session.id, limit: 10 });
    expect(left.memories.map((m) => m.content)).toEqual(['raced']);
  });

  it('finishes the job on a retry when deleting the memories failed the first time', async () => {
    // Arrange
    const { core, onNextDelete, contents } = await setup();
    const session = await core.sessions.create(ORG, { agentId: 'a' });
    await core.memories.create(ORG, { agentId: 'a', sessionId: session.id, content: 'one' });
    onNextDelete('before', async () => {
      throw unavailable();
    });

    // Act
    const failed = await rejection(core.sessions.delete(WRITER, session.id));
    const kept = await core.sessions.get(ORG, session.id);
    const retried = await core.sessions.delete(WRITER, session.id);

    // Assert
    expect(failed.kind).toBe('unavailable');
    expect(kept.id).toBe(session.id);
    expect(retried).toEqual({ memoriesDeleted: 1 });
    expect(await contents()).toEqual([]);
    expect((await rejection(core.sessions.get(ORG, session.id))).kind).toBe('not_found');
  });
});

describe('AgentService.delete with cascade', () => {
  it('keeps the registration and everything after a failing step, and a retry finishes', async () => {
    // Arrange
    const { core, onNextDelete, contents } = await setup();
    await core.agents.register(ORG, { name: 'crawler' });
    const session = await core.sessions.create(ORG, { agentId: 'crawler' });
    await core.memories.create(ORG, { agentId: 'crawler', sessionId: session.id, content: 'x' });
    onNextDelete('before', async () => {
      throw unavailable();
    });

    // Act
    const failed = await rejection(core.agents.delete(WRITER, 'crawler', { cascade: true }));
    const before = { agent: await core.agents.get(ORG, 'crawler'), memories: await contents() };
    const retried = await core.agents.delete(WRITER, 'crawler', { cascade: true });

    // Assert
    expect(failed.kind).toBe('unavailable');
    expect(before.memories).toEqual(['x']);
    expect(retried).toMatchObject({ cascade: true, memoriesDeleted: 1, sessionsDeleted: 1 });
    expect(await contents()).toEqual([]);
    expect((await rejection(core.sessions.get(ORG, session.id))).kind).toBe('not_found');
    expect((await rejection(core.agents.get(ORG, 'crawler'))).kind).toBe('not_found');
  });

  it('deletes the memories other agents wrote in its sessions, so no session comes back', async () => {
    // Arrange
    const { core, contents } = await setup();
    await core.agents.register(ORG, { name: 'crawler' });
    const session = await core.sessions.create(ORG, { agentId: 'crawler' });
    await core.memories.create(ORG, { agentId: 'helper', sessionId: session.id, content: 'h' });
    await core.memories.create(ORG, { agentId: 'helper', content: 'kept' });

    // Act
    const outcome = await core.agents.delete(WRITER, 'crawler', { cascade: true });

    // Assert
    expect(outcome).toMatchObject({ memoriesDeleted: 1, sessionsDeleted: 1 });
    expect(await contents()).toEqual(['kept']);
    expect((await rejection(core.sessions.get(ORG, session.id))).kind).toBe('not_found');
  });
});
