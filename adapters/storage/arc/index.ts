import type { StorageBundle } from '../storage-bundle.js';
import { ArcMemoryStore } from './arc-memory-store.js';
import type { ArcMemoryStoreOptions } from './arc-options.js';
import { orgArcRouting, type ArcRouteSource, type ArcRoutingChanges } from './arc-routing.js';
import { defaultArcTargetResolver, openArcStorage, type ArcStorageOptions } from './arc-storage.js';

export type { ArcTarget, ArcClientOptions } from './arc-client.js';
export type { ArcMemoryStoreOptions, ArcTargetResolver } from './arc-options.js';
export { ARC_DEFAULTS } from './arc-options.js';
export { ArcMemoryStore } from './arc-memory-store.js';
export {
  arcDatabaseName,
  composeArcStorage,
  defaultArcTargetResolver,
  openArcStorage,
  type ArcStorageOptions,
  type ArcStorageParts,
} from './arc-storage.js';
export {
  ARC_ROUTING_TTL_MS,
  ArcRoutingChanges,
  createRoutedArcResolver,
  MAX_ARC_ROUTING_TTL_MS,
  orgArcRouting,
  type ArcRouteSource,
  type OrgArcRoutingOptions,
  type RoutedArcResolver,
  type RoutedArcResolverOptions,
} from './arc-routing.js';

/**
 * The Arc memory store: memories live in Arc, in the database and measurement that
 * `options.resolveTarget` names for each org (asked on every call, so a resolver may change its
 * answer at any time). It opens no connection up front; `ping(url)` checks an Arc server.
 * Orgs, keys, agents and sessions are not its concern: {@link openArcStorage} pairs it with a
 * relational store.
 */
export function createArcMemoryStore(options: ArcMemoryStoreOptions): ArcMemoryStore {
  return new ArcMemoryStore(options);
}

/** What {@link createArcStorage} takes: the Arc settings, and what lives beside Arc. */
export interface ArcDriverOptions extends ArcStorageOptions {
  /** Where orgs, keys, agents and sessions live (an opened SQLite or PostgreSQL store). */
  readonly relational: StorageBundle;
  /** The orgs' own Arc instances (the core's `arcInstances`); other orgs use `url`. */
  readonly routes: ArcRouteSource;
  /** Routing changes made in this process, applied at once. */
  readonly changes?: ArcRoutingChanges;
}

/**
 * The arc driver: memories in Arc (per-org routing over the default target), everything else in
 * `relational`, which the bundle closes with itself.
 */
export async function createArcStorage(options: ArcDriverOptions): Promise<StorageBundle> {
  const resolveTarget = orgArcRouting({
    routes: options.routes,
    fallback: defaultArcTargetResolver(options),
    ...(options.changes ? { changes: options.changes } : {}),
  });
  return openArcStorage(options.relational, options, resolveTarget);
}
