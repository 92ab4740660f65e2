import type { Clock } from '../shared/clock.port.js';
import type { ApiKey, Org } from './auth.js';
import type { AuthStore, RevokeOutcome } from './auth-store.port.js';

/**
 * How long a key or org read from the store is reused when nothing changed it through this
 * process: the longest another process (a second server on the same PostgreSQL, the CLI on the
 * same SQLite file) may see a key it revoked still accepted, or an org's old retention.
 */
export const AUTH_CACHE_TTL_MS = 2_000;

/** Entries kept at most; past it the cache is emptied (a flood of distinct keys stays bounded). */
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  readonly value: T;
  readonly until: number;
}

/**
 * An {@link AuthStore} that reuses what every request reads, the caller's key by its hash and the
 * org's retention, for {@link AUTH_CACHE_TTL_MS}. Every change made through it (a revocation,
 * a retention, a new org or key) takes effect for the next read at once: it drops what it
 * changed, and a read that was already running when a change landed does not keep its answer.
 * Only keys and orgs that exist are kept: a key made elsewhere works at its first request.
 */
export class CachedAuthStore implements AuthStore {
  private readonly keys = new Map<string, Entry<ApiKey>>();
  private readonly orgs = new Map<string, Entry<Org>>();
  /** Bumped by every change: a read started before it does not fill the cache. */
  private generation = 0;

  constructor(
    private readonly store: AuthStore,
    private readonly clock: Clock,
    private readonly ttlMs: number = AUTH_CACHE_TTL_MS,
  ) {}

  async findKeyByHash(keyHash: string): Promise<ApiKey | null> {
    return this.cached(this.keys, keyHash, () => this.store.findKeyByHash(keyHash));
  }

  async findOrg(id: string): Promise<Org | null> {
    return this.cached(this.orgs, id, () => this.store.findOrg(id));
  }

  async revokeKey(orgId: string, id: string, nowMs: number): Promise<RevokeOutcome> {
    try {
      return await this.store.revokeKey(orgId, id, nowMs);
    } finally {
      this.changed();
      for (const [hash, entry] of this.keys) if (entry.value.id === id) this.keys.delete(hash);
    }
  }

  async setRetention(id: string, retentionMs: number | null): Promise<Org | null> {
    try {
      return await this.store.setRetention(id, retentionMs);
    } finally {
      this.changed();
      this.orgs.delete(id);
    }
  }

  async createOrg(org: Org, key: ApiKey): Promise<void> {
    this.changed();
    await this.store.createOrg(org, key);
  }

  async createKey(key: ApiKey): Promise<void> {
    this.changed();
    await this.store.createKey(key);
  }

  bootstrap(org: Org, key: ApiKey): Promise<boolean> {
    this.changed();
    return this.store.bootstrap(org, key);
  }

  listOrgs(): Promise<Org[]> {
    return this.store.listOrgs();
  }

  listKeys(orgId: string): Promise<ApiKey[]> {
    return this.store.listKeys(orgId);
  }

  findKey(orgId: string, id: string): Promise<ApiKey | null> {
    return this.store.findKey(orgId, id);
  }

  private changed(): void {
    this.generation++;
  }

  private async cached<T>(
    map: Map<string, Entry<T>>,
    id: string,
    read: () => Promise<T | null>,
  ): Promise<T | null> {
    const now = this.clock.now();
    const hit = map.get(id);
    if (hit !== undefined && hit.until > now) return hit.value;
    const generation = this.generation;
    const value = await read();
    if (value === null) {
      map.delete(id);
    } else if (generation === this.generation && this.ttlMs > 0) {
      if (map.size >= MAX_ENTRIES) map.clear();
      map.set(id, { value, until: now + this.ttlMs });
    }
    return value;
  }
}
