import { ArcMemoryStore } from './arc-memory-store.js';
import type { ArcMemoryStoreOptions } from './arc-options.js';

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
