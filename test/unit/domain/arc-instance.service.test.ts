import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import { arcApiKeyContext, DomainError, type SecretBox } from '../../../domain/index.js';
import { createMemtrace } from '../../../src/core.js';
import { rejection } from '../../support/domain-errors.js';
import { anApiKey, anOrg } from '../../support/builders.js';
import { FixedClock } from '../../support/fixed-clock.js';

const T0 = Date.UTC(2026, 1, 13, 10, 30, 0);
const ORG = 'org_000000000000000000000001';

/** Reversible and visible on purpose: the domain must treat sealed strings as opaque. */
class FakeSecretBox implements SecretBox {
  seal(plaintext: string, context: string): string {
    return `sealed(${context}):${[...plaintext].reverse().join('')}`;
  }
  open(sealed: string, context: string): string {
    const prefix = `sealed(${context}):`;
    if (!sealed.startsWith(prefix)) {
      throw new DomainError('unavailable', 'SECRET_UNREADABLE', 'cannot open');
    }
    return [...sealed.slice(prefix.length)].reverse().join('');
  }
}

async function setup(secrets: SecretBox = new FakeSecretBox()) {
  const storage = await createInMemoryStorage();
  await storage.auth.createOrg(anOrg({ id: ORG }), anApiKey({ orgId: ORG }));
  const clock = new FixedClock(T0);
  const service = createMemtrace({ storage, clock, secrets }).arcInstances;
  const changes: string[] = [];
  service.onChange((orgId) => changes.push(orgId));
  return { service, clock, store: storage.arcInstances, changes };
}

const VALID = { url: 'https://arc.acme.internal:8000/', database: 'acme' };

describe('ArcInstanceService.configure', () => {
  it('creates the instance with the default measurement when none is given', async () => {
    // Arrange
    const { service, store, changes } = await setup();

    // Act
    const result = await service.configure(ORG, { ...VALID, apiKey: 'arc-secret' });

    // Assert
    expect(result).toEqual({
      created: true,
      instance: {
        orgId: ORG,
        url: 'https://arc.acme.internal:8000',
        database: 'acme',
        measurement: 'events',
        apiKeySet: true,
        createdAt: T0,
        updatedAt: T0,
      },
    });
    expect((await store.get(ORG))?.apiKeySealed).toBe(
      `sealed(${arcApiKeyContext(ORG)}):terces-cra`,
    );
    expect(changes).toEqual([ORG]);
  });

  it('replaces every field and keeps createdAt when configured again', async () => {
    // Arrange
    const { service, clock } = await setup();
    await service.configure(ORG, { ...VALID, apiKey: 'arc-secret' });
    clock.advance(60_000);

    // Act
    const result = await service.configure(ORG, {
      url: 'http://127.0.0.1:9000',
      database: 'other_db',
      measurement: 'agent-events',
    });

    // Assert
    expect(result.created).toBe(false);
    expect(result.instance).toEqual({
      orgId: ORG,
      url: 'http://127.0.0.1:9000',
      database: 'other_db',
      measurement: 'agent-events',
      apiKeySet: false,
      createdAt: T0,
      updatedAt: T0 + 60_000,
    });
  });

  it.each([
    ['url', { ...VALID, url: 'ftp://arc.example.com' }],
    ['url', { ...VALID, url: 'https://user:pw@arc.example.com' }],
    ['url', { ...VALID, url: 'https://arc.example.com/?x=1' }],
    ['url', { ...VALID, url: 'https://' }],
    ['url', { ...VALID, url: `https://a.com/${'p'.repeat(2048)}` }],
    ['database', { ...VALID, database: '1acme' }],
    ['database', { ...VALID, database: 'acme db' }],
    ['database', { ...VALID, database: 'a'.repeat(65) }],
    ['measurement', { ...VALID, measurement: '_events' }],
    ['measurement', { ...VALID, measurement: 'ev.ents' }],
    ['measurement', { ...VALID, measurement: 'e'.repeat(129) }],
    ['api_key', { ...VALID, apiKey: '' }],
    ['api_key', { ...VALID, apiKey: 'has space' }],
    ['api_key', { ...VALID, apiKey: 'line\r\nbreak' }],
    ['api_key', { ...VALID, apiKey: 'k'.repeat(1025) }],
  ])('rejects an invalid %s, naming it and storing nothing (%#)', async (field, input) => {
    // Arrange
    const { service, store, changes } = await setup();

    // Act
    const e = await rejection(service.configure(ORG, input));

    // Assert
    expect(e.kind).toBe('invalid');
    expect(e.message.startsWith(`${field} `)).toBe(true);
    expect(await store.get(ORG)).toBeNull();
    expect(changes).toEqual([]);
  });

  it('accepts the longest database and measurement names the rules allow', async () => {
    const { service } = await setup();
    const { instance } = await service.configure(ORG, {
      ...VALID,
      database: 'a'.repeat(64),
      measurement: 'm'.repeat(128),
    });
    expect(instance.database).toHaveLength(64);
    expect(instance.measurement).toHaveLength(128);
  });

  it('never repeats the API key in an error message', async () => {
    const { service } = await setup();
    const e = await rejection(service.configure(ORG, { ...VALID, apiKey: 'leak me\n' }));
    expect(e.message).not.toContain('leak me');
  });

  it('rejects an unknown org with not_found', async () => {
    const { service } = await setup();
    const e = await rejection(service.configure('org_nope', VALID));
    expect([e.kind, e.code]).toEqual(['not_found', 'ORG_NOT_FOUND']);
  });

  it('fails as the secret box does when it cannot seal, storing nothing', async () => {
    // Arrange
    const failing: SecretBox = {
      seal: () => {
        throw new DomainError(
          'unavailable',
          'MASTER_KEY_MISSING',
          'MEMTRACE_MASTER_KEY is not set',
        );
      },
      open: () => '',
    };
    const { service, store } = await setup(failing);

    // Act
    const e = await rejection(service.configure(ORG, { ...VALID, apiKey: 'k' }));

    // Assert
    expect(e.code).toBe('MASTER_KEY_MISSING');
    expect(await store.get(ORG)).toBeNull();
  });

  it('needs no master key when the instance has no API key', async () => {
    const failing: SecretBox = {
      seal: () => {
        throw new Error('must not be called');
      },
      open: () => {
        throw new Error('must not be called');
      },
    };
    const { service } = await setup(failing);
    await service.configure(ORG, VALID);
    expect(await service.routeFor(ORG)).toMatchObject({ apiKey: null });
  });
});

