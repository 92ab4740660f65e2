import type { ArcInstance, ArcInstanceStore } from '../../../domain/index.js';
import { notFound } from '../../../domain/index.js';

/**
 * Arc instances in process memory: the reference implementation of ArcInstanceStore.
 * `orgExists` stands in for the SQL drivers' foreign key to orgs.
 */
export class InMemoryArcInstanceStore implements ArcInstanceStore {
  private readonly instances = new Map<string, ArcInstance>();

  constructor(private readonly orgExists: (orgId: string) => Promise<boolean>) {}

  async put(instance: ArcInstance): Promise<void> {
    if (!(await this.orgExists(instance.orgId))) throw notFound('org', 'ORG_NOT_FOUND');
    const existing = this.instances.get(instance.orgId);
    this.instances.set(instance.orgId, {
      ...instance,
      createdAt: existing?.createdAt ?? instance.createdAt,
    });
  }

  async get(orgId: string): Promise<ArcInstance | null> {
    const instance = this.instances.get(orgId);
    return instance ? { ...instance } : null;
  }

  async remove(orgId: string): Promise<boolean> {
    return this.instances.delete(orgId);
  }

  async list(): Promise<ArcInstance[]> {
    return [...this.instances.values()]
      .sort((a, b) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0))
      .map((i) => ({ ...i }));
  }

  clear(): void {
    this.instances.clear();
  }
}
