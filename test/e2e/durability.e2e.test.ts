import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  aBootstrapKey,
  freePort,
  spawnServer,
  waitUntilHealthy,
  type ServerProcess,
} from '../support/server-process.js';
import { runDurability } from '../support/durability-run.js';
import { runForgetDurability } from '../support/forget-durability-run.js';
import { SERVER_DRIVERS } from '../support/server-drivers.js';

const KILLS = 3;
const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-durability-'));
const key = aBootstrapKey();
const env = {
  MEMTRACE_STORAGE_SQLITE_PATH: path.join(dir, 'memtrace.db'),
  MEMTRACE_AUTH_BOOTSTRAP_KEY: key,
};
const headers = { 'x-api-key': key, 'content-type': 'application/json' };

interface Sent {
  readonly contents: string[];
  acked: string[] | null;
}

/** Writes singles and batches with 4 writers until stopped; records what was acknowledged. */
async function writeUntilStopped(server: ServerProcess, round: number, stop: () => boolean) {
  const sent: Sent[] = [];
  let n = 0;
  const writer = async (w: number) => {
    while (!stop()) {
      const size = n % 3 === 0 ? 5 : 1;
      const contents = Array.from(
        { length: size },
        (_, i) => `round ${round} writer ${w} item ${n}.${i} ✓`,
      );
      n += 1;
      const record: Sent = { contents, acked: null };
      sent.push(record);
      const items = contents.map((content) => ({
        agent_id: 'agent_durable',
        session_id: `sess_r${round}`,
        content,
      }));
      try {
        const res = await fetch(`${server.url}/api/v1/memories`, {
          method: 'POST',
          headers,
          body: JSON.stringify(size === 1 ? items[0] : { memories: items }),
        });
        if (res.status !== 201) continue;
        const body = (await res.json()) as {
          memory_id?: string;
          memories?: { memory_id: string }[];
        };
        record.acked = body.memories
          ? body.memories.map((m) => m.memory_id)
          : [body.memory_id as string];
      } catch {
        return; // the server was killed mid-request: this write was never acknowledged
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(writer));
  return sent;
}

describe('Server durability', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`keeps every acknowledged memory and no partial batch when SIGKILLed ${KILLS} times`, async () => {
    const acked: { id: string; content: string }[] = [];
    const unacked: Sent[] = [];
    for (let round = 0; round < KILLS; round++) {
      const server = spawnServer(env, await freePort());
      await waitUntilHealthy(server);
      let killed = false;
      const killAfter = 300 + Math.floor(Math.random() * 700);
      setTimeout(() => {
        killed = true;
        server.proc.kill('SIGKILL');
      }, killAfter);
      const sent = await writeUntilStopped(server, round, () => killed);
      await server.exited;
      for (const s of sent) {
        if (s.acked)
          s.acked.forEach((id, i) => acked.push({ id, content: s.contents[i] as string }));
        else unacked.push(s);
      }
    }
    expect(acked.length).toBeGreaterThan(20);

    const server = spawnServer(env, await freePort());
    await waitUntilHealthy(server);
    try {
      for (const { id, content } of acked) {
        const res = await fetch(`${server.url}/api/v1/memories/${id}`, { headers });
        expect(res.status, `acknowledged memory ${id} is missing`).toBe(200);
        expect(((await res.json()) as { content: string }).content).toBe(content);
      }
      // A batch that was in flight at the kill is either wholly stored or not at all.
      const list = await fetch(`${server.url}/api/v1/memories?agent_id=agent_durable&limit=1000`, {
        headers,
      });
      const stored = new Set(
        ((await list.json()) as { memories: { content: string }[] }).memories.map((m) => m.content),
      );
      for (const s of unacked) {
        const present = s.contents.filter((c) => stored.has(c)).length;
        expect([0, s.contents.length]).toContain(present);
      }
    } finally {
      server.proc.kill('SIGTERM');
      await server.exited;
    }
  }, 120_000);
});

// Every field of every acknowledged memory, batches of 1, 5 and 50, on the other server
// drivers (SQLite is the test above); `npm run durability` is the long run on every driver.
describe.each(SERVER_DRIVERS.filter((d) => d.name !== 'sqlite'))(
  'Server durability on $name',
  (driver) => {
    it.skipIf(!driver.enabled)(
      `keeps every acknowledged memory field for field when SIGKILLed ${KILLS} times at random points`,
      async () => {
        const figures = await runDurability(driver, KILLS);

        expect(figures.acked).toBeGreaterThan(20);
        expect(figures).toMatchObject({ kills: KILLS, lost: 0, altered: 0, partialBatches: 0 });
      },
      120_000,
    );
  },
);

// Deletes and forgets: what answered 2xx stays done, and a forget killed midway is all or none.
describe.each(SERVER_DRIVERS)('Forget durability on $name', (driver) => {
  it.skipIf(!driver.enabled)(
    `keeps every acknowledged delete and forget done, and no forget half done, when SIGKILLed ${KILLS} times inside a large forget`,
    async () => {
      const figures = await runForgetDurability(driver, KILLS, (line) =>
        console.log(`${driver.name}: ${line}`),
      );
      console.log(
        `${driver.name}: ${figures.forgetsInFlight} forgets killed in flight, ` +
          `${figures.inFlightDone} of them found wholly done, the others wholly undone`,
      );

      expect(figures.deletesAcked).toBeGreaterThan(0);
      // Each round's first forget is acknowledged; its second is killed in flight or answered.
      expect(figures.forgetsAcked + figures.forgetsInFlight).toBe(2 * KILLS);
      expect(figures).toMatchObject({ resurrected: 0, partialForgets: 0, lost: 0 });
    },
    240_000,
  );
});
