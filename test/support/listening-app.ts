import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { buildTestApp, type TestApp, type TestAppOptions } from './test-app.js';

export interface ListeningApp {
  readonly t: TestApp;
  /** http://127.0.0.1:port */
  readonly url: string;
}

/**
 * The real app (see {@link buildTestApp}) listening on 127.0.0.1 on a port the system picks, for
 * the enclosing suite: started in `beforeAll`, closed in `afterAll`. Returns it (call from tests
 * and hooks, not at collection time).
 */
export function useListeningApp(options: TestAppOptions = {}): () => ListeningApp {
  let running: { app: ListeningApp; server: Server } | undefined;
  beforeAll(async () => {
    const t = await buildTestApp(options);
    const server: Server = await new Promise((resolve) => {
      const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    running = { app: { t, url }, server };
  });
  afterAll(async () => {
    if (running === undefined) return;
    const { server, app } = running;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.t.storage.close();
  });
  return () => {
    if (running === undefined) throw new Error('the suite app has not started');
    return running.app;
  };
}