describe('ArcInstanceService.show, remove and list', () => {
  it('shows whether a key is set, never the key', async () => {
    const { service } = await setup();
    await service.configure(ORG, { ...VALID, apiKey: 'arc-secret' });
    const shown = await service.show(ORG);
    expect(shown).toMatchObject({ apiKeySet: true });
    expect(JSON.stringify(shown)).not.toContain('arc-secret');
    expect(JSON.stringify(await service.list())).not.toContain('terces');
  });

  it('shows null for an org routed to the default instance, not_found for an unknown org', async () => {
    const { service } = await setup();
    expect(await service.show(ORG)).toBeNull();
    expect((await rejection(service.show('org_nope'))).code).toBe('ORG_NOT_FOUND');
  });

  it('removes once and tells listeners only when something was removed', async () => {
    const { service, changes } = await setup();
    await service.configure(ORG, VALID);
    expect(await service.remove(ORG)).toBe(true);
    expect(await service.remove(ORG)).toBe(false);
    expect(changes).toEqual([ORG, ORG]);
    expect((await rejection(service.remove('org_nope'))).code).toBe('ORG_NOT_FOUND');
  });

  it('lists every instance by org id', async () => {
    const { service } = await setup();
    await service.configure(ORG, VALID);
    expect((await service.list()).map((i) => i.orgId)).toEqual([ORG]);
  });
});

describe('ArcInstanceService.routeFor', () => {
  it('returns the route with the key opened', async () => {
    const { service } = await setup();
    await service.configure(ORG, { ...VALID, measurement: 'mem', apiKey: 'arc-secret' });
    expect(await service.routeFor(ORG)).toEqual({
      url: 'https://arc.acme.internal:8000',
      database: 'acme',
      measurement: 'mem',
      apiKey: 'arc-secret',
    });
  });

  it('returns null when the org has no instance of its own', async () => {
    const { service } = await setup();
    expect(await service.routeFor(ORG)).toBeNull();
  });

  it('fails rather than route elsewhere when a sealed key was moved to another org', async () => {
    // Arrange
    const { service, store } = await setup();
    await service.configure(ORG, { ...VALID, apiKey: 'arc-secret' });
    const stored = await store.get(ORG);
    await store.put({ ...stored!, apiKeySealed: `sealed(${arcApiKeyContext('org_x')}):k` });

    // Act
    const e = await rejection(service.routeFor(ORG));

    // Assert
    expect([e.kind, e.code]).toEqual(['unavailable', 'SECRET_UNREADABLE']);
  });
});
