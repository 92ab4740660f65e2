import type { ArcStorageOptions } from '../../adapters/storage/arc/index.js';
import {
  ARC_DATABASE_PATTERN,
  ARC_MEASUREMENT_PATTERN,
  DEFAULT_ARC_MEASUREMENT,
  MAX_ARC_MEASUREMENT_LENGTH,
} from '../../domain/index.js';
import { ConfigError } from './config-error.js';
import { parseBool, parseInteger, type ReadSetting, type SettingName } from './parse-setting.js';

/** The PostgreSQL driver's settings (MEMTRACE_STORAGE_POSTGRES_*). */
export interface PostgresConfig {
  readonly url: string;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  /** Apply pending migrations at server start (under an advisory lock). */
  readonly migrate: boolean;
  /**
   * The text-search configuration keyword search uses (`simple`: the domain's words exactly, for
   * every language); checked against the database at start.
   */
  readonly textSearchConfig: string;
}

/** A configuration name as PostgreSQL reads it unquoted: `name` or `schema.name`. */
const TEXT_SEARCH_CONFIG_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;

/**
 * The Arc driver's settings (MEMTRACE_ARC_*): where memories live. They are the arc driver's
 * own options; `database` must give names that match the domain's `ARC_DATABASE_PATTERN`.
 */
export type ArcConfig = ArcStorageOptions;

/** The postgres driver's settings; the URL is required, every other one has a default. */
export function readPostgresConfig(read: ReadSetting, name: SettingName): PostgresConfig {
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
    textSearchConfig: readTextSearchConfig(read, name),
  };
}

function readTextSearchConfig(read: ReadSetting, name: SettingName): string {
  const value = read('storage', 'postgres_text_search_config') ?? 'simple';
  if (!TEXT_SEARCH_CONFIG_PATTERN.test(value)) {
    throw new ConfigError(
      `${name('storage', 'postgres_text_search_config')} must name a text search configuration ` +
        `(a name or schema.name of letters, digits and '_'), got '${value}'`,
    );
  }
  return value;
}

/** The arc driver's settings; the URL is required, every other one has a default. */
export function readArcConfig(read: ReadSetting, name: SettingName): ArcConfig {
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
