import { ContainerModule } from 'inversify';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import { systemClock } from '../../adapters/system/system-clock.js';
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
import { createMemtrace, type Memtrace } from '../core.js';
import { meterContextTokens } from '../../adapters/metrics/meter-context-tokens.js';
import type { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { MEMTRACE, STORAGE } from './tokens.js';

/**
 * The domain services, built by {@link createMemtrace} on the bound storage with the
 * configured dedup, limits, master key and logger: the domain itself carries no decorators.
 */
export const coreModule = (
  config: Config,
  clock: Clock = systemClock,
  metrics?: PrometheusMetrics,
) =>
  new ContainerModule(({ bind }) => {
    bind(CLOCK).toConstantValue(clock);
    bind(MEMTRACE)
      .toResolvedValue(
        (storage: StorageBundle, logger: Logger) => {
          const core = createMemtrace({
            storage,
            clock,
            logger,
            dedup: config.dedup,
            eventTime: config.memory,
            limits: config.limits,
            masterKey: config.secrets.masterKey,
            defaultRetentionMs: config.memory.defaultRetentionMs,
            contextTokenizer: config.context.tokenizer,
          });
          return metrics ? { ...core, context: meterContextTokens(core.context, metrics) } : core;
        },
        [STORAGE, LOGGER],
      )
      .inSingletonScope();
    bind(MemoryService).toResolvedValue((core: Memtrace) => core.memories, [MEMTRACE]);
    bind(SessionService).toResolvedValue((core: Memtrace) => core.sessions, [MEMTRACE]);
    bind(ContextService).toResolvedValue((core: Memtrace) => core.context, [MEMTRACE]);
    bind(AgentService).toResolvedValue((core: Memtrace) => core.agents, [MEMTRACE]);
    bind(AuthService).toResolvedValue((core: Memtrace) => core.auth, [MEMTRACE]);
    bind(ArcInstanceService).toResolvedValue((core: Memtrace) => core.arcInstances, [MEMTRACE]);
  });
