import type { ArcRoute } from '../../../domain/index.js';
import type { ArcTarget } from './arc-client.js';
import type { ArcTargetResolver } from './arc-options.js';

/**
 * How long a server trusts what it read about an org's Arc routing: a change made by another
 * process (`memtrace org add-arc` on the same store, another server) takes effect within this
 * time, without a restart. A change made through this server's admin route takes effect at once.
 */
export const ARC_ROUTING_TTL_MS = 1_000;
/** The longest TTL {@link createRoutedArcResolver} accepts. */
export const MAX_ARC_ROUTING_TTL_MS = 2_000;

/**
 * Where per-org routes come from: the domain's `ArcInstanceService` (its `routeFor` opens the
 * sealed API key, rejecting with DomainError `unavailable` when it cannot).
 */
export interface ArcRouteSource {
  routeFor(orgId: string): Promise<ArcRoute | null>;
}

/** An {@link ArcTargetResolver} whose cached routes can be dropped at once. */
export interface RoutedArcResolver extends ArcTargetResolver {
  /** Forgets what was read about `orgId` (about every org when absent). */
  invalidate(orgId?: string): void;
}

export interface RoutedArcResolverOptions {
  /** How long a route read from `source` is reused; default {@link ARC_ROUTING_TTL_MS}. */
  readonly cacheTtlMs?: number;
  /** Milliseconds, for the TTL; `Date.now` by default. */
  readonly now?: () => number;
}

interface Entry {
  readonly expiresAt: number;
  readonly route: Promise<ArcRoute | null>;
}

/** Cached orgs beyond which expired entries are swept on the next lookup. */
const SWEEP_ABOVE = 10_000;

/**
 * Resolves an org to its own Arc instance when one is configured, else to `fallback` (the
 * configured default target). Routes are cached for `cacheTtlMs` (at most 2 s) and concurrent
 * lookups of one org share one read; a failed read is not cached. A route whose API key cannot
 * be opened rejects (DomainError `unavailable`): the org's memories never go to the default
 * instance instead of its own.
 * @throws Error when `cacheTtlMs` is negative or above {@link MAX_ARC_ROUTING_TTL_MS}
 */
export function createRoutedArcResolver(
  source: ArcRouteSource,
  fallback: ArcTargetResolver,
  options: RoutedArcResolverOptions = {},
): RoutedArcResolver {
  const ttl = options.cacheTtlMs ?? ARC_ROUTING_TTL_MS;
  if (!Number.isFinite(ttl) || ttl < 0 || ttl > MAX_ARC_ROUTING_TTL_MS) {
    throw new Error(`cacheTtlMs must be from 0 to ${MAX_ARC_ROUTING_TTL_MS}, got ${ttl}`);
  }
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();

  const lookup = (orgId: string): Promise<ArcRoute | null> => {
    const at = now();
    const cached = cache.get(orgId);
    if (cached && at < cached.expiresAt) return cached.route;
    if (cache.size > SWEEP_ABOVE) {
      for (const [id, e] of cache) if (at >= e.expiresAt) cache.delete(id);
    }
    const entry: Entry = { expiresAt: at + ttl, route: source.routeFor(orgId) };
    if (ttl > 0) cache.set(orgId, entry);
    entry.route.catch(() => {
      if (cache.get(orgId) === entry) cache.delete(orgId);
    });
    return entry.route;
  };

  const resolve = async (orgId: string): Promise<ArcTarget> => {
    const route = await lookup(orgId);
    if (route === null) return fallback(orgId);
    return {
      url: route.url,
      apiKey: route.apiKey,
      database: route.database,
      measurement: route.measurement,
    };
  };
  return Object.assign(resolve, {
    invalidate(orgId?: string): void {
      if (orgId === undefined) cache.clear();
      else cache.delete(orgId);
    },
  });
}

/** Tells the resolvers of this process that an org's routing changed here. */
export class ArcRoutingChanges {
  private readonly listeners = new Set<(orgId: string) => void>();

  /** @returns an unsubscribe */
  subscribe(listener: (orgId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(orgId: string): void {
    for (const listener of this.listeners) listener(orgId);
  }
}

export interface OrgArcRoutingOptions {
  /** The orgs' own Arc instances (the composition root passes the core's `arcInstances`). */
  readonly routes: ArcRouteSource;
  /** The default target, for orgs without an instance of their own. */
  readonly fallback: ArcTargetResolver;
  /** Changes made through this process's admin route, applied at once. */
  readonly changes?: ArcRoutingChanges;
  readonly cacheTtlMs?: number;
}

/**
 * The Arc memory store's `resolveTarget` for a server: per-org instances from `routes`, the
 * default target otherwise (see {@link createRoutedArcResolver}).
 */
export function orgArcRouting(options: OrgArcRoutingOptions): RoutedArcResolver {
  const resolver = createRoutedArcResolver(options.routes, options.fallback, {
    ...(options.cacheTtlMs !== undefined ? { cacheTtlMs: options.cacheTtlMs } : {}),
  });
  options.changes?.subscribe((orgId) => resolver.invalidate(orgId));
  return resolver;
}
