import { ContainerModule } from 'inversify';
import type { AppDeps } from '../../adapters/http/app-deps.js';
import { createApp } from '../../adapters/http/create-app.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import {
  AgentService,
  ArcInstanceService,
  AuthService,
  CLOCK,
  ContextService,
  LOGGER,
  MemoryService,
  SessionService,
  type Clock,
  type Logger,
} from '../../domain/index.js';
import type { Config } from '../config/index.js';
import type { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { mcpHttpEndpoint } from '../../adapters/mcp/streamable-http.js';
import { consoleDir } from '../console-dir.js';
import { APP_DEPS, HTTP_APP, STORAGE } from './tokens.js';

export const httpModule = (config: Config, metrics?: PrometheusMetrics) =>
  new ContainerModule(({ bind }) => {
    bind(APP_DEPS)
      .toResolvedValue(
        (
          memories: MemoryService,
          sessions: SessionService,
          context: ContextService,
          agents: AgentService,
          auth: AuthService,
          arcInstances: ArcInstanceService,
          logger: Logger,
          clock: Clock,
          storage: StorageBundle,
        ) => ({
          memories,
          sessions,
          context,
          agents,
          auth,
          arcInstances,
          logger,
          now: () => clock.now(),
          startedAt: clock.now(),
          driver: storage.driver,
          ping: () => storage.ping(),
          maxBodyBytes: config.server.maxBodyBytes,
          maxUrlBytes: config.server.maxUrlBytes,
          ...(metrics ? { metrics } : {}),
          ...(config.rateLimit.enabled ? { rateLimit: config.rateLimit } : {}),
          consoleDir: consoleDir(),
          mounts: [
            {
              path: '/mcp',
              handler: mcpHttpEndpoint({ memories, sessions, context, agents, auth }),
            },
          ],
        }),
        [
          MemoryService,
          SessionService,
          ContextService,
          AgentService,
          AuthService,
          ArcInstanceService,
          LOGGER,
          CLOCK,
          STORAGE,
        ],
      )
      .inSingletonScope();
    bind(HTTP_APP)
      .toResolvedValue((deps: AppDeps) => createApp(deps), [APP_DEPS])
      .inSingletonScope();
  });
