import 'reflect-metadata';
import { Container } from 'inversify';
import { ArcRoutingChanges } from '../adapters/storage/arc/arc-routing.js';
import type { StorageBundle } from '../adapters/storage/storage-bundle.js';
import { ArcInstanceService, type Clock, type Logger } from '../domain/index.js';
import type { Config } from './config/index.js';
import { instrumentStorage } from '../adapters/metrics/instrumented-storage.js';
import type { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics.js';
import { coreModule } from './modules/core.module.js';
import { httpModule } from './modules/http.module.js';
import { loggingModule } from './modules/logging.module.js';
import { openConfiguredStorage, storageModule } from './modules/storage.module.js';
import { CONFIG } from './modules/tokens.js';

export interface BuildOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** An already opened storage (tests); otherwise the configured driver is opened. */
  readonly storage?: StorageBundle;
  /** Metrics to record into: the storage is timed and the app serves GET /metrics. */
  readonly metrics?: PrometheusMetrics;
}

/**
 * Opens every asynchronous resource first (the storage), then loads the modules in one
 * synchronous pass, so nothing resolved later is asynchronous.
 */
export async function buildContainer(config: Config, options: BuildOptions = {}) {
  const arcRoutingChanges = new ArcRoutingChanges();
  const opened = options.storage ?? (await openConfiguredStorage(config, { arcRoutingChanges }));
  const storage = options.metrics ? instrumentStorage(opened, options.metrics) : opened;
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(CONFIG).toConstantValue(config);
  container.load(
    storageModule(storage),
    loggingModule(config, options.logger),
    coreModule(config, options.clock, options.metrics),
    httpModule(config, options.metrics),
  );
  // The admin route's changes to an org's Arc routing reach the arc driver's resolver at once.
  container.get(ArcInstanceService).onChange((orgId) => arcRoutingChanges.notify(orgId));
  return { container, storage };
}
