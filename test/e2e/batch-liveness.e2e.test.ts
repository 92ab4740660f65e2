import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, MAX_BATCH_SIZE } from '../../domain/index.js';
import { SERVER_DRIVERS } from '../support/server-drivers.js';
import { aBootstrapKey } from '../support/server-process.js';
import { useServerOnDriver } from '../support/use-server.js';

/**
 * A real server writing the largest batch the default limits allow keeps answering /health, and
 * stores the batch whole. The longest /health wait is printed, not asserted (timing depends on
 * the machine).
 */
describe.each(SERVER_DRIVERS)('Server batch liveness on $name', (driver) => {
  const key = aBootstrapKey();
  const server = useServerOnDriver(driver, { MEMTRACE_AUTH_BOOTSTRAP_KEY: key });

  it.skipIf(!driver.enabled)(
    'answers /health while it writes the largest batch the limits allow, then stores all of it',
    async () => {
      // Arrange
      const perMemory = Math.floor(DEFAULT_LIMITS.maxBatchTags / MAX_BATCH_SIZE);
      const body = JSON.stringify({
        memories: Array.from({ length: MAX_BATCH_SIZE }, (_, i) => ({
          agent_id: 'agent_big',
          content: `memory ${i}`,
          tags: Array.from({ length: perMemory }, (_, j) => `t${j}`),
        })),
      });
      const headers = { 'x-api-key': key, 'content-type': 'application/json' };

      // Act: /health every 20 ms (at most 1,000 times) until the batch is answered
      let answered = false;
      const healthAnsweredAt: number[] = [];
      let longestHealthMs = 0;
      const batch = fetch(`${server().url}/api/v1/memories`, { method: 'POST', headers, body })
        .then(async (res) => ({
          status: res.status,
          body: (await res.json()) as { count: number },
        }))
        .finally(() => {
          answered = true;
        });
      for (let i = 0; i < 1000 && !answered; i++) {
        const started = performance.now();
        const health = await fetch(`${server().url}/health`);
        expect(health.status).toBe(200);
        longestHealthMs = Math.max(longestHealthMs, performance.now() - started);
        if (!answered) healthAnsweredAt.push(i);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const result = await batch;
      const count = await fetch(`${server().url}/api/v1/memories?agent_id=agent_big&limit=1`, {
        headers,
      }).then((r) => r.json() as Promise<{ count: number }>);
      console.log(
        `${driver.name}: batch answered after ${healthAnsweredAt.length} /health answers; ` +
          `longest /health wait ${Math.round(longestHealthMs)} ms`,
      );

      // Assert
      expect(result.status).toBe(201);
      expect(result.body.count).toBe(MAX_BATCH_SIZE);
      expect(healthAnsweredAt.length).toBeGreaterThan(0);
      expect(count.count).toBe(MAX_BATCH_SIZE);
    },
    120_000,
  );
});
