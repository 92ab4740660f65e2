import { Option } from 'commander';
import { createWinstonLogger } from '../../../adapters/logging/winston-logger.js';
import type { StorageBundle } from '../../../adapters/storage/storage-bundle.js';
import { DEFAULT_ORG_ID, type ArcInstanceService } from '../../../domain/index.js';
import { loadConfig } from '../../config/index.js';
import { createMemtrace, type Memtrace } from '../../core.js';
import { openConfiguredStorage } from '../../modules/storage.module.js';

// What the operator commands share: their output, the --org option, the configured store.

export const iso = (ms: number) => new Date(ms).toISOString();
export const out = (line: string) => process.stdout.write(line + '\n');

export const orgOption = () =>
  new Option('--org <org_id>', 'the org to act on').default(DEFAULT_ORG_ID, DEFAULT_ORG_ID);

/**
 * Runs `work` on the configured store and its services, then closes the store. The operator
 * commands need no HTTP app, so they skip the container and start faster. With `log`, the
 * services log as the server does (MEMTRACE_LOG_*, to stderr): what deletes is recorded.
 */
export async function withStore<T>(
  work: (storage: StorageBundle, core: Memtrace) => Promise<T>,
  { log = false }: { log?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const storage = await openConfiguredStorage(config);
  const logger = log ? createWinstonLogger(config.log) : undefined;
  try {
    return await work(
      storage,
      createMemtrace({ storage, masterKey: config.secrets.masterKey, logger }),
    );
  } finally {
    await storage.close();
  }
}

/** Runs `work` with the org Arc routing of the configured store (see {@link withStore}). */
export const withArcRouting = <T>(work: (arc: ArcInstanceService) => Promise<T>): Promise<T> =>
  withStore((_storage, core) => work(core.arcInstances));
