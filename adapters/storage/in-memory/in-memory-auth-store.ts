import type { ApiKey, AuthStore, Org, RevokeOutcome } from '../../../domain/index.js';
import { DomainError } from '../../../domain/index.js';

/** Orgs and API keys in process memory: the reference implementation of AuthStore. */
export class InMemoryAuthStore implements AuthStore {
  private readonly orgs = new Map<string, Org>();
  private readonly keys = new Map<string, ApiKey>();

  async bootstrap(org: Org, key: ApiKey): Promise<boolean> {
    if (this.orgs.size > 0) return false;
    await this.createOrg(org, key);
    return true;
  }

  async createOrg(org: Org, key: ApiKey): Promise<void> {
    if ([...this.orgs.values()].some((o) => o.name === org.name)) {
      throw new DomainError('conflict', 'ORG_EXISTS', `an org named '${org.name}' already exists`);
    }
    if (this.orgs.has(org.id)) {
      throw new DomainError('conflict', 'ORG_EXISTS', `org ${org.id} already exists`);
    }
    this.orgs.set(org.id, { ...org });
    await this.createKey(key);
  }

  async findOrg(id: string): Promise<Org | null> {
    const org = this.orgs.get(id);
    return org ? { ...org } : null;
  }

  async setRetention(id: string, retentionMs: number | null): Promise<Org | null> {
    const org = this.orgs.get(id);
    if (!org) return null;
    this.orgs.set(id, { ...org, retentionMs });
    return { ...org, retentionMs };
  }

  async listOrgs(): Promise<Org[]> {
    return [...this.orgs.values()].map((o) => ({ ...o }));
  }

  async createKey(key: ApiKey): Promise<void> {
    if ([...this.keys.values()].some((k) => k.keyHash === key.keyHash)) {
      throw new DomainError('conflict', 'KEY_EXISTS', 'an API key with this hash already exists');
    }
    this.keys.set(key.id, structuredClone(key));
  }

  async findKeyByHash(keyHash: string): Promise<ApiKey | null> {
    const key = [...this.keys.values()].find((k) => k.keyHash === keyHash);
    return key ? structuredClone(key) : null;
  }

  async listKeys(orgId: string): Promise<ApiKey[]> {
    return [...this.keys.values()]
      .filter((k) => k.orgId === orgId && k.revokedAt === null)
      .map((k) => structuredClone(k));
  }

  async findKey(orgId: string, id: string): Promise<ApiKey | null> {
    const key = this.keys.get(id);
    return key && key.orgId === orgId ? structuredClone(key) : null;
  }

  async revokeKey(orgId: string, id: string, nowMs: number): Promise<RevokeOutcome> {
    // No await between the check and the change: nothing can interleave.
    const key = this.keys.get(id);
    if (!key || key.orgId !== orgId || key.revokedAt !== null) return 'absent';
    if (key.permissions.includes('admin') && this.unrevokedAdmins(orgId) <= 1) return 'last_admin';
    this.keys.set(id, { ...key, revokedAt: nowMs });
    return 'revoked';
  }

  private unrevokedAdmins(orgId: string): number {
    return [...this.keys.values()].filter(
      (k) => k.orgId === orgId && k.revokedAt === null && k.permissions.includes('admin'),
    ).length;
  }

  clear(): void {
    this.orgs.clear();
    this.keys.clear();
  }
}
