import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { STORAGE_DRIVERS, type StorageDriver } from '../adapters/storage/storage-bundle.js';
import { parseMasterKey } from '../adapters/system/aes-gcm-secret-box.js';
import {
  ARC_DATABASE_PATTERN,
  ARC_MEASUREMENT_PATTERN,
  DEFAULT_ARC_MEASUREMENT,
  DEFAULT_LIMITS,
  MAX_ARC_MEASUREMENT_LENGTH,
  MAX_TAGS,
  type Limits,
} from '../domain/index.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'silent';
export type LogFormat = 'console' | 'json';

export interface Config {
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly maxBodyBytes: number;
    readonly shutdownTimeoutMs: number;
    /** Node's maxHeaderSize: larger request heads get 431. */
    readonly maxHeaderBytes: number;
    /** Longer request targets (path and query) get 414. */
    readonly maxUrlBytes: number;
    /** Time a client has to send a whole request (0: no limit). */
    readonly requestTimeoutMs: number;
    /** Time a client has to send the request head. */
    readonly headersTimeoutMs: number;
    /** How long an idle keep-alive connection stays open. */
    readonly keepAliveTimeoutMs: number;
  };
  readonly storage: {
    readonly driver: StorageDriver;
    readonly sqlitePath: string;
    readonly sqliteSynchronous: 'full' | 'normal';
    /** How long a SQLite write waits for another process's lock before it is a 503. */
    readonly sqliteBusyTimeoutMs?: number;
    /**
     * Present when the driver is `postgres`, or `arc` with MEMTRACE_STORAGE_POSTGRES_URL set
     * (orgs, keys, agents and sessions then live in PostgreSQL rather than SQLite).
     */
    readonly postgres?: PostgresConfig;
    /** Present when the driver is `arc`. */
    readonly arc?: ArcConfig;
  };
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
  readonly dedup: { readonly enabled: boolean; readonly windowHours: number };
  readonly auth: { readonly bootstrapKey?: string };
  /**
   * MEMTRACE_MASTER_KEY (environment only, never memtrace.toml): 32 bytes as 64 hex digits or
   * base64, checked here; it encrypts the API keys of per-org Arc instances at rest. Absent is
   * allowed until a key has to be encrypted or decrypted.
   */
  readonly secrets: { readonly masterKey?: string };
  /** GET /metrics and the request and store timing behind it (MEMTRACE_METRICS_ENABLED). */
  readonly metrics: { readonly enabled: boolean };
  /** Per-key rate limit; off unless enabled (the spec leaves it to a reverse proxy). */
  readonly rateLimit: {
    readonly enabled: boolean;
    readonly requestsPerMinute: number;
    readonly burst: number;
  };
  /** What one request may ask for or store (MEMTRACE_LIMITS_*); see the domain's `Limits`. */
  readonly limits: Limits;
  /** The memtrace.toml that was read, if any. */
  readonly file?: string;
}

/** The PostgreSQL driver's settings (MEMTRACE_STORAGE_POSTGRES_*). */
export interface PostgresConfig {
  readonly url: string;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  /** Apply pending migrations at server start (under an advisory lock). */
  readonly migrate: boolean;
}

/** The Arc driver's settings (MEMTRACE_ARC_*): where memories live. */
export interface ArcConfig {
  readonly url: string;
  /** Arc API token; absent when Arc runs without auth. */
  readonly apiKey?: string;
  /**
   * The Arc database name, or a template with `{org}` for one database per org (the default,
   * `memtrace_{org}`); the result must match the domain's `ARC_DATABASE_PATTERN`.
   */
  readonly database: string;
  readonly measurement: string;
  /** Longest one store call may take against Arc, retries included. */
  readonly timeoutMs: number;
  /** Retries of a call that may pass on retry. */
  readonly retries: number;
  /** How long acknowledged writes are merged into reads while Arc does not show them yet. */
  readonly readYourWritesMs: number;
}

/** A configuration mistake; its message is one line naming the setting. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Source = Readonly<Record<string, string | undefined>>;
type Table = Record<string, unknown>;

/**
 * Reads the configuration once: defaults, then `memtrace.toml` (from MEMTRACE_CONFIG, or the first
 * of ./, /etc/memtrace/, ~/.memtrace/), then MEMTRACE_* environment variables, which win.
 * The only reader of the environment in memtrace.
 * @throws ConfigError naming the first bad setting
 */
