import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import {
  AUTH_CACHE_TTL_MS,
  CachedAuthStore,
  type ApiKey,
  type AuthStore,
  type Org,
} from '../../../domain/index.js';
import { createMemtrace } from '../../../src/core.js';
import { FixedClock } from '../../support/fixed-clock.js';
import { SequentialIds } from '../../support/sequential-ids.js';
import { rejection } from '../../support/domain-errors.js';

const T0 = Date.UTC(2026, 1, 13, 10, 30, 0);
const org: Org = { id: 'org_a', name: 'A', createdAt: T0, retentionMs: null };
const key = (id: string, hash: string, permissions: ApiKey['permissions'] = ['admin']): ApiKey => ({
  id,
  orgId: org.id,
  name: id,
  keyHash: hash,
  permissions,
  createdAt: T0,
  revokedAt: null,
});

/** An AuthStore counting the reads that reach it. */
async function counted() {
  const store = (await createInMemoryStorage()).auth;
  const reads = { keys: 0, orgs: 0 };
  const inner: AuthStore = Object.assign(Object.create(store) as AuthStore, {
    findKeyByHash: (h: string) => {
      reads.keys++;
      return store.findKeyByHash(h);
    },
    findOrg: (id: string) => {
      reads.orgs++;
      return store.findOrg(id);
    },
  });
  const clock = new FixedClock(T0);
  const cached = new CachedAuthStore(inner, clock);
  await cached.createOrg(org, key('key_1', 'h1'));
  await cached.createKey(key('key_2', 'h2'));
  return { store, reads, clock, cached };
}

describe('CachedAuthStore', () => {
  it('reads a key and an org from the store once while they are fresh', async () => {
    // Arrange
    const { reads, cached } = await counted();

    // Act
    for (let i = 0; i < 5; i++) {
      await cached.findKeyByHash('h1');
      await cached.findOrg(org.id);
    }

    // Assert
    expect(reads).toEqual({ keys: 1, orgs: 1 });
  });

  it('answers a revocation made through it at once', async () => {
    // Arrange
    const { cached } = await counted();
    expect((await cached.findKeyByHash('h2'))?.revokedAt).toBeNull();

    // Act
    expect(await cached.revokeKey(org.id, 'key_2', T0 + 1)).toBe('revoked');

    // Assert
    expect((await cached.findKeyByHash('h2'))?.revokedAt).toBe(T0 + 1);
  });

  it('answers a retention set through it at once', async () => {
    // Arrange
    const { cached } = await counted();
    expect((await cached.findOrg(org.id))?.retentionMs).toBeNull();

    // Act
    await cached.setRetention(org.id, 60_000);

    // Assert
    expect((await cached.findOrg(org.id))?.retentionMs).toBe(60_000);
  });

  it('sees a change made behind it (another process) within its TTL, not later', async () => {
    // Arrange
    const { store, clock, cached } = await counted();
    await cached.findKeyByHash('h2');
    await cached.findOrg(org.id);

    // Act: another server revokes the key and sets the retention in the shared store.
    await store.revokeKey(org.id, 'key_2', T0 + 1);
    await store.setRetention(org.id, 5_000);
    clock.advance(AUTH_CACHE_TTL_MS - 1);
    const during = [
      (await cached.findKeyByHash('h2'))?.revokedAt,
      (await cached.findOrg(org.id))?.retentionMs,
    ];
    clock.advance(1);
    const after = [
      (await cached.findKeyByHash('h2'))?.revokedAt,
      (await cached.findOrg(org.id))?.retentionMs,
    ];

    // Assert
    expect(during).toEqual([null, null]);
    expect(after).toEqual([T0 + 1, 5_000]);
  });

  it('does not keep the answer of a read that was running when a revocation landed', async () => {
    // Arrange: a store whose key read answers only when the test says so.
    const { store } = await counted();
    let release: () => void = () => undefined;
    const slow: AuthStore = Object.assign(Object.create(store) as AuthStore, {
      findKeyByHash: async (h: string) => {
        const before = await store.findKeyByHash(h);
        await new Promise<void>((r) => (release = r));
        return before;
      },
    });
    const cached = new CachedAuthStore(slow, new FixedClock(T0));

    // Act: the read takes the key before the revocation, and answers after it.
    const running = cached.findKeyByHash('h2');
    await new Promise((r) => setImmediate(r));
    await cached.revokeKey(org.id, 'key_2', T0 + 1);
    release();
    const stale = await running;
    const next = cached.findKeyByHash('h2');
    await new Promise((r) => setImmediate(r));
    release();

    // Assert
    expect(stale?.revokedAt).toBeNull();
    expect((await next)?.revokedAt).toBe(T0 + 1);
  });

  it('keeps no missing key, so a key made by another process works at its first request', async () => {
    // Arrange
    const { store, cached } = await counted();
    expect(await cached.findKeyByHash('h3')).toBeNull();

    // Act
    await store.createKey(key('key_3', 'h3'));

    // Assert
    expect((await cached.findKeyByHash('h3'))?.id).toBe('key_3');
  });
});

describe('AuthService over the cache', () => {
  it('refuses a key at its next request once it is revoked, however often it was used', async () => {
    // Arrange
    const storage = await createInMemoryStorage();
    const { auth } = createMemtrace({
      storage,
      clock: new FixedClock(T0),
      ids: new SequentialIds(),
    });
    const admin = (await auth.bootstrap()) as string;
    const issued = await auth.createKey('org_default', 'temp', ['read']);
    for (let i = 0; i < 3; i++) await auth.authenticate(issued.apiKey);

    // Act
    await auth.revokeKey('org_default', issued.key.id);

    // Assert
    expect((await rejection(auth.authenticate(issued.apiKey))).code).toBe('INVALID_API_KEY');
    expect((await auth.authenticate(admin)).orgId).toBe('org_default');
  });
});
