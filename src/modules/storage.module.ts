import { ContainerModule } from 'inversify';
import type { ArcRoutingChanges } from '../../adapters/storage/arc/index.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import type { Config } from '../config/index.js';
import { createMemtrace } from '../core.js';
import { openStorage, SQLITE_BUSY_TIMEOUT_MS } from '../storage.js';
import { STORAGE } from './tokens.js';

/**
 * Opens the configured storage driver through the storage factory ({@link openStorage}) with
 * the options the configuration gives it. A driver without settings of its own (`memory`)
 * needs nothing here; the arc driver also opens the relational store beside it and routes
 * each org to its own Arc instance when it has one.
 */
export async function openConfiguredStorage(
  config: Config,
  options: {
    readonly forceMigrate?: boolean;
    /** Per-org Arc routing changes made in this process, applied by the arc driver at once. */
    readonly arcRoutingChanges?: ArcRoutingChanges;
  } = {},
): Promise<StorageBundle> {
  const driver = config.storage.driver;
  switch (driver) {
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
      // An org routed to its own Arc instance (org add-arc, PUT /api/v1/orgs/{id}/arc) goes
      // there, every other org to the configured one; changes apply without a restart.
      return openStorage({
        driver,
        ...arcConfig,
        relational,
        routes: createMemtrace({ storage: relational, masterKey: config.secrets.masterKey })
          .arcInstances,
        ...(options.arcRoutingChanges ? { changes: options.arcRoutingChanges } : {}),
      });
    }
    default:
      return openStorage({ driver });
  }
}

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
    textSearchConfig: pgConfig.textSearchConfig,
  });
}

/** Binds an opened storage bundle (the services are built on it, see the core module). */
export const storageModule = (storage: StorageBundle) =>
  new ContainerModule(({ bind }) => {
    bind(STORAGE).toConstantValue(storage);
  });
