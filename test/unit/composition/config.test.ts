import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';

const emptyDir = () => mkdtempSync(path.join(tmpdir(), 'memtrace-config-'));
const load = (env: Record<string, string>, cwd = emptyDir()) =>
  loadConfig({ HOME: cwd, ...env }, cwd);

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = load({});
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 9100 });
    expect(config.storage).toEqual({
      driver: 'sqlite',
      sqlitePath: './data/memtrace.db',
      sqliteSynchronous: 'full',
    });
    expect(config.log).toEqual({ level: 'info', format: 'console' });
    expect(config.dedup).toEqual({ enabled: true, windowHours: 24 });
    expect(config.auth).toEqual({});
  });

  it('reads every MEMTRACE_ variable', () => {
    const config = load({
      MEMTRACE_SERVER_HOST: '127.0.0.1',
      MEMTRACE_SERVER_PORT: '9200',
      MEMTRACE_STORAGE_DRIVER: 'memory',
      MEMTRACE_STORAGE_SQLITE_PATH: '/tmp/x.db',
      MEMTRACE_LOG_LEVEL: 'debug',
      MEMTRACE_LOG_FORMAT: 'json',
      MEMTRACE_DEDUP_ENABLED: 'false',
      MEMTRACE_DEDUP_WINDOW_HOURS: '48',
      MEMTRACE_AUTH_BOOTSTRAP_KEY: 'mtk_x',
    });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 9200 });
    expect(config.storage).toMatchObject({ driver: 'memory', sqlitePath: '/tmp/x.db' });
    expect(config.log).toEqual({ level: 'debug', format: 'json' });
    expect(config.dedup).toEqual({ enabled: false, windowHours: 48 });
    expect(config.auth.bootstrapKey).toBe('mtk_x');
  });

  it('reads memtrace.toml from the working directory and lets the environment win', () => {
    const dir = emptyDir();
    writeFileSync(
      path.join(dir, 'memtrace.toml'),
      '[server]\nport = 9300\nhost = "127.0.0.1"\n[dedup]\nwindow_hours = 6\n[auth]\ndb_path = "./legacy.db"\n',
    );
    const config = load({ MEMTRACE_SERVER_PORT: '9400' }, dir);
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 9400 });
    expect(config.dedup.windowHours).toBe(6);
    expect(config.storage.sqlitePath).toBe('./legacy.db');
    expect(config.file).toBe(path.join(dir, 'memtrace.toml'));
  });

  it.each([
    [
      { MEMTRACE_SERVER_PORT: 'abc' },
      "MEMTRACE_SERVER_PORT must be an integer from 0 to 65535, got 'abc'",
    ],
    [
      { MEMTRACE_SERVER_PORT: '70000' },
      "MEMTRACE_SERVER_PORT must be an integer from 0 to 65535, got '70000'",
    ],
    [
      { MEMTRACE_STORAGE_DRIVER: 'mongo' },
      "MEMTRACE_STORAGE_DRIVER must be 'sqlite', 'postgres', 'arc' or 'memory', got 'mongo'",
    ],
    [
      { MEMTRACE_STORAGE_DRIVER: 'postgres' },
      'MEMTRACE_STORAGE_POSTGRES_URL is required when MEMTRACE_STORAGE_DRIVER is postgres',
    ],
    [
      { MEMTRACE_STORAGE_DRIVER: 'postgres', MEMTRACE_STORAGE_POSTGRES_URL: 'mysql://x/y' },
      "MEMTRACE_STORAGE_POSTGRES_URL must start with 'postgres://' or 'postgresql://'",
    ],
    [
      {
        MEMTRACE_STORAGE_DRIVER: 'postgres',
        MEMTRACE_STORAGE_POSTGRES_URL: 'postgres://h/db',
        MEMTRACE_STORAGE_POSTGRES_POOL_SIZE: '0',
      },
      "MEMTRACE_STORAGE_POSTGRES_POOL_SIZE must be an integer from 1 to 1000, got '0'",
    ],
    [
      {
        MEMTRACE_STORAGE_DRIVER: 'postgres',
        MEMTRACE_STORAGE_POSTGRES_URL: 'postgres://h/db',
        MEMTRACE_STORAGE_POSTGRES_TEXT_SEARCH_CONFIG: "english'; drop",
      },
      'MEMTRACE_STORAGE_POSTGRES_TEXT_SEARCH_CONFIG must name a text search configuration ' +
        "(a name or schema.name of letters, digits and '_'), got 'english'; drop'",
    ],
    [
      { MEMTRACE_LOG_LEVEL: 'loud' },
      "MEMTRACE_LOG_LEVEL must be one of error, warn, info, debug, silent, got 'loud'",
    ],
    [{ MEMTRACE_LOG_FORMAT: 'xml' }, "MEMTRACE_LOG_FORMAT must be 'console' or 'json', got 'xml'"],
    [
      { MEMTRACE_CONTEXT_TOKENIZER: 'gpt2' },
      "MEMTRACE_CONTEXT_TOKENIZER must be 'o200k_base' or 'cl100k_base', got 'gpt2'",
    ],
    [
      { MEMTRACE_DEDUP_ENABLED: 'maybe' },
      "MEMTRACE_DEDUP_ENABLED must be true or false, got 'maybe'",
    ],
    [
      { MEMTRACE_DEDUP_WINDOW_HOURS: '0' },
      "MEMTRACE_DEDUP_WINDOW_HOURS must be an integer from 1 to 87600, got '0'",
    ],
    [
      { MEMTRACE_AUTH_ENABLED: 'false' },
      'MEMTRACE_AUTH_ENABLED=false is not supported: every request needs an API key',
    ],
    [
      { MEMTRACE_CONFIG: '/nonexistent/memtrace.toml' },
      'MEMTRACE_CONFIG names a missing file: /nonexistent/memtrace.toml',
    ],
  ])('fails fast with a one-line reason for %o', (env, message) => {
    expect(() => load(env)).toThrow(message);
  });

  it('reads the postgres settings with their defaults when the driver is postgres', () => {
    const config = load({
      MEMTRACE_STORAGE_DRIVER: 'postgres',
      MEMTRACE_STORAGE_POSTGRES_URL: 'postgres://u@127.0.0.1:5432/db',
    });
    expect(config.storage.driver).toBe('postgres');
    expect(config.storage.postgres).toEqual({
      url: 'postgres://u@127.0.0.1:5432/db',
      poolSize: 10,
      connectTimeoutMs: 1000,
      statementTimeoutMs: 1500,
      migrate: true,
      textSearchConfig: 'simple',
    });
  });

  it('reads every MEMTRACE_STORAGE_POSTGRES_ variable when they are set', () => {
    const config = load({
      MEMTRACE_STORAGE_DRIVER: 'postgres',
      MEMTRACE_STORAGE_POSTGRES_URL: 'postgresql://u@db/memtrace',
      MEMTRACE_STORAGE_POSTGRES_POOL_SIZE: '25',
      MEMTRACE_STORAGE_POSTGRES_CONNECT_TIMEOUT_MS: '3000',
      MEMTRACE_STORAGE_POSTGRES_STATEMENT_TIMEOUT_MS: '8000',
      MEMTRACE_STORAGE_POSTGRES_MIGRATE: 'false',
      MEMTRACE_STORAGE_POSTGRES_TEXT_SEARCH_CONFIG: 'english',
    });
    expect(config.storage.postgres).toEqual({
      url: 'postgresql://u@db/memtrace',
      poolSize: 25,
      connectTimeoutMs: 3000,
      statementTimeoutMs: 8000,
      migrate: false,
      textSearchConfig: 'english',
    });
  });

  it('leaves the postgres settings out when the driver is not postgres', () => {
    const config = load({ MEMTRACE_STORAGE_POSTGRES_URL: 'postgres://h/db' });
    expect(config.storage.postgres).toBeUndefined();
  });

  it('names the file when memtrace.toml is not valid TOML', () => {
    const dir = emptyDir();
    writeFileSync(path.join(dir, 'memtrace.toml'), '[server\nport = ');
    expect(() => load({}, dir)).toThrow(/memtrace\.toml is not valid TOML: /);
  });
});

