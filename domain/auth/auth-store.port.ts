import type { ApiKey, Org } from './auth.js';

/** Orgs and their API keys. */
export interface AuthStore {
  /**
   * Creates `org` and its first key together, but only when no org exists yet; atomic, so of
   * several processes starting at once exactly one succeeds.
   * @returns whether they were created
   */
  bootstrap(org: Org, key: ApiKey): Promise<boolean>;

  /**
   * Creates an org and its first key together.
   * @throws DomainError `conflict` (code `ORG_EXISTS`) when an org has that name
   */
  createOrg(org: Org, key: ApiKey): Promise<void>;

  /** The org with this id, or null. */
  findOrg(id: string): Promise<Org | null>;

  /**
   * Sets the org's own retention (ms; null removes it).
   * @returns the org as changed, or null when there is no such org
   */
  setRetention(id: string, retentionMs: number | null): Promise<Org | null>;

  /** Every org, oldest first. */
  listOrgs(): Promise<Org[]>;

  /** Stores a new key. */
  createKey(key: ApiKey): Promise<void>;

  /** The key (revoked or not) whose hash is `keyHash`, or null. */
  findKeyByHash(keyHash: string): Promise<ApiKey | null>;

  /** The org's keys that are not revoked, oldest first. */
  listKeys(orgId: string): Promise<ApiKey[]>;

  /** The org's key with this id (revoked or not), or null. */
  findKey(orgId: string, id: string): Promise<ApiKey | null>;

  /**
   * Marks the key revoked at `nowMs`, unless it is the org's last unrevoked admin key. The check
   * and the change are one atomic step however many revocations run at once, in however many
   * processes: an org always keeps at least one admin key.
   * @returns `revoked`; `absent` when the org has no such unrevoked key; `last_admin` when it is
   *   the org's only unrevoked admin key (nothing changed)
   */
  revokeKey(orgId: string, id: string, nowMs: number): Promise<RevokeOutcome>;
}

/** What {@link AuthStore.revokeKey} did. */
export type RevokeOutcome = 'revoked' | 'absent' | 'last_admin';
