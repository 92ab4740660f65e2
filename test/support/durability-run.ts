import {
  aBootstrapKey,
  freePort,
  spawnServer,
  waitUntilHealthy,
  type ServerProcess,
} from './server-process.js';
import type { ServerDriver } from './server-drivers.js';

/** What a durability run found; `lost`, `altered` and `partialBatches` must all be 0. */
export interface DurabilityFigures {
  readonly driver: string;
  readonly kills: number;
  /** Memories whose write was acknowledged (201) before a kill. */
  readonly acked: number;
  /** Acknowledged memories missing after the restarts. */
  readonly lost: number;
  /** Acknowledged memories read back with a different value (object key order aside). */
  readonly altered: number;
  /** Writes in flight at a kill (never acknowledged). */
  readonly inFlight: number;
  /** In-flight batches found partly stored. */
  readonly partialBatches: number;
}

interface Sent {
  readonly contents: string[];
  acked: Record<string, unknown>[] | null;
}

type MemoryJson = Record<string, unknown> & { memory_id: string; content: string };

const AGENT = 'agent_durable';
const WRITERS = 4;

/** Single writes and batches of 5 and 50, from 4 writers, until `stop()`. */
async function writeUntilStopped(
  server: ServerProcess,
  key: string,
  round: number,
  stop: () => boolean,
): Promise<Sent[]> {
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  const sent: Sent[] = [];
  let n = 0;
  const writer = async (w: number) => {
    while (!stop()) {
      const size = n % 7 === 0 ? 50 : n % 3 === 0 ? 5 : 1;
      const id = n++;
      const contents = Array.from(
        { length: size },
        (_, i) => `round ${round} writer ${w} write ${id}.${i} ✓ «ünïcødé» 🚀`,
      );
      const record: Sent = { contents, acked: null };
      sent.push(record);
      const items = contents.map((content, i) => ({
        agent_id: AGENT,
        session_id: `sess_r${round}_w${w}`,
        memory_type: i % 2 === 0 ? 'episodic' : 'decision',
        content,
        metadata: { round, writer: w, write: id, item: i, nested: { ok: true } },
        tags: [`r${round}`, `w${w}`],
        importance: (i % 10) / 10,
      }));
      try {
        const res = await fetch(`${server.url}/api/v1/memories`, {
          method: 'POST',
          headers,
          body: JSON.stringify(size === 1 ? items[0] : { memories: items }),
        });
        const body = (await res.json()) as MemoryJson & { memories?: MemoryJson[] };
        if (res.status !== 201) continue;
        record.acked = body.memories ?? [body];
      } catch {
        return; // killed mid-request: never acknowledged
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  return sent;
}

async function listAll(url: string, key: string): Promise<Map<string, MemoryJson>> {
  const all = new Map<string, MemoryJson>();
  for (let offset = 0; ; offset += 1000) {
    const res = await fetch(
      `${url}/api/v1/memories?agent_id=${AGENT}&limit=1000&offset=${offset}&order=asc`,
      { headers: { 'x-api-key': key } },
    );
    if (res.status !== 200) throw new Error(`listing failed with ${res.status}`);
    const body = (await res.json()) as { memories: MemoryJson[]; has_more: boolean };
    for (const m of body.memories) all.set(m.memory_id, m);
    if (!body.has_more) return all;
  }
}

/** JSON with object keys sorted: jsonb (postgres) keeps metadata's keys in its own order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * Starts a real server on a fresh store of `driver`, streams writes and SIGKILLs it at a random
 * point (after 150..1500 ms) `kills` times, restarting each time; then checks every
 * acknowledged memory field by field and that no in-flight batch is partly stored.
 */
export async function runDurability(
  driver: ServerDriver,
  kills: number,
  progress: (line: string) => void = () => undefined,
): Promise<DurabilityFigures> {
  const store = await driver.open();
  const key = aBootstrapKey();
  const env = { ...store.env, MEMTRACE_AUTH_BOOTSTRAP_KEY: key };
  const acked: MemoryJson[] = [];
  const inFlight: Sent[] = [];
  try {
    for (let round = 0; round < kills; round++) {
      const server = spawnServer(env, await freePort());
      await waitUntilHealthy(server, 60_000);
      let killed = false;
      const timer = setTimeout(
        () => {
          killed = true;
          server.proc.kill('SIGKILL');
        },
        150 + Math.floor(Math.random() * 1350),
      );
      const sent = await writeUntilStopped(server, key, round, () => killed);
      clearTimeout(timer);
      if (!killed) server.proc.kill('SIGKILL');
      await server.exited;
      for (const s of sent) {
        if (s.acked) acked.push(...(s.acked as MemoryJson[]));
        else inFlight.push(s);
      }
      progress(`kill ${round + 1}/${kills}: ${acked.length} memories acknowledged so far`);
    }

    const server = spawnServer(env, await freePort());
    await waitUntilHealthy(server, 60_000);
    try {
      const stored = await listAll(server.url, key);
      let lost = 0;
      let altered = 0;
      for (const memory of acked) {
        const found = stored.get(memory.memory_id);
        if (!found) lost++;
        else if (canonical(found) !== canonical(memory)) {
          if (altered++ === 0) {
            progress(`altered: ${JSON.stringify(memory)} read back as ${JSON.stringify(found)}`);
          }
        }
      }
      const storedContents = new Set([...stored.values()].map((m) => m.content));
      const partialBatches = inFlight.filter((s) => {
        const present = s.contents.filter((c) => storedContents.has(c)).length;
        return present !== 0 && present !== s.contents.length;
      }).length;
      return {
        driver: driver.name,
        kills,
        acked: acked.length,
        lost,
        altered,
        inFlight: inFlight.length,
        partialBatches,
      };
    } finally {
      server.proc.kill('SIGTERM');
      await server.exited;
    }
  } finally {
    await store.close();
  }
}
