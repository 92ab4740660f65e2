import { createHash } from 'node:crypto';
import { ARC_DATABASE_PATTERN } from '../../../domain/index.js';
import type { StorageBundle } from '../storage-bundle.js';
import type { ArcTarget } from './arc-client.js';
import { ArcMemoryStore } from './arc-memory-store.js';
import type { ArcTargetResolver } from './arc-options.js';

/** The arc driver's settings (MEMTRACE_ARC_*, mapped by the composition root). */
export interface ArcStorageOptions {
  /** The default Arc server. */
  readonly url: string;
  /** Arc API token; absent when Arc runs without auth. */
  readonly apiKey?: string;
  /**
   * The Arc database name, or a template with `{org}` for one database per org (see
   * {@link arcDatabaseName}).
   */
  readonly database: string;
  readonly measurement: string;
  /** Longest one store call may take against Arc, retries included. */
  readonly timeoutMs: number;
  /** Retries of a call that may pass on retry. */
  readonly retries: number;
  /** How long an acknowledged write is merged into reads while Arc does not show it yet. */
  readonly readYourWritesMs: number;
}

/**
 * The Arc database of an org: `template` with `{org}` replaced by the org id (one database per
 * org), or `template` itself when it has no `{org}` (every org in one database; every query
 * still filters by org). An org id that would not give a valid Arc name (too long, or a
 * character Arc refuses) is replaced by `h` and 24 hex digits of its SHA-256.
 */
export function arcDatabaseName(template: string, orgId: string): string {
  if (!template.includes('{org}')) return template;
  const name = template.replaceAll('{org}', orgId);
  if (ARC_DATABASE_PATTERN.test(name)) return name;
  const digest = createHash('sha256').update(orgId).digest('hex').slice(0, 24);
  return template.replaceAll('{org}', `h${digest}`);
}

/**
 * The default resolver: every org on the default Arc server (`arc.url`), in the database
 * {@link arcDatabaseName} gives, and the configured measurement. Per-org routing wraps it.
 */
export function defaultArcTargetResolver(arc: ArcStorageOptions): ArcTargetResolver {
  return async (orgId: string): Promise<ArcTarget> => ({
    url: arc.url,
    apiKey: arc.apiKey ?? null,
    database: arcDatabaseName(arc.database, orgId),
    measurement: arc.measurement,
  });
}

export interface ArcStorageParts {
  /** Where orgs, keys, agents and sessions live (SQLite or PostgreSQL). */
  readonly relational: StorageBundle;
  readonly memories: ArcMemoryStore;
  /** The Arc servers `ping` checks (beside the relational store). */
  readonly pingUrls: () => Promise<readonly string[]>;
}

/**
 * The arc driver's bundle: the relational bundle with its memories in Arc. `ping` checks the
 * relational store and every Arc server of `pingUrls`; `close` closes the relational store (the
 * Arc store holds no connection of its own).
 */
export function composeArcStorage(parts: ArcStorageParts): StorageBundle {
  const { relational, memories } = parts;
  return {
    ...relational,
    driver: 'arc',
    memories,
    ping: async () => {
      await relational.ping();
      await Promise.all((await parts.pingUrls()).map((url) => memories.ping(url)));
    },
    close: () => relational.close(),
  };
}

/**
 * Opens the arc driver: memories in Arc through `resolveTarget` (every org on the default
 * server unless another resolver is given, such as `orgArcRouting`'s), everything else in
 * `relational`.
 */
export function openArcStorage(
  relational: StorageBundle,
  arc: ArcStorageOptions,
  resolveTarget: ArcTargetResolver = defaultArcTargetResolver(arc),
): StorageBundle {
  const memories = new ArcMemoryStore({
    resolveTarget,
    timeoutMs: arc.timeoutMs,
    retries: arc.retries,
    readYourWritesMs: arc.readYourWritesMs,
  });
  return composeArcStorage({ relational, memories, pingUrls: async () => [arc.url] });
}
