import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSchema,
  dropSchema,
  POSTGRES_SKIP_REASON,
  randomSchemaName,
  TEST_POSTGRES_URL,
  urlWithSchema,
  withAdminClient,
} from '../support/postgres-harness.js';
import {
  aBootstrapKey,
  freePort,
  spawnServer,
  stopServerProcess,
  waitUntilHealthy,
  type ServerProcess,
} from '../support/server-process.js';

const EXPIRING = 300;
const LASTING = 5;

/** The purge counts a server logged (`expired memories purged`, JSON log lines). */
function purgedCounts(server: ServerProcess): { org_id: string; count: number }[] {
  return server
    .stderr()
    .split('\n')
    .filter((l) => l.includes('expired memories purged'))
    .map((l) => JSON.parse(l) as { org_id: string; count: number });
}

/** Two memtrace processes purging one PostgreSQL schema at once. */
describe.skipIf(TEST_POSTGRES_URL === undefined)(
  `expiry purge on two servers sharing PostgreSQL${TEST_POSTGRES_URL === undefined ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    const schema = randomSchemaName('purge');
    const key = aBootstrapKey();
    let a: ServerProcess;
    let b: ServerProcess;

    beforeAll(async () => {
      await createSchema(schema);
      const env = {
        MEMTRACE_STORAGE_DRIVER: 'postgres',
        MEMTRACE_STORAGE_POSTGRES_URL: urlWithSchema(TEST_POSTGRES_URL as string, schema),
        MEMTRACE_STORAGE_POSTGRES_POOL_SIZE: '5',
        MEMTRACE_AUTH_BOOTSTRAP_KEY: key,
        MEMTRACE_LOG_LEVEL: 'info',
        MEMTRACE_LOG_FORMAT: 'json',
        MEMTRACE_MEMORY_PURGE_INTERVAL: '1',
        MEMTRACE_MEMORY_PURGE_BATCH_SIZE: '7',
      };
      const [portA, portB] = [await freePort(), await freePort()];
      a = spawnServer(env, portA);
      b = spawnServer(env, portB);
      await Promise.all([waitUntilHealthy(a, 40_000), waitUntilHealthy(b, 40_000)]);
    }, 60_000);

    afterAll(async () => {
      await Promise.all([stopServerProcess(a), stopServerProcess(b)]);
      await dropSchema(schema);
    }, 30_000);

    const rows = (where: string) =>
      withAdminClient(async (c) => {
        const { rows: r } = await c.query<{ n: string }>(
          `SELECT count(*) AS n FROM "${schema}".memories WHERE ${where}`,
        );
        return Number(r[0]?.n);
      });

    it('deletes every expired memory exactly once, in batches, and keeps the rest', async () => {
      // Arrange: memories that expire in 3 s, and some that never do.
      const expiresAt = new Date(Date.now() + 3_000).toISOString();
      const memories = [
        ...Array.from({ length: EXPIRING }, (_, i) => ({
          agent_id: 'agent_purge',
          content: `secret expiring content ${i}`,
          expires_at: expiresAt,
          tags: ['expiring'],
        })),
        ...Array.from({ length: LASTING }, (_, i) => ({
          agent_id: 'agent_purge',
          content: `lasting ${i}`,
        })),
      ];
      const res = await fetch(`${a.url}/api/v1/memories`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ memories }),
      });
      expect(res.status).toBe(201);
      expect(await rows('true')).toBe(EXPIRING + LASTING);

      // Act: both servers purge every second.
      const deadline = Date.now() + 30_000;
      while ((await rows('expires_at IS NOT NULL')) > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
      }
      // A pass that deleted the last rows may not have logged yet.
      await new Promise((r) => setTimeout(r, 1_500));

      // Assert
      expect(await rows('expires_at IS NOT NULL')).toBe(0);
      expect(await rows('true')).toBe(LASTING);
      const logged = [...purgedCounts(a), ...purgedCounts(b)];
      expect(logged.every((l) => l.org_id === 'org_default')).toBe(true);
      expect(logged.reduce((n, l) => n + l.count, 0)).toBe(EXPIRING);
      expect(a.stderr() + b.stderr()).not.toContain('secret expiring content');
      const tags = await withAdminClient(async (c) => {
        const { rows: r } = await c.query<{ n: string }>(
          `SELECT count(*) AS n FROM "${schema}".memory_tags`,
        );
        return Number(r[0]?.n);
      });
      expect(tags).toBe(0);
    }, 60_000);
  },
);
