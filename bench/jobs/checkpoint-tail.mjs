// What SQLite's WAL checkpoints do to a write's tail: single inserts through memtrace's SQLite
// store (synchronous=FULL, as the server), with the checkpoint inside the commit that fills the
// WAL (SQLite's own, every 1,000 pages) and with the server's background checkpoints. Prints the
// latency of an insert (and its five slowest) for both, alternating, after the time one
// checkpoint of a 1,000-page WAL takes on this disk.
// Usage: node --import tsx jobs/checkpoint-tail.mjs [--inserts 3000] [--rounds 2]
/* global console, process */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { dataset, toMemory } from '../lib/dataset.mjs';
import { summarize } from '../lib/measure.mjs';
import { openBareSqlite, removeSqlite } from '../lib/memtrace.mjs';

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const INSERTS = opt('inserts', 3000);
const ROUNDS = opt('rounds', 2);
const { createSqliteStorage } = await import('../../adapters/storage/sqlite/index.ts');

async function lane(backgroundCheckpoints, round) {
  const file = path.join(os.tmpdir(), `checkpoint-tail-${process.pid}-${round}.db`);
  removeSqlite(file);
  const storage = await createSqliteStorage({ path: file, backgroundCheckpoints });
  const lat = [];
  let i = 0;
  for (const m of dataset(INSERTS, { seed: 99 + round })) {
    const memory = toMemory(m, { time: Date.now(), id: `mem_${round}_${i++}` });
    const t0 = performance.now();
    await storage.memories.insert([memory], null);
    lat.push(performance.now() - t0);
  }
  await storage.close();
  removeSqlite(file);
  const sorted = [...lat].sort((a, b) => b - a);
  return {
    latencyMs: summarize(lat),
    slowest: sorted.slice(0, 5).map((x) => Math.round(x * 100) / 100),
  };
}

/**
 * How long one checkpoint of a 1,000-page WAL takes on this disk (what SQLite's automatic
 * checkpoint adds to the commit that triggers it): memtrace's schema, synchronous=FULL.
 */
async function checkpointMs(times) {
  const file = path.join(os.tmpdir(), `checkpoint-cost-${process.pid}.db`);
  removeSqlite(file);
  const bare = await openBareSqlite(file);
  bare.db.pragma('wal_autocheckpoint = 0');
  const out = [];
  const items = dataset(1_000_000, { seed: 5 });
  let n = 0;
  for (let t = 0; t < times; t++) {
    for (;;) {
      const batch = [];
      for (let k = 0; k < 50; k++) batch.push(toMemory(items.next().value, { id: `mem_c${n++}` }));
      await bare.insert(batch);
      const [{ log }] = bare.db.pragma('wal_checkpoint(NOOP)');
      if (log >= 1000) break;
    }
    const t0 = performance.now();
    const [r] = bare.db.pragma('wal_checkpoint(PASSIVE)');
    out.push({ ms: Math.round((performance.now() - t0) * 100) / 100, pages: r.checkpointed });
  }
  await bare.close();
  removeSqlite(file);
  return out;
}

const results = {
  checkpointOf1000Pages: await checkpointMs(5),
  inSqliteCommit: [],
  background: [],
};
for (let r = 0; r < ROUNDS; r++) {
  results.inSqliteCommit.push(await lane(false, r * 2));
  results.background.push(await lane(true, r * 2 + 1));
}
console.log(
  JSON.stringify({ inserts: INSERTS, rounds: ROUNDS, loadavg: os.loadavg(), results }, null, 1),
);
