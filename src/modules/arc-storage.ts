import { createHash } from 'node:crypto';
import {
  createArcMemoryStore,
  type ArcMemoryStore,
  type ArcTarget,
  type ArcTargetResolver,
} from '../../adapters/storage/arc/index.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import { ARC_DATABASE_PATTERN } from '../../domain/index.js';
import type { ArcConfig } from '../config/index.js';

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
 * The default resolver: every org on the configured Arc server, in the database
 * {@link arcDatabaseName} gives, and the configured measurement. Per-org routing wraps it.
 */
export function configArcTargetResolver(arc: ArcConfig): ArcTargetResolver {
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
 * Opens the arc driver from the config: memories in Arc through `resolveTarget` (the
 * config-only resolver unless another is given), everything else in `relational`.
 */
export function openArcStorage(
  relational: StorageBundle,
  arc: ArcConfig,
  resolveTarget: ArcTargetResolver = configArcTargetResolver(arc),
): StorageBundle {
  const memories = createArcMemoryStore({
    resolveTarget,
    timeoutMs: arc.timeoutMs,
    retries: arc.retries,
    readYourWritesMs: arc.readYourWritesMs,
  });
  return composeArcStorage({ relational, memories, pingUrls: async () => [arc.url] });
}
