import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';

export type StorageDriverName = 'memory' | 'sqlite';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'silent';
export type LogFormat = 'console' | 'json';

export interface Config {
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly maxBodyBytes: number;
    readonly shutdownTimeoutMs: number;
  };
  readonly storage: {
    readonly driver: StorageDriverName;
    readonly sqlitePath: string;
    readonly sqliteSynchronous: 'full' | 'normal';
  };
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
  readonly dedup: { readonly enabled: boolean; readonly windowHours: number };
  readonly auth: { readonly bootstrapKey?: string };
  /** The memtrace.toml that was read, if any. */
  readonly file?: string;
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
  if (driver !== 'sqlite' && driver !== 'memory') {
    throw new ConfigError(`MEMTRACE_STORAGE_DRIVER must be 'sqlite' or 'memory', got '${driver}'`);
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
    },
    storage: {
      driver,
      sqlitePath: read('storage', 'sqlite_path') ?? read('auth', 'db_path') ?? './data/memtrace.db',
      sqliteSynchronous: synchronous,
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
    ...(file ? { file } : {}),
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
