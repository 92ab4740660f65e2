import { parseMasterKey } from '../../adapters/system/aes-gcm-secret-box.js';
import { DEFAULT_LIMITS, MAX_TAGS } from '../../domain/index.js';
import { STORAGE_DRIVERS, type StorageDriver } from '../storage.js';
import type { Config, LogLevel } from './config.js';
import { ConfigError } from './config-error.js';
import { findConfigFile, readToml } from './config-file.js';
import {
  parseBool,
  parseInteger,
  type ReadSetting,
  type SettingName,
  type Source,
  type Table,
} from './parse-setting.js';
import { readContextConfig } from './context-config.js';
import { readMemoryConfig } from './memory-config.js';
import { readArcConfig, readPostgresConfig } from './storage-config.js';

/**
 * Reads the configuration once: defaults, then `memtrace.toml` (from MEMTRACE_CONFIG, or the first
 * of ./, /etc/memtrace/, ~/.memtrace/), then MEMTRACE_* environment variables, which win.
 * The only reader of the environment in memtrace.
 * @throws ConfigError naming the first bad setting
 */
export function loadConfig(env: Source = process.env, cwd = process.cwd()): Config {
  const file = findConfigFile(env, cwd);
  const toml = file ? readToml(file) : {};
  const read: ReadSetting = (section, key) => {
    const fromEnv = env[`MEMTRACE_${section}_${key}`.toUpperCase()];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    const value = (toml[section] as Table | undefined)?.[key];
    return value === undefined ? undefined : String(value);
  };
  const name: SettingName = (section, key) => `MEMTRACE_${section}_${key}`.toUpperCase();

  const authEnabled = read('auth', 'enabled');
  if (authEnabled !== undefined && parseBool(name('auth', 'enabled'), authEnabled) === false) {
    throw new ConfigError(
      'MEMTRACE_AUTH_ENABLED=false is not supported: every request needs an API key',
    );
  }
  const driver = read('storage', 'driver') ?? 'sqlite';
  if (!isStorageDriver(driver)) {
    throw new ConfigError(
      `MEMTRACE_STORAGE_DRIVER must be ${oneOf(STORAGE_DRIVERS)}, got '${driver}'`,
    );
  }
  const synchronous = read('storage', 'sqlite_synchronous') ?? 'full';
  if (synchronous !== 'full' && synchronous !== 'normal') {
    throw new ConfigError(
      `MEMTRACE_STORAGE_SQLITE_SYNCHRONOUS must be 'full' or 'normal', got '${synchronous}'`,
    );
  }
  const level = read('log', 'level') ?? 'info';
  if (!['error', 'warn', 'info', 'debug', 'silent'].includes(level)) {
    throw new ConfigError(
      `MEMTRACE_LOG_LEVEL must be one of error, warn, info, debug, silent, got '${level}'`,
    );
  }
  const format = read('log', 'format') ?? 'console';
  if (format !== 'console' && format !== 'json') {
    throw new ConfigError(`MEMTRACE_LOG_FORMAT must be 'console' or 'json', got '${format}'`);
  }
  const bootstrapKey = read('auth', 'bootstrap_key');
  const seconds = (key: string, fallback: string, min: number) =>
    1000 * parseInteger(name('server', key), read('server', key) ?? fallback, min, 3600);
  const requestTimeoutMs = seconds('request_timeout', '60', 0);
  const headersTimeoutMs = seconds('headers_timeout', '10', 1);
  if (requestTimeoutMs > 0 && headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      'MEMTRACE_SERVER_HEADERS_TIMEOUT must not exceed MEMTRACE_SERVER_REQUEST_TIMEOUT',
    );
  }
  const requestsPerMinute = parseInteger(
    name('rate_limit', 'requests_per_minute'),
    read('rate_limit', 'requests_per_minute') ?? '600',
    1,
    1_000_000,
  );
  const sqliteBusyTimeout = read('storage', 'sqlite_busy_timeout_ms');
  const masterKey = env.MEMTRACE_MASTER_KEY || undefined;
  if (masterKey !== undefined) {
    try {
      parseMasterKey(masterKey);
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
  }
  const postgres =
    driver === 'postgres' || (driver === 'arc' && read('storage', 'postgres_url') !== undefined)
      ? readPostgresConfig(read, name)
      : undefined;
  const arc = driver === 'arc' ? readArcConfig(read, name) : undefined;
  return {
    server: {
      host: read('server', 'host') ?? '0.0.0.0',
      port: parseInteger(name('server', 'port'), read('server', 'port') ?? '9100', 0, 65_535),
      maxBodyBytes: parseInteger(
        name('server', 'max_body_bytes'),
        read('server', 'max_body_bytes') ?? String(10 * 1024 * 1024),
        1024,
        1024 ** 3,
      ),
      shutdownTimeoutMs:
        1000 *
        parseInteger(
          name('server', 'shutdown_timeout'),
          read('server', 'shutdown_timeout') ?? '30',
          0,
          3600,
        ),
      maxHeaderBytes: parseInteger(
        name('server', 'max_header_bytes'),
        read('server', 'max_header_bytes') ?? '16384',
        1024,
        1024 * 1024,
      ),
      maxUrlBytes: parseInteger(
        name('server', 'max_url_bytes'),
        read('server', 'max_url_bytes') ?? '8192',
        256,
        1024 * 1024,
      ),
      requestTimeoutMs,
      headersTimeoutMs,
      keepAliveTimeoutMs: seconds('keep_alive_timeout', '5', 1),
    },
    storage: {
      driver,
      sqlitePath: read('storage', 'sqlite_path') ?? read('auth', 'db_path') ?? './data/memtrace.db',
      sqliteSynchronous: synchronous,
      ...(postgres ? { postgres } : {}),
      ...(arc ? { arc } : {}),
      ...(sqliteBusyTimeout !== undefined
        ? {
            sqliteBusyTimeoutMs: parseInteger(
              name('storage', 'sqlite_busy_timeout_ms'),
              sqliteBusyTimeout,
              0,
              60_000,
            ),
          }
        : {}),
    },
    log: { level: level as LogLevel, format },
    dedup: {
      enabled: parseBool(name('dedup', 'enabled'), read('dedup', 'enabled') ?? 'true'),
      windowHours: parseInteger(
        name('dedup', 'window_hours'),
        read('dedup', 'window_hours') ?? '24',
        1,
        24 * 365 * 10,
      ),
    },
    memory: readMemoryConfig(read, name),
    context: readContextConfig(read, name),
    auth: bootstrapKey !== undefined ? { bootstrapKey } : {},
    secrets: masterKey !== undefined ? { masterKey } : {},
    metrics: {
      enabled: parseBool(name('metrics', 'enabled'), read('metrics', 'enabled') ?? 'true'),
    },
    rateLimit: {
      enabled: parseBool(name('rate_limit', 'enabled'), read('rate_limit', 'enabled') ?? 'false'),
      requestsPerMinute,
      burst: parseInteger(
        name('rate_limit', 'burst'),
        read('rate_limit', 'burst') ?? String(requestsPerMinute),
        1,
        1_000_000,
      ),
    },
    limits: {
      maxFilterValues: parseInteger(
        name('limits', 'max_filter_values'),
        read('limits', 'max_filter_values') ?? String(DEFAULT_LIMITS.maxFilterValues),
        1,
        1000,
      ),
      maxBatchTags: parseInteger(
        name('limits', 'max_batch_tags'),
        read('limits', 'max_batch_tags') ?? String(DEFAULT_LIMITS.maxBatchTags),
        MAX_TAGS,
        10_000_000,
      ),
      maxMetadataBytes: parseInteger(
        name('limits', 'max_metadata_bytes'),
        read('limits', 'max_metadata_bytes') ?? String(DEFAULT_LIMITS.maxMetadataBytes),
        1024,
        1024 ** 3,
      ),
    },
    ...(file ? { file } : {}),
  };
}

/** `'a', 'b' or 'c'`. */
const oneOf = (names: readonly string[]): string => {
  const quoted = names.map((name) => `'${name}'`);
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
};

function isStorageDriver(value: string): value is StorageDriver {
  return (STORAGE_DRIVERS as readonly string[]).includes(value);
}
