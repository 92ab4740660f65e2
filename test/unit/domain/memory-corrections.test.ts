import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import { applyMemoryPatch, toMemoryPatch } from '../../../domain/index.js';
import { createMemtrace } from '../../../src/core.js';
import { aMemory } from '../../support/builders.js';
import { rejection, thrown } from '../../support/domain-errors.js';
import { FixedClock } from '../../support/fixed-clock.js';
import { SequentialIds } from '../../support/sequential-ids.js';

const ORG = 'org_a';

async function setup() {
  const storage = await createInMemoryStorage();
  const clock = new FixedClock(Date.UTC(2026, 1, 7, 20, 15, 0));
  const dedup = { enabled: true, windowHours: 24 };
  const service = createMemtrace({ storage, clock, ids: new SequentialIds(), dedup }).memories;
  return { service, storage };
}

describe('toMemoryPatch', () => {
  it.each(['content', 'agent_id', 'memory_type', 'event_type', 'session_id'])(
    'refuses %s, saying a correction is a new memory with supersedes',
    (field) => {
      const e = thrown(() => toMemoryPatch({ [field]: 'x', importance: 1 }));
      expect(e.kind).toBe('invalid');
      expect(e.message).toMatch(new RegExp(`^${field} cannot be changed`));
      expect(e.message).toContain('supersedes');
    },
  );

  it('refuses an unknown field, an empty patch and values that break their rules', () => {
    expect(thrown(() => toMemoryPatch({ dedup_key: 'k' })).message).toMatch(/^dedup_key cannot be/);
    expect(thrown(() => toMemoryPatch({})).message).toMatch(/at least one of/);
    expect(thrown(() => toMemoryPatch({ importance: 1.5 })).message).toMatch(/^importance/);
    expect(thrown(() => toMemoryPatch({ importance: '1' })).message).toMatch(/^importance/);
    expect(thrown(() => toMemoryPatch({ tags: ['a b'] })).message).toMatch(/^tags\[0\]/);
    expect(thrown(() => toMemoryPatch({ metadata: [1] })).message).toMatch(/^metadata/);
    expect(thrown(() => toMemoryPatch({ metadata: { a: 'x'.repeat(100) } }, 50)).kind).toBe(
      'invalid',
    );
  });

  it('keeps only the fields given, with the metadata limit', () => {
    expect(toMemoryPatch({ tags: ['a', 'a', 'b'] }, 10)).toEqual({
      tags: ['a', 'b'],
      maxMetadataBytes: 10,
    });
  });

  it('takes pinned and expires_at (a future time or null), never pinned with an expiry', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const soon = '2026-01-01T01:00:00Z';
    expect(toMemoryPatch({ pinned: true, expires_at: null }, 10, now)).toEqual({
      pinned: true,
      expiresAt: null,
      maxMetadataBytes: 10,
    });
    expect(toMemoryPatch({ expires_at: soon }, 10, now).expiresAt).toBe(now + 3_600_000);
    const bad = (input: Record<string, unknown>) => thrown(() => toMemoryPatch(input, 10, now));
    expect(bad({ expires_at: '2025-12-31T23:00:00Z' }).message).toBe(
      'expires_at must be in the future',
    );
    expect(bad({ expires_at: 5 }).message).toMatch(/^expires_at must be an ISO 8601 time/);
    expect(bad({ expires_at: 'soon' }).message).toMatch(/^expires_at/);
    expect(bad({ pinned: 'yes' }).message).toBe('pinned must be true or false');
    expect(bad({ pinned: true, expires_at: soon }).message).toMatch(/^pinned must not be given/);
  });
});

describe('applyMemoryPatch', () => {
  it('clears the expiry of a memory it pins, and refuses an expiry on one that stays pinned', () => {
    const m = aMemory({ expiresAt: 5_000 });
    expect(applyMemoryPatch(m, { pinned: true })).toMatchObject({ pinned: true, expiresAt: null });
    const pinned = aMemory({ pinned: true });
    expect(thrown(() => applyMemoryPatch(pinned, { expiresAt: 9_000 })).kind).toBe('invalid');
    expect(applyMemoryPatch(pinned, { pinned: false, expiresAt: 9_000 })).toMatchObject({
      pinned: false,
      expiresAt: 9_000,
    });
    expect(applyMemoryPatch(m, { expiresAt: null }).expiresAt).toBeNull();
  });

  it('merges metadata key by key, keeps key order, removes null keys and a __proto__ key stays a key', () => {
    const m = aMemory({ metadata: { a: 1, b: 2, c: 3 } });
    const patch = JSON.parse('{"metadata":{"b":null,"__proto__":{"x":1},"a":9}}') as {
      metadata: Record<string, unknown>;
    };
    const next = applyMemoryPatch(m, patch);
    expect(JSON.stringify(next.metadata)).toBe('{"a":9,"c":3,"__proto__":{"x":1}}');
    expect(next.content).toBe(m.content);
  });
});

describe('MemoryService.update and history', () => {
  it('answers not_found for an unknown memory and invalid for a bad id', async () => {
    const { service } = await setup();
    expect((await rejection(service.update(ORG, 'mem_unknown', { importance: 1 }))).kind).toBe(
      'not_found',
    );
    expect((await rejection(service.update(ORG, '../x', { importance: 1 }))).kind).toBe('invalid');
  });

  it('returns the chain oldest first from any version, and ends it at a forgotten version', async () => {
    // Arrange
    const { service } = await setup();
    const v1 = await service.create(ORG, { agentId: 'a', content: 'v1' });
    const v2 = await service.create(ORG, { agentId: 'a', content: 'v2', supersedes: v1.id });
    const v3 = await service.create(ORG, { agentId: 'a', content: 'v3', supersedes: v2.id });

    // Act
    const fromMiddle = await service.history(ORG, v2.id);
    await service.delete({ orgId: ORG, keyId: 'key_1', permissions: ['write'] }, v3.id);
    const afterForget = await service.history(ORG, v1.id);

    // Assert
    expect(fromMiddle.map((m) => m.content)).toEqual(['v1', 'v2', 'v3']);
    expect(afterForget.map((m) => m.content)).toEqual(['v1', 'v2']);
    expect(afterForget[1]?.supersededBy).toBe(v3.id);
  });

  it('forgets superseded versions with the filter that matches them', async () => {
    const { service } = await setup();
    const v1 = await service.create(ORG, { agentId: 'gone', content: 'v1' });
    await service.create(ORG, { agentId: 'gone', content: 'v2', supersedes: v1.id });
    const actor = { orgId: ORG, keyId: 'key_1', permissions: ['write' as const] };
    expect(await service.forget(actor, { agentId: 'gone', dryRun: true })).toEqual({
      count: 2,
      dryRun: true,
    });
    expect((await service.forget(actor, { agentId: 'gone' })).count).toBe(2);
    expect((await rejection(service.get(ORG, v1.id))).kind).toBe('not_found');
  });
});
