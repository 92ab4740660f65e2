import type express from 'express';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeEach } from 'vitest';
import type { AppDeps } from '../../adapters/http/app-deps.js';
import { createPostgresStorage } from '../../adapters/storage/postgres/index.js';
import { createSqliteStorage } from '../../adapters/storage/sqlite/index.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import { silentLogger, type DedupSettings, type Limits, type Logger } from '../../domain/index.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { buildContainer } from '../../src/container.js';
import { DEFAULT_DEDUP, openStorage, type Memtrace } from '../../src/core.js';
import { FixedClock } from './fixed-clock.js';
import { APP_DEPS, HTTP_APP, MEMTRACE } from '../../src/modules/tokens.js';
import {
  createSchema,
  dropSchema,
  POSTGRES_SKIP_REASON,
  randomSchemaName,
  TEST_POSTGRES_URL,
  truncateSchema,
} from './postgres-harness.js';

/** 2026-02-13T10:30:00Z, the time of the spec's examples: where test clocks start. */
export const TEST_START = Date.UTC(2026, 1, 13, 10, 30, 0);

export interface TestAppOptions {
  readonly clock?: FixedClock;
  readonly dedup?: DedupSettings;
  readonly maxBodyBytes?: number;
  readonly logger?: Logger;
  readonly ping?: () => Promise<void>;
  /** The storage driver; TEST_DRIVER by default. */
  readonly driver?: string;
  /** Storage opened by the test itself (e.g. on an Arc it controls); `driver` is then unused. */
  readonly storage?: StorageBundle;
  /** MEMTRACE_MASTER_KEY; TEST_MASTER_KEY by default, null for none. */
  readonly masterKey?: string | null;
  /** MEMTRACE_LIMITS_*; the defaults unless given. */
  readonly limits?: Limits;
  /** MEMTRACE_MEMORY_MAX_FUTURE_SKEW in ms; the default (5m) unless given. */
  readonly maxFutureSkewMs?: number;
}

export type TestServices = Memtrace;

/** The MEMTRACE_MASTER_KEY of test apps (64 hex digits). */
export const TEST_MASTER_KEY = '0f'.repeat(32);

export interface TestApp {
  readonly app: express.Express;
  /** The admin key of the default org (the operator), made by bootstrap. */
  readonly adminKey: string;
  readonly services: TestServices;
  readonly storage: StorageBundle;
  readonly clock: FixedClock;
  /** What the app was built from, to build variants (another logger, a failing ping). */
  readonly deps: AppDeps;
}

export const TEST_MAX_BODY_BYTES = 1024 * 1024;

/** The storage driver the HTTP e2e suite runs on: MEMTRACE_TEST_DRIVER, `memory` by default. */
export const TEST_DRIVER = process.env.MEMTRACE_TEST_DRIVER ?? 'memory';

/**
 * On postgres every test file gets one schema and one pool: each app built empties it
 * (TRUNCATE ... RESTART IDENTITY), and it is dropped after the file. Without
 * MEMTRACE_TEST_POSTGRES_URL every test of the file is skipped, saying why.
 */
let postgresStorage: { schema: string; bundle: StorageBundle; admin: pg.Client } | null = null;
if (TEST_DRIVER === 'postgres') {
  beforeEach((ctx) => {
    if (TEST_POSTGRES_URL === undefined) ctx.skip(POSTGRES_SKIP_REASON);
  });
  afterAll(async () => {
    if (postgresStorage === null) return;
    await postgresStorage.admin.end();
    await postgresStorage.bundle.close();
    await dropSchema(postgresStorage.schema);
    postgresStorage = null;
  });
}

async function openPostgresTestStorage(): Promise<StorageBundle> {
  if (TEST_POSTGRES_URL === undefined) throw new Error(POSTGRES_SKIP_REASON);
  if (postgresStorage === null) {
    const schema = randomSchemaName('e2e');
    await createSchema(schema);
    const bundle = await createPostgresStorage({ url: TEST_POSTGRES_URL, schema, poolSize: 5 });
    // The connection that empties the schema, outside the store under test, kept for the file.
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    postgresStorage = { schema, bundle, admin };
  }
  // Close is a no-op so that an app's test cannot end the file's shared pool.
  const { schema, bundle, admin } = postgresStorage;
  await truncateSchema(admin, schema);
  return { ...bundle, close: async () => undefined };
}

/**
 * On arc every test file gets one Arc stand-in (buffer age 0), stopped after the file; each app
 * built gets an in-memory SQLite and Arc databases of its own.
 */
