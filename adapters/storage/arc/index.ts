import { ArcMemoryStore } from './arc-memory-store.js';
import type { ArcMemoryStoreOptions } from './arc-options.js';

export type { ArcTarget, ArcClientOptions } from './arc-client.js';
export type { ArcMemoryStoreOptions, ArcTargetResolver } from './arc-options.js';
export { ARC_DEFAULTS } from './arc-options.js';
export { ArcMemoryStore } from './arc-memory-store.js';

/**
 * The Arc memory store: memories live in Arc, in the database and measurement that
 * `options.resolveTarget` names for each org (asked on every call, so a resolver may change its
 * answer at any time). It opens no connection up front; `ping(url)` checks an Arc server.
 * Orgs, keys, agents and sessions are not its concern: the composition root pairs it with a
 * relational store.
 */
export function createArcMemoryStore(options: ArcMemoryStoreOptions): ArcMemoryStore {
  return new ArcMemoryStore(options);
}