export function loadConfig(env: Source = process.env, cwd = process.cwd()): Config {
  const file = findConfigFile(env, cwd);
  const toml = file ? readToml(file) : {};
  const read = (section: string, key: string): string | undefined => {
    const fromEnv = env[`MEMTRACE_${section}_${key}`.toUpperCase()];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    const value = (toml[section] as Table | undefined)?.[key];
    return value === undefined ? undefined : String(value);
  };
  const name = (section: string, key: string) => `MEMTRACE_${section}_${key}`.toUpperCase();

  const authEnabled = read('auth', 'enabled');
  if (authEnabled !== undefined && parseBool(name('auth', 'enabled'), authEnabled) === false) {
    throw new ConfigError(
      'MEMTRACE_AUTH_ENABLED=false is not supported: every request needs an API key',
    );
  }
  const driver = read('storage', 'driver') ?? 'sqlite';
  if (!isStorageDriver(driver)) {
    throw new ConfigError(
      `MEMTRACE_STORAGE_DRIVER must be 'sqlite', 'postgres', 'arc' or 'memory', got '${driver}'`,
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

/** The postgres driver's settings; the URL is required, every other one has a default. */
function readPostgresConfig(
  read: (section: string, key: string) => string | undefined,
  name: (section: string, key: string) => string,
): PostgresConfig {
  const url = read('storage', 'postgres_url');
  if (url === undefined) {
    throw new ConfigError(
      'MEMTRACE_STORAGE_POSTGRES_URL is required when MEMTRACE_STORAGE_DRIVER is postgres',
    );
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new ConfigError(
      "MEMTRACE_STORAGE_POSTGRES_URL must start with 'postgres://' or 'postgresql://'",
    );
  }
  const int = (key: string, fallback: string, min: number, max: number) =>
    parseInteger(name('storage', key), read('storage', key) ?? fallback, min, max);
  return {
    url,
    poolSize: int('postgres_pool_size', '10', 1, 1000),
    connectTimeoutMs: int('postgres_connect_timeout_ms', '1000', 100, 600_000),
    statementTimeoutMs: int('postgres_statement_timeout_ms', '1500', 100, 3_600_000),
    migrate: parseBool(
      name('storage', 'postgres_migrate'),
      read('storage', 'postgres_migrate') ?? 'true',
    ),
  };
}

/** The arc driver's settings; the URL is required, every other one has a default. */
function readArcConfig(
  read: (section: string, key: string) => string | undefined,
  name: (section: string, key: string) => string,
): ArcConfig {
  const url = read('arc', 'url');
  if (url === undefined) {
    throw new ConfigError('MEMTRACE_ARC_URL is required when MEMTRACE_STORAGE_DRIVER is arc');
  }
  if (!/^https?:\/\/[^/]/.test(url)) {
    throw new ConfigError(`MEMTRACE_ARC_URL must be an http(s) URL, got '${url}'`);
  }
  const database = read('arc', 'database') ?? 'memtrace_{org}';
  // The longest org id (`org_` + 24 hex) must still give a valid name.
  const sample = database.replaceAll('{org}', `org_${'0'.repeat(24)}`);
  if (!ARC_DATABASE_PATTERN.test(sample)) {
    throw new ConfigError(
      `MEMTRACE_ARC_DATABASE must give Arc database names of a letter then at most 63 letters, ` +
        `digits, '_' or '-' (with {org} replaced by an org id), got '${database}'`,
    );
  }
  const measurement = read('arc', 'measurement') ?? DEFAULT_ARC_MEASUREMENT;
  if (
    measurement.length > MAX_ARC_MEASUREMENT_LENGTH ||
    !ARC_MEASUREMENT_PATTERN.test(measurement)
  ) {
    throw new ConfigError(
      `MEMTRACE_ARC_MEASUREMENT must be a letter then letters, digits, '_' or '-', got '${measurement}'`,
    );
  }
  const int = (key: string, fallback: string, min: number, max: number) =>
    parseInteger(name('arc', key), read('arc', key) ?? fallback, min, max);
  const apiKey = read('arc', 'api_key');
  return {
    url: url.replace(/\/+$/, ''),
    ...(apiKey !== undefined ? { apiKey } : {}),
    database,
    measurement,
    timeoutMs: int('timeout_ms', '5000', 100, 600_000),
    retries: int('retries', '3', 0, 10),
    readYourWritesMs: int('read_your_writes_ms', '60000', 0, 3_600_000),
  };
}

function findConfigFile(env: Source, cwd: string): string | undefined {
  const explicit = env.MEMTRACE_CONFIG;
  if (explicit) {
    if (!existsSync(explicit))
      throw new ConfigError(`MEMTRACE_CONFIG names a missing file: ${explicit}`);
    return explicit;
  }
  const home = env.HOME ?? homedir();
  return [
    path.join(cwd, 'memtrace.toml'),
    '/etc/memtrace/memtrace.toml',
    path.join(home, '.memtrace', 'memtrace.toml'),
  ].find((candidate) => existsSync(candidate));
}

function readToml(file: string): Table {
  try {
    return parseToml(readFileSync(file, 'utf8')) as Table;
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new ConfigError(`${file} is not valid TOML: ${reason}`);
  }
}

function parseInteger(name: string, value: string, min: number, max: number): number {
  const n = /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

function parseBool(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got '${value}'`);
}

/**
 * The settings of `memtrace mcp` (stdio), a client of a running server, read as the Go
 * version's memtrace-mcp reads them: MEMTRACE_URL (default http://localhost:9100) and
 * MEMTRACE_API_KEY.
 * @throws ConfigError when MEMTRACE_API_KEY is missing or MEMTRACE_URL is not an http(s) URL
 */
export function loadMcpClientConfig(env: Source = process.env): { url: string; apiKey: string } {
  const url = env.MEMTRACE_URL || 'http://localhost:9100';
  const apiKey = env.MEMTRACE_API_KEY;
  if (!apiKey) throw new ConfigError('MEMTRACE_API_KEY is required (an mtk_... key of the server)');
  if (!/^https?:\/\/[^/]/.test(url)) {
    throw new ConfigError(`MEMTRACE_URL must be an http(s) URL, got '${url}'`);
  }
  return { url, apiKey };
}

function isStorageDriver(value: string): value is StorageDriver {
  return (STORAGE_DRIVERS as readonly string[]).includes(value);
}
