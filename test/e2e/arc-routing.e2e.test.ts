import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeArc, type FakeArc } from '../support/fake-arc/index.js';
import {
  aBootstrapKey,
  freePort,
  spawnServer,
  waitUntilHealthy,
  type ServerProcess,
} from '../support/server-process.js';
import { nodeEntry } from '../support/entry.js';

/**
 * Per-org Arc routing end to end: a real server on the arc driver, two Arc stand-ins (the
 * configured default, and an org's own one with auth on), and the CLI as a separate process.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-arc-routing-'));
const SECRET = 'routed-arc-token-1a2b3c4d';
const MASTER_KEY = 'e5'.repeat(32);
const BOOTSTRAP_KEY = aBootstrapKey();
const ROUTING_TTL_MS = 1_000;

let defaultArc: FakeArc;
let ownArc: FakeArc;
let server: ServerProcess;
let orgId: string;
let orgKey: string;
const serverEnv = () => ({
  MEMTRACE_STORAGE_DRIVER: 'arc',
  MEMTRACE_ARC_URL: defaultArc.url,
  MEMTRACE_STORAGE_SQLITE_PATH: path.join(dir, 'memtrace.db'),
  MEMTRACE_AUTH_BOOTSTRAP_KEY: BOOTSTRAP_KEY,
  MEMTRACE_MASTER_KEY: MASTER_KEY,
  MEMTRACE_LOG_LEVEL: 'debug',
  MEMTRACE_LOG_FORMAT: 'json',
});

function memtraceCli(args: string[], input: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...nodeEntry('src/cli/main.ts'), ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: dir, ...serverEnv() } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr }),
    );
    child.stdin?.end(input);
  });
}

async function api(method: string, url: string, key: string, body?: unknown) {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const remember = (content: string) =>
  api('POST', '/api/v1/memories', orgKey, { agent_id: 'agent_router', content });

/** The databases (x-arc-database) of the writes `arc` received since `from`. */
const writesTo = (arc: FakeArc, from: number) =>
  arc.requests
    .slice(from)
    .filter((r) => r.method === 'POST' && r.path.startsWith('/api/v1/write'))
    .map((r) => r.headers['x-arc-database']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  defaultArc = await startFakeArc({ deleteEnabled: true });
  ownArc = await startFakeArc({ authToken: SECRET, deleteEnabled: true });
  server = spawnServer(serverEnv(), await freePort());
  await waitUntilHealthy(server);
  const created = await api('POST', '/api/v1/orgs', BOOTSTRAP_KEY, { name: 'routed' });
  expect(created.status).toBe(201);
  orgId = created.body.org_id as string;
  orgKey = created.body.api_key as string;
}, 60_000);

afterAll(async () => {
  server?.proc.kill('SIGTERM');
  await server?.exited;
  await Promise.all([defaultArc?.stop(), ownArc?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('Per-org Arc routing on a running server', () => {
  // The tests below run in order on one org: default, routed by the CLI, unrouted by the API.
  it("writes an org's memories to the default Arc, in the org's database, when it has no instance", async () => {
    const from = defaultArc.requests.length;

    const res = await remember('before routing');

    expect(res.status).toBe(201);
    expect(writesTo(defaultArc, from)).toEqual([`memtrace_${orgId}`]);
  });

  it("writes to the org's own Arc, its database, measurement and key, after org add-arc in another process, without a restart", async () => {
    // Arrange
    const added = await memtraceCli(
      [
        'org',
        'add-arc',
        orgId,
        '--url',
        ownArc.url,
        '--database',
        'routed_acme',
        '--measurement',
        'agent_events',
        '--api-key',
        '-',
      ],
      SECRET,
    );
    expect(added.code, added.out).toBe(0);
    await sleep(ROUTING_TTL_MS + 200);
    const fromDefault = defaultArc.requests.length;
    const fromOwn = ownArc.requests.length;

    // Act
    const written = await remember('after routing');
    const listed = await api('GET', '/api/v1/memories?agent_id=agent_router', orgKey);

    // Assert
    expect(written.status).toBe(201);
    expect(writesTo(ownArc, fromOwn)).toEqual(['routed_acme']);
    expect(writesTo(defaultArc, fromDefault)).toEqual([]);
    const ownRequests = ownArc.requests.slice(fromOwn);
    expect(ownRequests.every((r) => r.headers.authorization === `Bearer ${SECRET}`)).toBe(true);
    expect(ownRequests.some((r) => r.path === '/api/v1/query')).toBe(true);
    // Reads come from the org's own instance and measurement: only what was written there.
    expect(listed.status).toBe(200);
    const contents = (listed.body.memories as { content: string }[]).map((m) => m.content);
    expect(contents).toEqual(['after routing']);
  }, 60_000);

  it('keeps the memory in the routed database and measurement (read from the Arc itself)', async () => {
    await ownArc.flushAll();
    const res = await fetch(`${ownArc.url}/api/v1/query`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${SECRET}`,
        'content-type': 'application/json',
        'x-arc-database': 'routed_acme',
      },
      body: JSON.stringify({ sql: 'SELECT "content" FROM "agent_events"' }),
    });
    const answer = (await res.json()) as { data?: unknown[][] };
    expect(res.status).toBe(200);
    expect(answer.data).toEqual([['after routing']]);
  });

  it('goes back to the default Arc at once when the operator removes the instance over HTTP', async () => {
    // Arrange
    const removed = await api('DELETE', `/api/v1/orgs/${orgId}/arc`, BOOTSTRAP_KEY);
    expect(removed.status).toBe(204);
    const fromDefault = defaultArc.requests.length;
    const fromOwn = ownArc.requests.length;

    // Act: no wait for the cache
    const res = await remember('after unrouting');

    // Assert
    expect(res.status).toBe(201);
    expect(writesTo(defaultArc, fromDefault)).toEqual([`memtrace_${orgId}`]);
    expect(writesTo(ownArc, fromOwn)).toEqual([]);
  });

  it('keeps the Arc key out of the logs and out of the database files', async () => {
    // Act
    const put = await api('PUT', `/api/v1/orgs/${orgId}/arc`, BOOTSTRAP_KEY, {
      url: ownArc.url,
      database: 'routed_acme',
      api_key: SECRET,
    });
    const shown = await api('GET', `/api/v1/orgs/${orgId}/arc`, BOOTSTRAP_KEY);
    const written = await remember('routed by the API');

    // Assert
    expect([put.status, shown.status, written.status]).toEqual([201, 200, 201]);
    expect(JSON.stringify([put.body, shown.body])).not.toContain(SECRET);
    const logs = server.stderr() + server.stdout();
    expect(logs).toContain('"message":"request"');
    expect(logs).not.toContain(SECRET);
    for (const suffix of ['', '-wal']) {
      const file = path.join(dir, `memtrace.db${suffix}`);
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(SECRET))).toBe(false);
    }
    expect((await api('DELETE', `/api/v1/orgs/${orgId}/arc`, BOOTSTRAP_KEY)).status).toBe(204);
  });

  it('keeps other orgs on the default Arc throughout', async () => {
    const from = defaultArc.requests.length;
    const res = await api('POST', '/api/v1/memories', BOOTSTRAP_KEY, {
      agent_id: 'agent_default',
      content: 'default org',
    });
    expect(res.status).toBe(201);
    expect(writesTo(defaultArc, from)).toEqual(['memtrace_org_default']);
  });
});
