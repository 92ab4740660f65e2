import type { Clock } from '../shared/clock.port.js';
import type { Crypto } from '../shared/crypto.port.js';
import { DomainError, invalid, notFound } from '../shared/errors.js';
import type { IdGenerator } from '../shared/id-generator.port.js';
import { checkText, MAX_NAME_LENGTH } from '../shared/rules.js';
import { parseDuration } from '../shared/time-expression.js';
import {
  DEFAULT_ORG_ID,
  DEFAULT_ORG_NAME,
  isPermission,
  type ApiKey,
  type Org,
  type Permission,
  type Principal,
} from './auth.js';
import type { AuthStore } from './auth-store.port.js';

/** `mtk_` + 32 random bytes as base64url without padding. */
export const API_KEY_PATTERN = /^mtk_[A-Za-z0-9_-]{43}$/;
const KEY_BYTES = 32;
const ADMIN_PERMISSIONS: readonly Permission[] = ['read', 'write', 'admin'];
const DEFAULT_PERMISSIONS: readonly Permission[] = ['read', 'write'];

/** A key just made: the only moment its plaintext exists outside the caller. */
export interface IssuedKey {
  readonly key: ApiKey;
  readonly apiKey: string;
}

/** API keys, orgs, and who may do what. */
export class AuthService {
  constructor(
    private readonly store: AuthStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly crypto: Crypto,
  ) {}

  /**
   * On an empty store, creates the default org and an admin key (`bootstrapKey` when given).
   * @returns the key when it was created now, or null when an org already existed
   * @throws DomainError `invalid` when `bootstrapKey` is not a well-formed key
   */
  async bootstrap(bootstrapKey?: string): Promise<string | null> {
    if (bootstrapKey !== undefined && !API_KEY_PATTERN.test(bootstrapKey)) {
      throw invalid('MEMTRACE_AUTH_BOOTSTRAP_KEY must be mtk_ followed by 43 base64url characters');
    }
    const now = this.clock.now();
    const org: Org = {
      id: DEFAULT_ORG_ID,
      name: DEFAULT_ORG_NAME,
      createdAt: now,
      retentionMs: null,
    };
    const issued = this.issue(org.id, 'admin', ADMIN_PERMISSIONS, now, bootstrapKey);
    return (await this.store.bootstrap(org, issued.key)) ? issued.apiKey : null;
  }

  /**
   * Resolves the caller from an API key.
   * @throws DomainError `unauthorized` when the key is missing, unknown or revoked
   */
  async authenticate(apiKey: string | undefined): Promise<Principal> {
    if (!apiKey) {
      throw new DomainError(
        'unauthorized',
        'MISSING_API_KEY',
        'missing API key: send x-api-key or Authorization: Bearer',
      );
    }
    const hash = this.crypto.sha256Hex(apiKey);
    const key = API_KEY_PATTERN.test(apiKey) ? await this.store.findKeyByHash(hash) : null;
    if (!key || key.revokedAt !== null || !this.crypto.timingSafeEqual(key.keyHash, hash)) {
      throw new DomainError('unauthorized', 'INVALID_API_KEY', 'invalid API key');
    }
    return { orgId: key.orgId, keyId: key.id, permissions: key.permissions };
  }

  /** @throws DomainError `forbidden` when the principal lacks the permission */
  authorize(principal: Principal, permission: Permission): void {
    if (!principal.permissions.includes(permission)) {
      throw new DomainError(
        'forbidden',
        'FORBIDDEN',
        `this API key lacks the '${permission}' permission`,
      );
    }
  }

  /** Only admins of the default org manage orgs. @throws DomainError `forbidden` */
  authorizeOperator(principal: Principal): void {
    this.authorize(principal, 'admin');
    if (principal.orgId !== DEFAULT_ORG_ID) {
      throw new DomainError(
        'forbidden',
        'FORBIDDEN',
        'only admin keys of the default org manage orgs',
      );
    }
  }

  /**
   * Issues a key for an org.
   * @param permissions default `read`, `write`
   * @throws DomainError `invalid`; `not_found` when the org does not exist
   */
  async createKey(
    orgId: string,
    name: string,
    permissions?: readonly string[],
  ): Promise<IssuedKey> {
    checkText('name', name ?? '', MAX_NAME_LENGTH);
    const perms = toPermissions(permissions ?? DEFAULT_PERMISSIONS);
    if (!(await this.store.findOrg(orgId))) throw notFound('org', 'ORG_NOT_FOUND');
    const issued = this.issue(orgId, name, perms, this.clock.now());
    await this.store.createKey(issued.key);
    return issued;
  }

  listKeys(orgId: string): Promise<ApiKey[]> {
    return this.store.listKeys(orgId);
  }

  /**
   * Revokes a key at once.
   * @throws DomainError `not_found`; `conflict` when it is the org's last admin key
   */
  async revokeKey(orgId: string, keyId: string): Promise<void> {
    const outcome = await this.store.revokeKey(orgId, keyId, this.clock.now());
    if (outcome === 'absent') throw notFound('API key', 'KEY_NOT_FOUND');
    if (outcome === 'last_admin') {
      throw new DomainError(
        'conflict',
        'LAST_ADMIN_KEY',
        'cannot revoke the last admin key of an org: create another admin key first',
      );
    }
  }

  /**
   * Creates an org with its first admin key.
   * @throws DomainError `invalid`; `conflict` when the name is taken
   */
  async createOrg(name: string): Promise<{ readonly org: Org; readonly apiKey: string }> {
    checkText('name', name ?? '', MAX_NAME_LENGTH);
    const now = this.clock.now();
    const org: Org = { id: this.ids.next('org', now), name, createdAt: now, retentionMs: null };
    const issued = this.issue(org.id, 'admin', ADMIN_PERMISSIONS, now);
    await this.store.createOrg(org, issued.key);
    return { org, apiKey: issued.apiKey };
  }

  listOrgs(): Promise<Org[]> {
    return this.store.listOrgs();
  }

  /**
   * Sets the org's default retention (`30d`, `12h`, ...): its memories without an expiry of
   * their own and not pinned expire that long after their time. null removes it (the configured
   * default applies again).
   * @throws DomainError `invalid`; `not_found` when the org does not exist
   */
  async setRetention(orgId: string, retention: string | null): Promise<Org> {
    const ms = retention === null ? null : parseDuration('retention', retention);
    const org = await this.store.setRetention(orgId, ms);
    if (!org) throw notFound('org', 'ORG_NOT_FOUND');
    return org;
  }

  private issue(
    orgId: string,
    name: string,
    permissions: readonly Permission[],
    now: number,
    given?: string,
  ): IssuedKey {
    const apiKey = given ?? `mtk_${this.crypto.randomBase64Url(KEY_BYTES)}`;
    return {
      apiKey,
      key: {
        id: this.ids.next('key', now),
        orgId,
        name,
        keyHash: this.crypto.sha256Hex(apiKey),
        permissions,
        createdAt: now,
        revokedAt: null,
      },
    };
  }
}

function toPermissions(values: readonly string[]): Permission[] {
  if (!Array.isArray(values) || values.length === 0) {
    throw invalid('permissions must list at least one of read, write, admin');
  }
  values.forEach((p, i) => {
    if (typeof p !== 'string' || !isPermission(p)) {
      throw invalid(`permissions[${i}] must be one of read, write, admin`);
    }
  });
  return [...new Set(values as Permission[])];
}
