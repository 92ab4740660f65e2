import { DomainError, parseDuration } from '../../domain/index.js';
import { ConfigError } from './config-error.js';
import {
  parseDuration as parseSettingDuration,
  parseInteger,
  type ReadSetting,
  type SettingName,
} from './parse-setting.js';

/** Event time and expiry settings (`[memory]` in memtrace.toml, MEMTRACE_MEMORY_*). */
export interface MemoryConfig {
  /** How far ahead of the server's clock a memory's `time` may be (MEMTRACE_MEMORY_MAX_FUTURE_SKEW). */
  readonly maxFutureSkewMs: number;
  /**
   * MEMTRACE_MEMORY_DEFAULT_RETENTION (`30d`): how long memories of orgs without a retention of
   * their own live when they have no expiry and are not pinned. null (unset): forever.
   */
  readonly defaultRetentionMs: number | null;
  /** MEMTRACE_MEMORY_PURGE_INTERVAL in seconds (default 60): how often expired memories are deleted; 0 never. */
  readonly purgeIntervalMs: number;
  /** MEMTRACE_MEMORY_PURGE_BATCH_SIZE (default 1000): memories one purge statement deletes at most. */
  readonly purgeBatchSize: number;
}

/** @throws ConfigError naming the first bad setting */
export function readMemoryConfig(read: ReadSetting, name: SettingName): MemoryConfig {
  const retention = read('memory', 'default_retention');
  let defaultRetentionMs: number | null = null;
  if (retention !== undefined) {
    try {
      defaultRetentionMs = parseDuration(name('memory', 'default_retention'), retention);
    } catch (e) {
      throw e instanceof DomainError ? new ConfigError(e.message) : e;
    }
  }
  return {
    maxFutureSkewMs: parseSettingDuration(
      name('memory', 'max_future_skew'),
      read('memory', 'max_future_skew') ?? '5m',
      52 * 604_800_000,
    ),
    defaultRetentionMs,
    purgeIntervalMs:
      1000 *
      parseInteger(
        name('memory', 'purge_interval'),
        read('memory', 'purge_interval') ?? '60',
        0,
        86_400,
      ),
    purgeBatchSize: parseInteger(
      name('memory', 'purge_batch_size'),
      read('memory', 'purge_batch_size') ?? '1000',
      1,
      100_000,
    ),
  };
}
