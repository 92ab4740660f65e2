import type { AuthStore } from '../auth/auth-store.port.js';
import type { Clock } from '../shared/clock.port.js';
import { notFound } from '../shared/errors.js';
import type { SecretBox } from '../shared/secret-box.port.js';
import {
  checkArcApiKey,
  checkArcDatabase,
  checkArcMeasurement,
  checkArcUrl,
  DEFAULT_ARC_MEASUREMENT,
  type ArcInstance,
} from './arc-instance.js';
import type { ArcInstanceStore } from './arc-instance-store.port.js';

/** What an operator gives to route an org to its own Arc instance. */
export interface ArcInstanceInput {
  readonly url: string;
  readonly database: string;
  /** Default `events`. */
  readonly measurement?: string;
  /** The instance's API key; absent or null when it needs none. */
  readonly apiKey?: string | null;
}

/** An org's Arc instance as shown to operators: whether a key is set, never the key. */
export interface ArcInstanceView {
  readonly orgId: string;
  readonly url: string;
  readonly database: string;
  readonly measurement: string;
  readonly apiKeySet: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Where an org's memories go, with the API key opened: for the storage routing only. */
export interface ArcRoute {
  readonly url: string;
  readonly database: string;
  readonly measurement: string;
  readonly apiKey: string | null;
}

/** Told the id of an org whose routing changed in this process. */
export type ArcRoutingListener = (orgId: string) => void;

/** The AAD a sealed key is bound to: a key sealed for one org does not open for another. */
export const arcApiKeyContext = (orgId: string): string => `arc-api-key:${orgId}`;

const toView = (i: ArcInstance): ArcInstanceView => ({
  orgId: i.orgId,
  url: i.url,
  database: i.database,
  measurement: i.measurement,
  apiKeySet: i.apiKeySealed !== null,
  createdAt: i.createdAt,
  updatedAt: i.updatedAt,
});

/**
 * Routing an org to its own Arc instance. The instance's API key is sealed before it is stored
 * and opened only by {@link routeFor}; nothing an operator sees carries it.
 */
export class ArcInstanceService {
  private readonly listeners = new Set<ArcRoutingListener>();

  constructor(
    private readonly store: ArcInstanceStore,
    private readonly orgs: AuthStore,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** Calls `listener` after every change made through this service. @returns an unsubscribe */
  onChange(listener: ArcRoutingListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Creates or replaces the org's instance (every field; an absent `apiKey` means none).
   * @returns the instance as shown, and whether it was created rather than replaced
   * @throws DomainError `invalid` naming the field (`url`, `database`, `measurement`, `api_key`);
   *   `not_found` (code `ORG_NOT_FOUND`); `unavailable` (code `MASTER_KEY_MISSING`) when a key is
   *   given and no master key is configured
   */
  async configure(
    orgId: string,
    input: ArcInstanceInput,
  ): Promise<{ readonly instance: ArcInstanceView; readonly created: boolean }> {
    const url = checkArcUrl('url', input.url);
    const database = checkArcDatabase('database', input.database);
    const measurement = checkArcMeasurement(
      'measurement',
      input.measurement ?? DEFAULT_ARC_MEASUREMENT,
    );
    const apiKey =
      input.apiKey === undefined || input.apiKey === null
        ? null
        : checkArcApiKey('api_key', input.apiKey);
    await this.requireOrg(orgId);
    const apiKeySealed =
      apiKey === null ? null : this.secrets.seal(apiKey, arcApiKeyContext(orgId));
    const existing = await this.store.get(orgId);
    const now = this.clock.now();
    const instance: ArcInstance = {
      orgId,
      url,
      database,
      measurement,
      apiKeySealed,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.store.put(instance);
    this.changed(orgId);
    return { instance: toView(instance), created: existing === null };
  }

  /**
   * The org's instance as shown to operators.
   * @returns null when the org is routed to the default instance
   * @throws DomainError `not_found` (code `ORG_NOT_FOUND`)
   */
  async show(orgId: string): Promise<ArcInstanceView | null> {
    await this.requireOrg(orgId);
    const instance = await this.store.get(orgId);
    return instance ? toView(instance) : null;
  }

  /**
   * Routes the org back to the default instance.
   * @returns whether it had an instance of its own
   * @throws DomainError `not_found` (code `ORG_NOT_FOUND`)
   */
  async remove(orgId: string): Promise<boolean> {
    await this.requireOrg(orgId);
    const removed = await this.store.remove(orgId);
    if (removed) this.changed(orgId);
    return removed;
  }

  /** Every org's instance, ordered by org id. */
  async list(): Promise<ArcInstanceView[]> {
    return (await this.store.list()).map(toView);
  }

  /**
   * Where the org's memories go, with the API key opened; for the storage routing, never for
   * an operator's eyes.
   * @returns null when the org has no instance of its own (the default one applies)
   * @throws DomainError `unavailable` when the stored key cannot be opened (no master key, a
   *   different one, or an altered record): the org's memories must not go elsewhere instead
   */
  async routeFor(orgId: string): Promise<ArcRoute | null> {
    const instance = await this.store.get(orgId);
    if (!instance) return null;
    return {
      url: instance.url,
      database: instance.database,
      measurement: instance.measurement,
      apiKey:
        instance.apiKeySealed === null
          ? null
          : this.secrets.open(instance.apiKeySealed, arcApiKeyContext(orgId)),
    };
  }

  private async requireOrg(orgId: string): Promise<void> {
    if (!(await this.orgs.findOrg(orgId))) throw notFound('org', 'ORG_NOT_FOUND');
  }

  private changed(orgId: string): void {
    for (const listener of this.listeners) listener(orgId);
  }
}