describe('loadConfig.memory', () => {
  it('allows a memory time 5 minutes ahead of the clock when nothing is set', () => {
    expect(load({}).memory.maxFutureSkewMs).toBe(5 * 60_000);
  });

  it.each([
    ['0', 0],
    ['30s', 30_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
  ])('reads MEMTRACE_MEMORY_MAX_FUTURE_SKEW=%s as %i ms', (value, ms) => {
    expect(load({ MEMTRACE_MEMORY_MAX_FUTURE_SKEW: value }).memory.maxFutureSkewMs).toBe(ms);
  });

  it('reads max_future_skew from the [memory] table of memtrace.toml', () => {
    const cwd = emptyDir();
    writeFileSync(path.join(cwd, 'memtrace.toml'), '[memory]\nmax_future_skew = "10m"\n');
    expect(load({}, cwd).memory.maxFutureSkewMs).toBe(600_000);
  });

  it.each(['5', '-1m', '5 minutes', '1y', '53w'])(
    'refuses MEMTRACE_MEMORY_MAX_FUTURE_SKEW=%s naming the variable',
    (value) => {
      expect(() => load({ MEMTRACE_MEMORY_MAX_FUTURE_SKEW: value })).toThrow(
        /^MEMTRACE_MEMORY_MAX_FUTURE_SKEW must be a duration such as 30s, 5m, 2h, 7d or 1w/,
      );
    },
  );
});

describe('loadConfig [context] tokenizer', () => {
  it('is o200k_base by default, cl100k_base from the environment or memtrace.toml', () => {
    expect(load({}).context.tokenizer).toBe('o200k_base');
    expect(load({ MEMTRACE_CONTEXT_TOKENIZER: 'cl100k_base' }).context.tokenizer).toBe(
      'cl100k_base',
    );
    const dir = emptyDir();
    writeFileSync(path.join(dir, 'memtrace.toml'), '[context]\ntokenizer = "cl100k_base"\n');
    expect(load({}, dir).context.tokenizer).toBe('cl100k_base');
  });
});
