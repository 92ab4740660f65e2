import type express from 'express';
import request from 'supertest';
import { createApp, type AppDeps } from '../../adapters/http/create-app.js';
import { createInMemoryStorage } from '../../adapters/storage/in-memory/index.js';
import { createSqliteStorage } from '../../adapters/storage/sqlite/index.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import { NodeCrypto } from '../../adapters/system/node-crypto.js';
import { TimeOrderedIdGenerator } from '../../adapters/system/time-ordered-id-generator.js';
import {
  AgentService,
  AuthService,
  MemoryService,
  SessionService,
  silentLogger,
  type Clock,
  type DedupSettings,
  type Logger,
} from '../../domain/index.js';

/** 2026-02-13T10:30:00Z, the time of the spec's examples: where test clocks start. */
export const TEST_START = Date.UTC(2026, 1, 13, 10, 30, 0);

/** A clock that stands still until a test moves it. */
export class ManualClock implements Clock {
  constructor(private ms: number = TEST_START) {}

  now(): number {
    return this.ms;
  }

  set(ms: number): void {
    this.ms = ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface TestAppOptions {
  readonly clock?: ManualClock;
  readonly dedup?: DedupSettings;
  readonly maxBodyBytes?: number;
  readonly logger?: Logger;
  readonly ping?: () => Promise<void>;
}

export interface TestServices {
  readonly memories: MemoryService;
  readonly sessions: SessionService;
  readonly agents: AgentService;
  readonly auth: AuthService;
}

export interface TestApp {
  readonly app: express.Express;
  /** The admin key of the default org (the operator), made by bootstrap. */
  readonly adminKey: string;
  readonly services: TestServices;
  readonly storage: StorageBundle;
  readonly clock: ManualClock;
  /** What the app was built from, to build variants (another logger, a failing ping). */
  readonly deps: AppDeps;
}

export const TEST_MAX_BODY_BYTES = 1024 * 1024;

/** The storage driver the HTTP e2e suite runs on: MEMTRACE_TEST_DRIVER, `memory` by default. */
export const TEST_DRIVER = process.env.MEMTRACE_TEST_DRIVER ?? 'memory';

function openTestStorage(): Promise<StorageBundle> {
  switch (TEST_DRIVER) {
    case 'memory':
      return createInMemoryStorage();
    case 'sqlite':
      return createSqliteStorage({ path: ':memory:' });
    default:
      throw new Error(`MEMTRACE_TEST_DRIVER '${TEST_DRIVER}' is not a driver the e2e suite knows`);
  }
}

/**
 * The real app on the test driver's storage (see TEST_DRIVER), real services, a manual clock and
 * a bootstrapped default org; nothing is logged unless a logger is given.
 */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const clock = options.clock ?? new ManualClock();
  const storage = await openTestStorage();
  const ids = new TimeOrderedIdGenerator();
  const crypto = new NodeCrypto();
  const services: TestServices = {
    memories: new MemoryService(
      storage.memories,
      clock,
      ids,
      crypto,
      options.dedup ?? { enabled: true, windowHours: 24 },
    ),
    sessions: new SessionService(storage.sessions, storage.memories, clock, ids),
    agents: new AgentService(storage.agents, storage.sessions, storage.memories, clock, ids),
    auth: new AuthService(storage.auth, clock, ids, crypto),
  };
  const adminKey = await services.auth.bootstrap();
  if (adminKey === null) throw new Error('bootstrap did not create the admin key');
  const deps: AppDeps = {
    ...services,
    logger: options.logger ?? silentLogger,
    now: () => clock.now(),
    startedAt: clock.now(),
    driver: storage.driver,
    ping: options.ping ?? (() => storage.ping()),
    maxBodyBytes: options.maxBodyBytes ?? TEST_MAX_BODY_BYTES,
  };
  return { app: createApp(deps), adminKey, services, storage, clock, deps };
}

/** Requests to `app` carrying `key` in x-api-key. */
export interface ApiClient {
  get(path: string): request.Test;
  post(path: string, body?: string | object): request.Test;
  put(path: string, body?: string | object): request.Test;
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