let arcServer: { stop(): Promise<void>; url: string } | null = null;
let arcGeneration = 0;
if (TEST_DRIVER === 'arc') {
  afterAll(async () => {
    await arcServer?.stop();
    arcServer = null;
  });
}

async function openArcTestStorage(): Promise<StorageBundle> {
  const { startFakeArc } = await import('./fake-arc/index.js');
  const { generationalResolver, testArcConfig } = await import('./arc-harness.js');
  const { openArcStorage } = await import('../../adapters/storage/arc/index.js');
  // MEMTRACE_TEST_ARC_BUFFER_AGE_MS > 0: the stand-in shows writes that late, as Arc does.
  arcServer ??= await startFakeArc({
    deleteEnabled: true,
    maxBufferAgeMs: Number(process.env.MEMTRACE_TEST_ARC_BUFFER_AGE_MS ?? 0),
  });
  const arc = testArcConfig(arcServer.url);
  const generation = ++arcGeneration;
  const relational = await createSqliteStorage({ path: ':memory:' });
  return openArcStorage(
    relational,
    arc,
    generationalResolver(arc, () => generation),
  );
}

function openTestStorage(driver: string): Promise<StorageBundle> {
  switch (driver) {
    case 'arc':
      return openArcTestStorage();
    case 'postgres':
      return openPostgresTestStorage();
    case 'memory':
      return openStorage({ driver: 'memory' });
    case 'sqlite':
      return openStorage({ driver: 'sqlite', path: ':memory:' });
    default:
      throw new Error(`MEMTRACE_TEST_DRIVER '${driver}' is not a driver the e2e suite knows`);
  }
}

/** Where a test app's configuration is read from: nowhere (no memtrace.toml applies). */
const NOWHERE = '/nonexistent/memtrace-test';

/** The server's configuration with the defaults, and what the options set. */
function testConfig(options: TestAppOptions): Config {
  const base = loadConfig({ HOME: NOWHERE, MEMTRACE_STORAGE_DRIVER: 'memory' }, NOWHERE);
  return {
    ...base,
    server: { ...base.server, maxBodyBytes: options.maxBodyBytes ?? TEST_MAX_BODY_BYTES },
    dedup: options.dedup ?? DEFAULT_DEDUP,
    limits: options.limits ?? base.limits,
    memory: {
      ...base.memory,
      maxFutureSkewMs: options.maxFutureSkewMs ?? base.memory.maxFutureSkewMs,
    },
    secrets: options.masterKey === null ? {} : { masterKey: options.masterKey ?? TEST_MASTER_KEY },
  };
}

/**
 * The real app on the test driver's storage (see TEST_DRIVER), built by the server's container
 * from the server's configuration, with a manual clock and a bootstrapped default org; nothing is
 * logged unless a logger is given. `ping` replaces the storage's (a fault to inject).
 */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const clock = options.clock ?? new FixedClock(TEST_START);
  const storage = options.storage ?? (await openTestStorage(options.driver ?? TEST_DRIVER));
  const { container } = await buildContainer(testConfig(options), {
    clock,
    logger: options.logger ?? silentLogger,
    storage: options.ping ? { ...storage, ping: options.ping } : storage,
  });
  const services: TestServices = container.get(MEMTRACE);
  const adminKey = await services.auth.bootstrap();
  if (adminKey === null) throw new Error('bootstrap did not create the admin key');
  const deps: AppDeps = container.get(APP_DEPS);
  const app: express.Express = container.get(HTTP_APP);
  return { app, adminKey, services, storage, clock, deps };
}

/** Requests to `app` carrying `key` in x-api-key. */
export interface ApiClient {
  get(path: string): request.Test;
  post(path: string, body?: string | object): request.Test;
  put(path: string, body?: string | object): request.Test;
  patch(path: string, body?: string | object): request.Test;
  delete(path: string): request.Test;
}

export function apiAs(app: express.Express, key: string): ApiClient {
  const send = (t: request.Test, body?: string | object) => {
    const keyed = t.set('x-api-key', key);
    return body === undefined ? keyed : keyed.send(body);
  };
  return {
    get: (path) => send(request(app).get(path)),
    post: (path, body) => send(request(app).post(path), body),
    put: (path, body) => send(request(app).put(path), body),
    patch: (path, body) => send(request(app).patch(path), body),
    delete: (path) => send(request(app).delete(path)),
  };
}

/** Creates a key of the default org with these permissions and returns its plaintext. */
export async function createKey(
  t: TestApp,
  permissions: readonly ('read' | 'write' | 'admin')[],
): Promise<string> {
  const issued = await t.services.auth.createKey('org_default', `key ${permissions.join('+')}`, [
    ...permissions,
  ]);
  return issued.apiKey;
}
