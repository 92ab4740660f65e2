import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { arcDatabaseName, defaultArcTargetResolver } from '../../../adapters/storage/arc/index.js';

const load = (env: Record<string, string>) => loadConfig(env, '/nonexistent');

describe('loadConfig for the arc driver', () => {
  it('requires MEMTRACE_ARC_URL and defaults the rest', () => {
    expect(() => load({ MEMTRACE_STORAGE_DRIVER: 'arc' })).toThrow(/MEMTRACE_ARC_URL is required/);
    const config = load({ MEMTRACE_STORAGE_DRIVER: 'arc', MEMTRACE_ARC_URL: 'http://arc:8000/' });
    expect(config.storage.arc).toEqual({
      url: 'http://arc:8000',
      database: 'memtrace_{org}',
      measurement: 'events',
      timeoutMs: 5000,
      retries: 3,
      readYourWritesMs: 60_000,
    });
    expect(config.storage.postgres).toBeUndefined();
  });

  it('reads the token, database, measurement and timings', () => {
    const config = load({
      MEMTRACE_STORAGE_DRIVER: 'arc',
      MEMTRACE_ARC_URL: 'https://arc.example',
      MEMTRACE_ARC_API_KEY: 'secret',
      MEMTRACE_ARC_DATABASE: 'agents',
      MEMTRACE_ARC_MEASUREMENT: 'memories',
      MEMTRACE_ARC_TIMEOUT_MS: '1500',
      MEMTRACE_ARC_RETRIES: '0',
      MEMTRACE_ARC_READ_YOUR_WRITES_MS: '10000',
    });
    expect(config.storage.arc).toEqual({
      url: 'https://arc.example',
      apiKey: 'secret',
      database: 'agents',
      measurement: 'memories',
      timeoutMs: 1500,
      retries: 0,
      readYourWritesMs: 10_000,
    });
  });

  it('keeps orgs in PostgreSQL when its URL is set, else in SQLite', () => {
    const config = load({
      MEMTRACE_STORAGE_DRIVER: 'arc',
      MEMTRACE_ARC_URL: 'http://arc:8000',
      MEMTRACE_STORAGE_POSTGRES_URL: 'postgres://pg/memtrace',
    });
    expect(config.storage.postgres?.url).toBe('postgres://pg/memtrace');
  });

  it.each([
    ['MEMTRACE_ARC_URL', 'arc:8000'],
    ['MEMTRACE_ARC_DATABASE', '1db'],
    ['MEMTRACE_ARC_DATABASE', 'my.db_{org}'],
    ['MEMTRACE_ARC_DATABASE', `${'x'.repeat(40)}_{org}`],
    ['MEMTRACE_ARC_MEASUREMENT', 'bad name'],
    ['MEMTRACE_ARC_TIMEOUT_MS', '5'],
  ])('refuses %s=%s naming the setting', (key, value) => {
    const env = { MEMTRACE_STORAGE_DRIVER: 'arc', MEMTRACE_ARC_URL: 'http://arc', [key]: value };
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(key);
  });
});

describe('arcDatabaseName', () => {
  it('gives one database per org from a template, or one for all without {org}', () => {
    expect(arcDatabaseName('memtrace_{org}', 'org_default')).toBe('memtrace_org_default');
    expect(arcDatabaseName('shared', 'org_default')).toBe('shared');
  });

  it('replaces an org id Arc would refuse by a digest, the same each time', () => {
    const name = arcDatabaseName('memtrace_{org}', 'org.with.dots');
    expect(name).toMatch(/^memtrace_h[0-9a-f]{24}$/);
    expect(arcDatabaseName('memtrace_{org}', 'org.with.dots')).toBe(name);
    expect(arcDatabaseName('memtrace_{org}', 'x'.repeat(80))).toMatch(/^memtrace_h[0-9a-f]{24}$/);
  });

  it('resolves an org to the configured server, key and measurement', async () => {
    const resolve = defaultArcTargetResolver({
      url: 'http://arc:8000',
      apiKey: 'k',
      database: 'memtrace_{org}',
      measurement: 'events',
      timeoutMs: 1000,
      retries: 1,
      readYourWritesMs: 1000,
    });
    expect(await resolve('org_a')).toEqual({
      url: 'http://arc:8000',
      apiKey: 'k',
      database: 'memtrace_org_a',
      measurement: 'events',
    });
  });
});
