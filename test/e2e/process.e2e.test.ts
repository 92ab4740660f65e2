import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  aBootstrapKey,
  freePort,
  spawnServer,
  waitUntilHealthy,
} from '../support/server-process.js';
import { distIsFresh } from '../support/entry.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves once `check` holds; fails after `limitMs`. */
async function until(check: () => Promise<boolean>, limitMs: number, what: string): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Pids of the memtrace servers (from /proc, Linux) whose SQLite file is `db`. */
function serversOf(db: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const env = readFileSync(`/proc/${p}/environ`, 'utf8').split('\0');
        const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
        return (
          cmd.includes('dist/src/main.js') && env.includes(`MEMTRACE_STORAGE_SQLITE_PATH=${db}`)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('memtrace process', () => {
  it('prints the admin key once on the first start and accepts it', async () => {
    const env = {
      MEMTRACE_STORAGE_SQLITE_PATH: path.join(dir, 'first-run.db'),
      MEMTRACE_LOG_FORMAT: 'json',
    };
    const first = spawnServer(env, await freePort());
    await waitUntilHealthy(first);
    const lines = first.stdout().split('\n');
    expect(lines[0]).toBe('FIRST RUN: Save your admin API key (shown only once)');
    const key = /^API Key: (mtk_[A-Za-z0-9_-]{43})$/.exec(lines[1] ?? '')?.[1];
    expect(key).toBeDefined();
    const res = await fetch(`${first.url}/api/v1/keys`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = spawnServer(env, await freePort());
    await waitUntilHealthy(second);
    expect(second.stdout()).not.toContain('API Key');
    const again = await fetch(`${second.url}/api/v1/keys`, {
      headers: { 'x-api-key': key as string },
    });
    expect(again.status).toBe(200);
    second.proc.kill('SIGTERM');
    await second.exited;
  }, 60_000);

  it('finishes an in-flight request before exiting on SIGTERM', async () => {
    const key = aBootstrapKey();
    const env = {
      MEMTRACE_STORAGE_SQLITE_PATH: path.join(dir, 'drain.db'),
      MEMTRACE_AUTH_BOOTSTRAP_KEY: key,
    };
    const server = spawnServer(env, await freePort());
    await waitUntilHealthy(server);
    const memories = Array.from({ length: 5000 }, (_, i) => ({
      agent_id: 'agent_drain',
      content: `drain ${i}`,
    }));
    const inFlight = fetch(`${server.url}/api/v1/memories`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ memories }),
    });
    await new Promise((r) => setTimeout(r, 20));
    server.proc.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(201);
    expect(((await res.json()) as { count: number }).count).toBe(5000);
    expect(await server.exited).toBe(0);
  }, 60_000);

  it('exits at once with a one-line reason when the configuration is bad', async () => {
    const server = spawnServer({ MEMTRACE_STORAGE_DRIVER: 'mongo' }, await freePort());
    expect(await server.exited).toBe(1);
    expect(server.stderr().trim()).toBe(
      "memtrace: invalid configuration: MEMTRACE_STORAGE_DRIVER must be 'sqlite', 'postgres', 'arc' or 'memory', got 'mongo'",
    );
  }, 30_000);

  it('stops the server when `npm start` is sent SIGTERM', async () => {
    // Arrange: the README's way to run it, on a port of its own
    const port = await freePort();
    const db = path.join(dir, 'npm-start.db');
    // When dist/ is already fresh (as after `npm test`'s build), skip `prestart`: its rebuild
    // rewrites dist/ while other test files start servers from it, which then load half-written
    // modules. `--ignore-scripts` skips only the pre/post scripts; `start` itself still runs.
    const args = distIsFresh() ? ['start', '--ignore-scripts'] : ['start'];
    const npm = spawn('npm', args, {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        MEMTRACE_SERVER_HOST: '127.0.0.1',
        MEMTRACE_SERVER_PORT: String(port),
        MEMTRACE_STORAGE_SQLITE_PATH: db,
        MEMTRACE_LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    const npmExited = new Promise((resolve) =>
      npm.once('exit', (code, signal) => resolve(code ?? signal)),
    );
    const url = `http://127.0.0.1:${port}`;
    try {
      await until(
        () =>
          fetch(`${url}/health`).then(
            (r) => r.ok,
            () => false,
          ),
        120_000,
        'not healthy',
      );

      // Act
      npm.kill('SIGTERM');

      // Assert: npm ends, and so does the server: the port no longer answers
      expect(await npmExited).toBe(0);
      await until(
        () =>
          fetch(`${url}/health`).then(
            () => false,
            () => true,
          ),
        5000,
        'the server still answers once npm has ended',
      );
    } finally {
      npm.kill('SIGKILL');
      // A server left behind by npm (its parent is then init): found by its own database path.
      for (const pid of serversOf(db)) process.kill(pid, 'SIGKILL');
    }
  }, 180_000);
});
