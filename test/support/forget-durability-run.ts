import {
  aBootstrapKey,
  freePort,
  spawnServer,
  waitUntilHealthy,
  type ServerProcess,
} from './server-process.js';
import type { ServerDriver } from './server-drivers.js';

/**
 * What a forget durability run found; `resurrected`, `partialForgets` and `lost` must be 0.
 */
export interface ForgetDurabilityFigures {
  readonly driver: string;
  readonly kills: number;
  /** DELETE /memories/:id answered 204 before a kill. */
  readonly deletesAcked: number;
  /** Forgets answered `{deleted: n}` before a kill. */
  readonly forgetsAcked: number;
  /** Forgets in flight at a kill (sent, never answered). */
  readonly forgetsInFlight: number;
  /** Of those, how many turned out wholly done (the others wholly undone). */
  readonly inFlightDone: number;
  /** Memories whose delete or forget was acknowledged, found again after the restarts. */
  readonly resurrected: number;
  /** Groups found partly forgotten: neither all of their memories nor none. */
  readonly partialForgets: number;
  /** Memories no request deleted, missing after the restarts. */
  readonly lost: number;
}

const AGENT = 'agent_forget_durable';
const GROUPS = 3;
const GROUP_SIZE = 2_000;
const SINGLES = 40;

interface Round {
  readonly groups: string[];
  readonly singles: string[];
  readonly deleted: Set<string>;
  readonly deleteInFlight: Set<string>;
  readonly forgotten: Set<string>;
  readonly forgetInFlight: Set<string>;
}

const tagOf = (round: number, group: number) => `fg_r${round}_g${group}`;

async function call(
  server: ServerProcess,
  key: string,
  method: string,
  path: string,
  body?: unknown,
) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Stores the round's groups (one batch each) and singles; every write must be acknowledged. */
async function seed(server: ServerProcess, key: string, round: number): Promise<Round> {
  const groups = Array.from({ length: GROUPS }, (_, g) => tagOf(round, g));
  for (const tag of groups) {
    const memories = Array.from({ length: GROUP_SIZE }, (_, i) => ({
      agent_id: AGENT,
      content: `${tag} item ${i} «ünïcødé»`,
      tags: [tag, `fr${round}`],
      metadata: { i },
    }));
    const res = await call(server, key, 'POST', '/api/v1/memories', { memories });
    if (res.status !== 201) throw new Error(`seeding ${tag}: ${res.status} ${await res.text()}`);
  }
  const res = await call(server, key, 'POST', '/api/v1/memories', {
    memories: Array.from({ length: SINGLES }, (_, i) => ({
      agent_id: AGENT,
      content: `round ${round} single ${i}`,
    })),
  });
  if (res.status !== 201) throw new Error(`seeding singles: ${res.status}`);
  const singles = ((await res.json()) as { memories: { memory_id: string }[] }).memories.map(
    (m) => m.memory_id,
  );
  return {
    groups,
    singles,
    deleted: new Set(),
    deleteInFlight: new Set(),
    forgotten: new Set(),
    forgetInFlight: new Set(),
  };
}

/** Deletes the singles one by one until `stop()`, recording what was acknowledged. */
async function deleteSingles(server: ServerProcess, key: string, r: Round, stop: () => boolean) {
  for (const id of r.singles) {
    if (stop()) return;
    r.deleteInFlight.add(id);
    try {
      const res = await call(server, key, 'DELETE', `/api/v1/memories/${id}`);
      r.deleteInFlight.delete(id);
      if (res.status !== 204) throw new Error(`DELETE ${id}: ${res.status}`);
      r.deleted.add(id);
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('DELETE')) throw e;
      return; // killed mid-request: never acknowledged
    }
  }
}

/** Forgets one group; resolves with the time it took, or null when the server died first. */
async function forgetGroup(server: ServerProcess, key: string, r: Round, tag: string) {
  r.forgetInFlight.add(tag);
  const started = performance.now();
  try {
    const res = await call(server, key, 'POST', '/api/v1/memories/forget', {
      agent_id: AGENT,
      tags: [tag],
    });
    const body = (await res.json()) as { deleted?: number };
    r.forgetInFlight.delete(tag);
    if (res.status !== 200 || body.deleted !== GROUP_SIZE) {
      throw new Error(`forget ${tag}: ${res.status} ${JSON.stringify(body)}`);
    }
    r.forgotten.add(tag);
    return performance.now() - started;
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('forget')) throw e;
    return null;
  }
}

