import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import { API_KEY_PATTERN, DEFAULT_ORG_ID, type Principal } from '../../../domain/index.js';
import { createMemtrace } from '../../../src/core.js';
import { FixedClock } from '../../support/fixed-clock.js';
import { SequentialIds } from '../../support/sequential-ids.js';
import { rejection, thrown } from '../../support/domain-errors.js';

const T0 = Date.UTC(2026, 1, 13, 10, 30, 0);
const GIVEN_KEY = 'mtk_' + 'A'.repeat(40) + '-_z';

async function setup() {
  const storage = await createInMemoryStorage();
  const clock = new FixedClock(T0);
  const { auth } = createMemtrace({ storage, clock, ids: new SequentialIds() });
  return { auth, clock, store: storage.auth };
}

/** A set-up service with the default org bootstrapped; returns its admin key. */
async function bootstrapped() {
  const ctx = await setup();
  const adminKey = (await ctx.auth.bootstrap()) as string;
  return { ...ctx, adminKey };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('AuthService.bootstrap', () => {
  it('creates the default org and an admin key when the store is empty', async () => {
    // Arrange
    const { auth } = await setup();

    // Act
    const apiKey = await auth.bootstrap();

    // Assert
    expect(apiKey).toMatch(API_KEY_PATTERN);
    expect(await auth.listOrgs()).toEqual([
      { id: DEFAULT_ORG_ID, name: 'Default', createdAt: T0, retentionMs: null },
    ]);
    expect(await auth.authenticate(apiKey as string)).toEqual({
      orgId: DEFAULT_ORG_ID,
      keyId: 'key_000000000000000000000001',
      permissions: ['read', 'write', 'admin'],
    });
  });

  it('returns null and creates nothing when an org already exists', async () => {
    // Arrange
    const { auth, adminKey } = await bootstrapped();

    // Act
    const second = await auth.bootstrap();

    // Assert
    expect(second).toBeNull();
    expect(await auth.listOrgs()).toHaveLength(1);
    expect(await auth.listKeys(DEFAULT_ORG_ID)).toHaveLength(1);
    expect((await auth.authenticate(adminKey)).orgId).toBe(DEFAULT_ORG_ID);
  });

  it('uses the given key when a well-formed bootstrap key is given', async () => {
    // Arrange
    const { auth } = await setup();

    // Act
    const apiKey = await auth.bootstrap(GIVEN_KEY);

    // Assert
    expect(apiKey).toBe(GIVEN_KEY);
    expect((await auth.authenticate(GIVEN_KEY)).permissions).toEqual(['read', 'write', 'admin']);
  });

  it.each(['mtk_short', 'abc_' + 'A'.repeat(43), 'mtk_' + 'A'.repeat(42) + '=', ''])(
    "throws invalid and creates nothing when the bootstrap key is '%s'",
    async (bad) => {
      // Arrange
      const { auth } = await setup();

      // Act
      const error = await rejection(auth.bootstrap(bad));

      // Assert
      expect(error.kind).toBe('invalid');
      expect(error.message.startsWith('MEMTRACE_AUTH_BOOTSTRAP_KEY ')).toBe(true);
      expect(await auth.listOrgs()).toEqual([]);
    },
  );
});

describe('AuthService.authenticate', () => {
  it.each([undefined, ''])(
    'throws unauthorized MISSING_API_KEY when the key is %j',
    async (key) => {
      // Arrange
      const { auth } = await bootstrapped();

      // Act
      const error = await rejection(auth.authenticate(key));

      // Assert
      expect(error.kind).toBe('unauthorized');
      expect(error.code).toBe('MISSING_API_KEY');
    },
  );

  it.each([
    ['an unknown well-formed key', GIVEN_KEY],
    ['a malformed key', 'not-a-key'],
    ['a key with a wrong prefix', 'mtx_' + 'A'.repeat(43)],
  ])('throws unauthorized INVALID_API_KEY when given %s', async (_case, key) => {
    // Arrange
    const { auth } = await bootstrapped();

    // Act
    const error = await rejection(auth.authenticate(key));

    // Assert
    expect(error.kind).toBe('unauthorized');
    expect(error.code).toBe('INVALID_API_KEY');
  });

  it('throws unauthorized INVALID_API_KEY when the key was revoked', async () => {
    // Arrange
    const { auth, adminKey } = await bootstrapped();
    const admin = await auth.authenticate(adminKey);
    const issued = await auth.createKey(admin.orgId, 'ci');
    await auth.revokeKey(admin.orgId, issued.key.id);

    // Act
    const error = await rejection(auth.authenticate(issued.apiKey));

    // Assert
    expect(error.kind).toBe('unauthorized');
    expect(error.code).toBe('INVALID_API_KEY');
  });

  it('throws unauthorized INVALID_API_KEY when one character of a valid key is changed', async () => {
    // Arrange
    const { auth, adminKey } = await bootstrapped();
    const last = adminKey.at(-1) === 'A' ? 'B' : 'A';

    // Act
    const error = await rejection(auth.authenticate(adminKey.slice(0, -1) + last));

    // Assert
    expect(error.code).toBe('INVALID_API_KEY');
  });
});

describe('AuthService.authorize', () => {
  const reader: Principal = { orgId: 'org_a', keyId: 'key_1', permissions: ['read'] };

  it('passes when the principal has the permission', async () => {
    // Arrange
    const { auth } = await setup();

    // Act
    const act = () => auth.authorize(reader, 'read');

    // Assert
    expect(act).not.toThrow();
  });

  it.each(['write', 'admin'] as const)(
    'throws forbidden when a read key asks for %s',
    async (permission) => {
      // Arrange
      const { auth } = await setup();

      // Act
      const error = thrown(() => auth.authorize(reader, permission));

      // Assert
      expect(error.kind).toBe('forbidden');
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toContain(`'${permission}'`);
    },
  );
});

describe('AuthService.authorizeOperator', () => {
  it('passes when the principal is an admin of the default org', async () => {
    // Arrange
    const { auth } = await setup();
    const operator: Principal = {
      orgId: DEFAULT_ORG_ID,
      keyId: 'key_1',
      permissions: ['read', 'write', 'admin'],
    };

    // Act
    const act = () => auth.authorizeOperator(operator);

    // Assert
    expect(act).not.toThrow();
  });

  it('throws forbidden when the principal is an admin of another org', async () => {
    // Arrange
    const { auth } = await setup();
    const tenantAdmin: Principal = { orgId: 'org_a', keyId: 'key_1', permissions: ['admin'] };

    // Act
    const error = thrown(() => auth.authorizeOperator(tenantAdmin));

    // Assert
    expect(error.kind).toBe('forbidden');
    expect(error.message).toBe('only admin keys of the default org manage orgs');
  });

  it('throws forbidden when the principal of the default org is not an admin', async () => {
    // Arrange
    const { auth } = await setup();
    const writer: Principal = { orgId: DEFAULT_ORG_ID, keyId: 'k', permissions: ['read', 'write'] };

    // Act
    const error = thrown(() => auth.authorizeOperator(writer));

    // Assert
    expect(error.kind).toBe('forbidden');
  });
});

describe('AuthService.createKey', () => {
  it('issues a read and write key when no permissions are given', async () => {
    // Arrange
    const { auth } = await bootstrapped();

    // Act
    const issued = await auth.createKey(DEFAULT_ORG_ID, 'ci');

    // Assert
    expect(issued.apiKey).toMatch(API_KEY_PATTERN);
    expect(issued.key).toEqual({
      id: 'key_000000000000000000000002',
      orgId: DEFAULT_ORG_ID,
      name: 'ci',
      keyHash: sha256(issued.apiKey),
      permissions: ['read', 'write'],
      createdAt: T0,
      revokedAt: null,
    });
    expect(await auth.authenticate(issued.apiKey)).toEqual({
      orgId: DEFAULT_ORG_ID,
      keyId: issued.key.id,
      permissions: ['read', 'write'],
    });
  });

  it('issues the given permissions without repeats when permissions are given', async () => {
    // Arrange
    const { auth } = await bootstrapped();

    // Act
    const issued = await auth.createKey(DEFAULT_ORG_ID, 'reader', ['read', 'read']);

    // Assert
    expect(issued.key.permissions).toEqual(['read']);
  });

  it('stores only the SHA-256, never the plaintext, when a key is issued', async () => {
    // Arrange
    const { auth, store, adminKey } = await bootstrapped();

    // Act
    const issued = await auth.createKey(DEFAULT_ORG_ID, 'ci');

    // Assert
    const stored = await auth.listKeys(DEFAULT_ORG_ID);
    const dump = JSON.stringify(stored);
    expect(dump).not.toContain(issued.apiKey);
    expect(dump).not.toContain(adminKey);
    expect(dump).not.toContain(issued.apiKey.slice(4));
    expect(stored.map((k) => k.keyHash).sort()).toEqual(
      [sha256(adminKey), sha256(issued.apiKey)].sort(),
    );
    expect(await store.findKeyByHash(sha256(issued.apiKey))).toEqual(issued.key);
  });

  it('gives every key a different plaintext when several are issued', async () => {
    // Arrange
    const { auth } = await bootstrapped();

    // Act
    const keys = await Promise.all(
      ['a', 'b', 'c'].map((name) => auth.createKey(DEFAULT_ORG_ID, name)),
    );

    // Assert
    expect(new Set(keys.map((k) => k.apiKey)).size).toBe(3);
  });

  it.each<[string, string[], string]>([
    ['permissions is empty', [], 'permissions must list at least one of read, write, admin'],
    [
      'a permission is unknown',
      ['read', 'delete'],
      'permissions[1] must be one of read, write, admin',
    ],
    [
      'a permission has the wrong case',
      ['READ'],
      'permissions[0] must be one of read, write, admin',
    ],
  ])('throws invalid when %s', async (_case, permissions, message) => {
    // Arrange
    const { auth } = await bootstrapped();

    // Act
    const error = await rejection(auth.createKey(DEFAULT_ORG_ID, 'x', permissions));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe(message);
    expect(await auth.listKeys(DEFAULT_ORG_ID)).toHaveLength(1);
  });

  it.each([
    ['', 'name must not be empty'],
    ['n'.repeat(201), 'name must be at most 200 characters'],
  ])("throws invalid when the name is '%s'", async (name, message) => {
    // Arrange
    const { auth } = await bootstrapped();

    // Act
    const error = await rejection(auth.createKey(DEFAULT_ORG_ID, name));

    // Assert
    expect(error.message).toBe(message);
  });

  it('throws not_found when the org does not exist', async () => {
    // Arrange
    const { auth } = await bootstrapped();

    // Act
    const error = await rejection(auth.createKey('org_missing', 'x'));

    // Assert
    expect(error.kind).toBe('not_found');
    expect(error.code).toBe('ORG_NOT_FOUND');
  });
});

describe('AuthService.revokeKey', () => {
  it('removes the key from the list and stamps revokedAt when revoked', async () => {
    // Arrange
    const { auth, store, clock } = await bootstrapped();
    const issued = await auth.createKey(DEFAULT_ORG_ID, 'ci');
    clock.advance(5000);

    // Act
    await auth.revokeKey(DEFAULT_ORG_ID, issued.key.id);

    // Assert
    expect((await auth.listKeys(DEFAULT_ORG_ID)).map((k) => k.id)).not.toContain(issued.key.id);
    expect((await store.findKey(DEFAULT_ORG_ID, issued.key.id))?.revokedAt).toBe(T0 + 5000);
  });

  it('throws conflict LAST_ADMIN_KEY and keeps the key when it is the last admin key', async () => {
    // Arrange
    const { auth, adminKey } = await bootstrapped();
    const admin = await auth.authenticate(adminKey);

    // Act
    const error = await rejection(auth.revokeKey(DEFAULT_ORG_ID, admin.keyId));

    // Assert
    expect(error.kind).toBe('conflict');
    expect(error.code).toBe('LAST_ADMIN_KEY');
    expect((await auth.authenticate(adminKey)).keyId).toBe(admin.keyId);
  });

  it('revokes an admin key when another admin key remains', async () => {
    // Arrange
    const { auth, adminKey } = await bootstrapped();
    const admin = await auth.authenticate(adminKey);
    await auth.createKey(DEFAULT_ORG_ID, 'second admin', ['admin']);

    // Act
    await auth.revokeKey(DEFAULT_ORG_ID, admin.keyId);

    // Assert
    expect((await rejection(auth.authenticate(adminKey))).code).toBe('INVALID_API_KEY');
  });

  it('throws not_found when the key is already revoked', async () => {
    // Arrange
    const { auth } = await bootstrapped();
    const issued = await auth.createKey(DEFAULT_ORG_ID, 'ci');
    await auth.revokeKey(DEFAULT_ORG_ID, issued.key.id);

    // Act
    const error = await rejection(auth.revokeKey(DEFAULT_ORG_ID, issued.key.id));

    // Assert
    expect(error.kind).toBe('not_found');
    expect(error.code).toBe('KEY_NOT_FOUND');
  });

  it('throws not_found and keeps the key when it belongs to another org', async () => {
    // Arrange
    const { auth } = await bootstrapped();
    const other = await auth.createOrg('Acme');
    const theirs = await auth.createKey(other.org.id, 'theirs');

    // Act
    const error = await rejection(auth.revokeKey(DEFAULT_ORG_ID, theirs.key.id));

    // Assert
    expect(error.kind).toBe('not_found');
    expect((await auth.authenticate(theirs.apiKey)).orgId).toBe(other.org.id);
  });
});

describe('AuthService.createOrg', () => {
  it('returns an admin key that authenticates into the new org when the name is free', async () => {
    // Arrange
    const { auth } = await bootstrapped();

    // Act
    const created = await auth.createOrg('Acme');

    // Assert
    expect(created.org).toEqual({
      id: 'org_000000000000000000000002',
      name: 'Acme',
      createdAt: T0,
      retentionMs: null,
    });
    expect(await auth.authenticate(created.apiKey)).toEqual({
      orgId: created.org.id,
      keyId: 'key_000000000000000000000003',
      permissions: ['read', 'write', 'admin'],
    });
    expect((await auth.listOrgs()).map((o) => o.id)).toEqual([DEFAULT_ORG_ID, created.org.id]);
  });

  it('keeps the keys of each org apart when two orgs exist', async () => {
    // Arrange
    const { auth } = await bootstrapped();

    // Act
    const created = await auth.createOrg('Acme');

    // Assert
    const keys = await auth.listKeys(created.org.id);
    expect(keys).toHaveLength(1);
    expect(keys[0]?.keyHash).toBe(sha256(created.apiKey));
    expect((await auth.listKeys(DEFAULT_ORG_ID)).map((k) => k.orgId)).toEqual([DEFAULT_ORG_ID]);
  });

  it('throws conflict ORG_EXISTS when the name is taken', async () => {
    // Arrange
    const { auth } = await bootstrapped();
    await auth.createOrg('Acme');

    // Act
    const error = await rejection(auth.createOrg('Acme'));

    // Assert
    expect(error.kind).toBe('conflict');
    expect(error.code).toBe('ORG_EXISTS');
    expect(await auth.listOrgs()).toHaveLength(2);
  });

  it('throws invalid when the name is empty', async () => {
    // Arrange
    const { auth } = await bootstrapped();

    // Act
    const error = await rejection(auth.createOrg(''));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe('name must not be empty');
  });
});
