import type { ArcInstance } from './arc-instance.js';

/** Which Arc instance each org is routed to; at most one per org. */
export interface ArcInstanceStore {
  /**
   * Creates the org's instance, or replaces every field of the one it has except `createdAt`,
   * which keeps its first value. Idempotent.
   * @throws DomainError `not_found` (code `ORG_NOT_FOUND`) when no org has `instance.orgId`
   */
  put(instance: ArcInstance): Promise<void>;

  /** The org's instance, or null when it has none (or the org does not exist). */
  get(orgId: string): Promise<ArcInstance | null>;

  /**
   * Removes the org's instance; its memories then go to the default instance again.
   * @returns whether there was one
   */
  remove(orgId: string): Promise<boolean>;

  /** Every org's instance, ordered by org id. */
  list(): Promise<ArcInstance[]>;
}