async function countOf(server: ServerProcess, key: string, tag: string): Promise<number> {
  const res = await call(
    server,
    key,
    'GET',
    `/api/v1/memories?agent_id=${AGENT}&tags=${tag}&limit=1`,
  );
  if (res.status !== 200) throw new Error(`counting ${tag}: ${res.status}`);
  return ((await res.json()) as { count: number }).count;
}

/**
 * Starts a real server on a fresh store of `driver` `kills` times. Each round stores groups of
 * {@link GROUP_SIZE} memories and some singles, deletes singles one by one, forgets the first
 * group (timing it), then forgets the second and SIGKILLs the server after a random 5–155 % of
 * the time the first took, so the kill lands inside a large forget or just after it commits.
 * After a last restart: every acknowledged delete and forget is still done, every group is
 * wholly there or wholly gone, and nothing else is missing.
 */
export async function runForgetDurability(
  driver: ServerDriver,
  kills: number,
  progress: (line: string) => void = () => undefined,
): Promise<ForgetDurabilityFigures> {
  const store = await driver.open();
  const key = aBootstrapKey();
  const env = { ...store.env, MEMTRACE_AUTH_BOOTSTRAP_KEY: key };
  const rounds: Round[] = [];
  try {
    for (let round = 0; round < kills; round++) {
      const server = spawnServer(env, await freePort());
      await waitUntilHealthy(server, 60_000);
      const r = await seed(server, key, round);
      rounds.push(r);
      let killed = false;
      const deletes = deleteSingles(server, key, r, () => killed);
      const took = await forgetGroup(server, key, r, r.groups[0] as string);
      const inFlight = forgetGroup(server, key, r, r.groups[1] as string);
      await new Promise((resolve) =>
        setTimeout(resolve, (took ?? 50) * (0.05 + 1.5 * Math.random())),
      );
      killed = true;
      server.proc.kill('SIGKILL');
      await Promise.all([deletes, inFlight, server.exited]);
      progress(
        `kill ${round + 1}/${kills}: the first forget took ${Math.round(took ?? 0)} ms; ` +
          `deletes acknowledged: ${r.deleted.size}; the second forget ` +
          `${r.forgetInFlight.size > 0 ? 'was in flight' : 'was acknowledged'}`,
      );
    }

    const server = spawnServer(env, await freePort());
    await waitUntilHealthy(server, 60_000);
    try {
      let resurrected = 0;
      let partialForgets = 0;
      let lost = 0;
      let inFlightDone = 0;
      for (const r of rounds) {
        for (const tag of r.groups) {
          const left = await countOf(server, key, tag);
          if (r.forgotten.has(tag)) resurrected += left;
          else if (r.forgetInFlight.has(tag)) {
            if (left === 0) inFlightDone++;
            else if (left !== GROUP_SIZE) partialForgets++;
          } else lost += GROUP_SIZE - left;
        }
        for (const id of r.singles) {
          const res = await call(server, key, 'GET', `/api/v1/memories/${id}`);
          if (r.deleted.has(id) && res.status !== 404) resurrected++;
          if (!r.deleted.has(id) && !r.deleteInFlight.has(id) && res.status !== 200) lost++;
        }
      }
      return {
        driver: driver.name,
        kills,
        deletesAcked: rounds.reduce((n, r) => n + r.deleted.size, 0),
        forgetsAcked: rounds.reduce((n, r) => n + r.forgotten.size, 0),
        forgetsInFlight: rounds.reduce((n, r) => n + r.forgetInFlight.size, 0),
        inFlightDone,
        resurrected,
        partialForgets,
        lost,
      };
    } finally {
      server.proc.kill('SIGTERM');
      await server.exited;
    }
  } finally {
    await store.close();
  }
}
