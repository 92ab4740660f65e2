import { ContainerModule } from 'inversify';
import type { ArcRoutingChanges, ArcStorageOptions } from '../../adapters/storage/arc/index.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import type { ArcConfig, Config } from '../config/index.js';
import { createMemtrace } from '../core.js';
import { openStorage, SQLITE_BUSY_TIMEOUT_MS } from '../storage.js';
import { STORAGE } from './tokens.js';

/**
 * Opens the configured storage driver (see {@link openStorage}); the Arc driver, which needs
 * the relational store beside it and the per-org routing, only from here.
 */
export async function openConfiguredStorage(
  config: Config,
  options: {
    readonly forceMigrate?: boolean;
    /** Per-org Arc routing changes made in this process, applied by the arc driver at once. */
    readonly arcRoutingChanges?: ArcRoutingChanges;
  } = {},
): Promise<StorageBundle> {
  switch (config.storage.driver) {
    case 'memory':
      return openStorage({ driver: 'memory' });
    case 'sqlite':
      return openSqlite(config);
    case 'postgres':
      return openPostgres(config, options);
    case 'arc': {
      const arcConfig = config.storage.arc;
      if (arcConfig === undefined) throw new Error('arc settings missing from the config');
      // Orgs, keys, agents and sessions: PostgreSQL when its URL is set, else SQLite.
      const relational = config.storage.postgres
        ? await openPostgres(config, options)
        : await openSqlite(config);
      const { defaultArcTargetResolver, openArcStorage, orgArcRouting } =
        await import('../../adapters/storage/arc/index.js');
      const arc = arcStorageOptions(arcConfig);
      // An org routed to its own Arc instance (org add-arc, PUT /api/v1/orgs/{id}/arc) goes
      // there, every other org to the configured one; changes apply without a restart.
      const resolveTarget = orgArcRouting({
        routes: createMemtrace({ storage: relational, masterKey: config.secrets.masterKey })
          .arcInstances,
        fallback: defaultArcTargetResolver(arc),
        ...(options.arcRoutingChanges ? { changes: options.arcRoutingChanges } : {}),
      });
      return openArcStorage(relational, arc, resolveTarget);
    }
  }
}

const arcStorageOptions = (arc: ArcConfig): ArcStorageOptions => ({
  url: arc.url,
  ...(arc.apiKey !== undefined ? { apiKey: arc.apiKey } : {}),
  database: arc.database,
  measurement: arc.measurement,
  timeoutMs: arc.timeoutMs,
  retries: arc.retries,
  readYourWritesMs: arc.readYourWritesMs,
});

const openSqlite = (config: Config): Promise<StorageBundle> =>
  openStorage({
    driver: 'sqlite',
    path: config.storage.sqlitePath,
    synchronous: config.storage.sqliteSynchronous,
    busyTimeoutMs: config.storage.sqliteBusyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS,
  });

async function openPostgres(
  config: Config,
  options: { readonly forceMigrate?: boolean },
): Promise<StorageBundle> {
  const pgConfig = config.storage.postgres;
  if (pgConfig === undefined) throw new Error('postgres settings missing from the config');
  return openStorage({
    driver: 'postgres',
    url: pgConfig.url,
    poolSize: pgConfig.poolSize,
    connectTimeoutMs: pgConfig.connectTimeoutMs,
    statementTimeoutMs: pgConfig.statementTimeoutMs,
    migrate: options.forceMigrate === true || pgConfig.migrate,
  });
}

/** Binds an opened storage bundle (the services are built on it, see the core module). */
export const storageModule = (storage: StorageBundle) =>
  new ContainerModule(({ bind }) => {
    bind(STORAGE).toConstantValue(storage);
  });
