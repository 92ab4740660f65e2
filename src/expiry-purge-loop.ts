import { ExpiryPurge, type Clock, type Logger } from '../domain/index.js';
import type { StorageBundle } from '../adapters/storage/storage-bundle.js';
import type { MemoryConfig } from './config/memory-config.js';
import type { Memtrace } from './core.js';

/** Purge runs per org and pass before the rest waits for the next pass. */
const MAX_BATCHES_PER_RUN = 100;

export interface PurgeLoop {
  /** Stops the loop and waits for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * Deletes expired memories every `purgeIntervalMs` (none when 0), one pass at a time: the next
 * pass is scheduled when the last one ends, so passes never overlap in one process; several
 * processes on one store share the work (see `MemoryStore.purgeExpired`). A failed pass is
 * logged at warn and the next one tries again. The timer does not keep the process alive.
 */
export function startPurgeLoop(
  core: Memtrace,
  storage: StorageBundle,
  clock: Clock,
  logger: Logger,
  config: MemoryConfig,
): PurgeLoop {
  if (config.purgeIntervalMs === 0) return { stop: async () => undefined };
  const purge = new ExpiryPurge(storage.memories, storage.auth, core.retention, clock, logger, {
    batchSize: config.purgeBatchSize,
    maxBatchesPerRun: MAX_BATCHES_PER_RUN,
  });
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = purge.run().then(
        () => schedule(),
        (e: unknown) => {
          logger.warn('expired memories not purged', { error: String(e) });
          schedule();
        },
      );
    }, config.purgeIntervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
