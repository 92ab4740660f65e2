import { describe, expect, it } from 'vitest';
import { sqliteDriver } from '../support/server-drivers.js';
import {
  aBootstrapKey,
  freePort,
  spawnServer,
  waitUntilHealthy,
} from '../support/server-process.js';

describe('Server.shutdown', () => {
  it('drains in-flight writes, answers no 5xx and loses no acknowledged memory when SIGTERMed under load', async () => {
    // Arrange
    const store = await sqliteDriver.open();
    const key = aBootstrapKey();
    const env = { ...store.env, MEMTRACE_AUTH_BOOTSTRAP_KEY: key };
    const headers = { 'x-api-key': key, 'content-type': 'application/json' };
    const server = spawnServer(env, await freePort());
    await waitUntilHealthy(server);
    const acked: string[] = [];
    const statuses: number[] = [];
    let stopped = false;
    const writer = async (w: number) => {
      for (let i = 0; !stopped; i++) {
        const size = i % 4 === 0 ? 200 : 1;
        const items = Array.from({ length: size }, (_, j) => ({
          agent_id: 'agent_drain',
          content: `writer ${w} write ${i}.${j}`,
        }));
        try {
          const res = await fetch(`${server.url}/api/v1/memories`, {
            method: 'POST',
            headers,
            body: JSON.stringify(size === 1 ? items[0] : { memories: items }),
          });
          statuses.push(res.status);
          const body = (await res.json()) as {
            memory_id?: string;
            memories?: { memory_id: string }[];
          };
          if (res.status === 201)
            acked.push(...(body.memories?.map((m) => m.memory_id) ?? [body.memory_id as string]));
        } catch {
          stopped = true; // the server no longer accepts connections
        }
      }
    };

    try {
      // Act
      const writers = Promise.all(Array.from({ length: 6 }, (_, w) => writer(w)));
      await new Promise((r) => setTimeout(r, 400));
      server.proc.kill('SIGTERM');
      const code = await server.exited;
      stopped = true;
      await writers;
      const again = spawnServer(env, await freePort());
      await waitUntilHealthy(again);
      const stored = new Set<string>();
      for (let offset = 0; ; offset += 1000) {
        const res = await fetch(
          `${again.url}/api/v1/memories?agent_id=agent_drain&limit=1000&offset=${offset}`,
          { headers },
        );
        const page = (await res.json()) as { memories: { memory_id: string }[]; has_more: boolean };
        page.memories.forEach((m) => stored.add(m.memory_id));
        if (!page.has_more) break;
      }
      const missing = acked.filter((id) => !stored.has(id));
      again.proc.kill('SIGTERM');
      await again.exited;

      // Assert
      expect(code).toBe(0);
      expect(acked.length).toBeGreaterThan(10);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      expect(missing).toEqual([]);
    } finally {
      if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
      await store.close();
    }
  }, 60_000);
});
