import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDriver, type ServerStore } from '../support/server-drivers.js';
import {
  aBootstrapKey,
  type ServerProcess,
  startServerProcess,
  stopServerProcess,
} from '../support/server-process.js';

/**
 * The SQLite store becomes unavailable under a running server: another process takes the
 * database's write lock and keeps it (a stuck migration, a backup tool, a second server).
 * Every write must then fail as a 503 with the API's error body within 2 s, /ready must say
 * not ready, and once the lock goes the same process serves again, having lost nothing.
 */

const WITHIN_MS = 2_000;
const key = aBootstrapKey();
const headers = { 'x-api-key': key, 'content-type': 'application/json' };
let store: ServerStore;
let server: ServerProcess;

async function timed(url: string, init?: RequestInit) {
  const started = performance.now();
  const res = await fetch(url, init);
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, body, ms: performance.now() - started };
}

const write = (content: string) =>
  timed(`${server.url}/api/v1/memories`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ agent_id: 'agent_fault', content }),
  });

/** Holds the write lock of the server's database from this process until released. */
function lockDatabase(): () => void {
  const db = new Database(store.env.MEMTRACE_STORAGE_SQLITE_PATH as string);
  db.exec('BEGIN IMMEDIATE');
  return () => {
    db.exec('ROLLBACK');
    db.close();
  };
}

beforeAll(async () => {
  store = await sqliteDriver.open();
  server = await startServerProcess({ ...store.env, MEMTRACE_AUTH_BOOTSTRAP_KEY: key });
});

afterAll(async () => {
  await stopServerProcess(server);
  await store.close();
});

describe('Server faults on sqlite', () => {
  it('answers 503 within 2 s, is not ready, and recovers without a restart when another process locks the database', async () => {
    // Arrange
    const before = await write('acknowledged before the fault');
    expect(before.status).toBe(201);
    const release = lockDatabase();

    try {
      // Act: one write, then ten at once queued behind each other, then /ready
      const first = await write('during the fault');
      const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => write(`burst ${i}`)));
      const ready = await timed(`${server.url}/ready`);

      // Assert
      expect(first.status).toBe(503);
      expect(Object.keys(first.body).sort()).toEqual(['error', 'message', 'request_id']);
      expect(first.body.error).toBe('unavailable');
      expect(first.ms).toBeLessThan(WITHIN_MS);
      for (const res of burst) {
        expect(res.status).toBe(503);
        expect(res.ms).toBeLessThan(WITHIN_MS);
      }
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'not ready', driver: 'sqlite' });
      expect(ready.ms).toBeLessThan(WITHIN_MS);
    } finally {
      release();
    }

    // Act: the lock is gone; the same process
    const after = await write('acknowledged after the fault');
    const ready = await timed(`${server.url}/ready`);
    const stored = await timed(`${server.url}/api/v1/memories?agent_id=agent_fault`, { headers });

    // Assert
    expect(after.status).toBe(201);
    expect(ready.status).toBe(200);
    expect((stored.body.memories as { content: string }[]).map((m) => m.content).sort()).toEqual([
      'acknowledged after the fault',
      'acknowledged before the fault',
    ]);
  }, 60_000);

  it('keeps serving reads while the write lock is held', async () => {
    // Arrange
    const release = lockDatabase();

    try {
      // Act
      const read = await timed(`${server.url}/api/v1/memories?agent_id=agent_fault`, { headers });

      // Assert
      expect(read.status).toBe(200);
      expect(read.ms).toBeLessThan(WITHIN_MS);
    } finally {
      release();
    }
  }, 30_000);
});
