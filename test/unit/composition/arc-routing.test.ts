import { describe, expect, it } from 'vitest';
import { DomainError, type ArcRoute } from '../../../domain/index.js';
import {
  ArcRoutingChanges,
  createRoutedArcResolver,
  orgArcRouting,
  type ArcRouteSource,
} from '../../../src/arc-routing.js';
import { createMemtrace } from '../../../src/core.js';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import { anApiKey, anOrg } from '../../support/builders.js';
import { FixedClock } from '../../support/fixed-clock.js';

const ROUTED: ArcRoute = {
  url: 'http://127.0.0.1:9001',
  database: 'acme',
  measurement: 'agent_events',
  apiKey: 'arc-secret',
};

/** The config-level default: every org in memtrace_<org> on the default server. */
const fallback = async (orgId: string) => ({
  url: 'http://127.0.0.1:9000',
  apiKey: null,
  database: `memtrace_${orgId}`,
  measurement: 'events',
});

/** A route source whose answers a test sets, counting reads. */
class FakeSource implements ArcRouteSource {
  routes = new Map<string, ArcRoute>();
  reads = 0;
  failNext: Error | null = null;
  pending: (() => void)[] = [];
  slow = false;

  async routeFor(orgId: string): Promise<ArcRoute | null> {
    this.reads++;
    if (this.slow) await new Promise<void>((resolve) => this.pending.push(resolve));
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
    return this.routes.get(orgId) ?? null;
  }
}

function setup(cacheTtlMs = 1000) {
  const source = new FakeSource();
  const clock = new FixedClock(0);
  const resolve = createRoutedArcResolver(source, fallback, { cacheTtlMs, now: () => clock.now() });
  return { source, clock, resolve };
}

describe('createRoutedArcResolver', () => {
  it('returns the fallback target when the org has no instance of its own', async () => {
    const { resolve } = setup();
    expect(await resolve('org_a')).toEqual(await fallback('org_a'));
  });

  it("returns the org's own instance, with its key and measurement, when one is configured", async () => {
    const { source, resolve } = setup();
    source.routes.set('org_a', ROUTED);
    expect(await resolve('org_a')).toEqual(ROUTED);
    expect(await resolve('org_b')).toEqual(await fallback('org_b'));
  });

  it('reads the source once per org within the TTL', async () => {
    const { source, clock, resolve } = setup(1000);
    await resolve('org_a');
    clock.advance(999);
    await resolve('org_a');
    expect(source.reads).toBe(1);
    await resolve('org_b');
    expect(source.reads).toBe(2);
  });

  it('sees a change made elsewhere once the TTL has passed, without a restart', async () => {
    // Arrange
    const { source, clock, resolve } = setup(1000);
    expect(await resolve('org_a')).toEqual(await fallback('org_a'));

    // Act: another process routes the org
    source.routes.set('org_a', ROUTED);
    const before = await resolve('org_a');
    clock.advance(1000);
    const after = await resolve('org_a');

    // Assert
    expect(before).toEqual(await fallback('org_a'));
    expect(after).toEqual(ROUTED);
  });

  it('sees a change at once after invalidate(orgId), and every org after invalidate()', async () => {
    const { source, resolve } = setup(2000);
    await resolve('org_a');
    await resolve('org_b');
    source.routes.set('org_a', ROUTED);
    source.routes.set('org_b', { ...ROUTED, database: 'b' });
    resolve.invalidate('org_a');
    expect(await resolve('org_a')).toEqual(ROUTED);
    expect((await resolve('org_b')).database).toBe('memtrace_org_b');
    resolve.invalidate();
    expect((await resolve('org_b')).database).toBe('b');
  });

  it('shares one read among concurrent lookups of an org', async () => {
    const { source, resolve } = setup();
    source.slow = true;
    const lookups = Promise.all([resolve('org_a'), resolve('org_a'), resolve('org_a')]);
    await Promise.resolve();
    source.pending.forEach((done) => done());
    await lookups;
    expect(source.reads).toBe(1);
  });

  it('does not cache a failed read, and does not fall back when the read fails', async () => {
    // Arrange
    const { source, resolve } = setup();
    source.routes.set('org_a', ROUTED);
    source.failNext = new DomainError('unavailable', 'SECRET_UNREADABLE', 'cannot open');

    // Act
    const failed = resolve('org_a');

    // Assert
    await expect(failed).rejects.toMatchObject({ code: 'SECRET_UNREADABLE' });
    expect(await resolve('org_a')).toEqual(ROUTED);
    expect(source.reads).toBe(2);
  });

  it('reads every time with a TTL of 0', async () => {
    const { source, resolve } = setup(0);
    await resolve('org_a');
    await resolve('org_a');
    expect(source.reads).toBe(2);
  });

  it.each([-1, 2001, Number.NaN])('refuses a TTL of %s (at most 2 s)', (ttl) => {
    expect(() => createRoutedArcResolver(new FakeSource(), fallback, { cacheTtlMs: ttl })).toThrow(
      /cacheTtlMs must be from 0 to 2000/,
    );
  });
});

describe('orgArcRouting', () => {
  const MASTER = 'c3'.repeat(32);

  async function server() {
    const storage = await createInMemoryStorage();
    const org = anOrg();
    await storage.auth.createOrg(org, anApiKey({ orgId: org.id }));
    const changes = new ArcRoutingChanges();
    const admin = createMemtrace({
      storage,
      masterKey: MASTER,
      clock: new FixedClock(0),
    }).arcInstances;
    admin.onChange((orgId) => changes.notify(orgId));
    const resolve = orgArcRouting({
      arcInstances: storage.arcInstances,
      orgs: storage.auth,
      masterKey: MASTER,
      fallback,
      changes,
      cacheTtlMs: 2000,
    });
    return { orgId: org.id, admin, resolve };
  }

  it("applies the admin route's changes at once, with the key opened", async () => {
    // Arrange
    const { orgId, admin, resolve } = await server();
    expect(await resolve(orgId)).toEqual(await fallback(orgId));

    // Act
    await admin.configure(orgId, {
      url: ROUTED.url,
      database: ROUTED.database,
      measurement: ROUTED.measurement,
      apiKey: 'arc-secret',
    });
    const routed = await resolve(orgId);
    await admin.remove(orgId);
    const back = await resolve(orgId);

    // Assert
    expect(routed).toEqual(ROUTED);
    expect(back).toEqual(await fallback(orgId));
  });

  it('rejects with unavailable, never falling back, when the key was sealed under another master key', async () => {
    // Arrange
    const { storage, orgId } = await storeWithSealedKey('c3'.repeat(32));
    const resolve = orgArcRouting({
      arcInstances: storage.arcInstances,
      orgs: storage.auth,
      masterKey: 'd4'.repeat(32),
      fallback,
    });

    // Act
    const target = resolve(orgId);

    // Assert
    await expect(target).rejects.toMatchObject({ kind: 'unavailable', code: 'SECRET_UNREADABLE' });
  });
});

/** A store whose one org is routed to ROUTED, its key sealed under `masterKey`. */
async function storeWithSealedKey(masterKey: string) {
  const storage = await createInMemoryStorage();
  const org = anOrg();
  await storage.auth.createOrg(org, anApiKey({ orgId: org.id }));
  await createMemtrace({ storage, masterKey, clock: new FixedClock(0) }).arcInstances.configure(
    org.id,
    { url: ROUTED.url, database: 'acme', apiKey: 'arc-secret' },
  );
  return { storage, orgId: org.id };
}
