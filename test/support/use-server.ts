import { afterAll, beforeAll } from 'vitest';
import type { ServerDriver, ServerStore } from './server-drivers.js';
import { startServerProcess, stopServerProcess, type ServerProcess } from './server-process.js';

/**
 * Runs a server process for the enclosing suite: started in `beforeAll` with `env`, stopped in
 * `afterAll`. Returns the running process (call it from tests and hooks, not at collection time).
 */
export function useServerProcess(env: () => Record<string, string>): () => ServerProcess {
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    server = await startServerProcess(env());
  }, 60_000);
  afterAll(() => stopServerProcess(server));
  return () => {
    if (server === undefined) throw new Error('the suite server has not started');
    return server;
  };
}

/**
 * {@link useServerProcess} on a fresh store of `driver` (removed after the suite), with `env`
 * added; nothing starts when the driver is disabled here.
 */
export function useServerOnDriver(
  driver: ServerDriver,
  env: Record<string, string>,
): () => ServerProcess {
  let store: ServerStore | undefined;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    if (!driver.enabled) return;
    store = await driver.open();
    server = await startServerProcess({ ...store.env, ...env });
  }, 60_000);
  afterAll(async () => {
    await stopServerProcess(server);
    await store?.close();
  });
  return () => {
    if (server === undefined) throw new Error(`the suite server on ${driver.name} has not started`);
    return server;
  };
}
