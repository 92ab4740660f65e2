// W1 (single insert at concurrency 1, 8, 32) and W2 (batches of 100 and 1,000 per request, and
// batches of 1,000 from two clients at once) for one driver, in lanes that each start from an
// empty store and write the same items in the same order: memtrace over HTTP (a real server
// process), its service and its storage adapter in-process (MemoryStore.insert with the server's
// dedup policy), and the bare driver on the same schema.
// The write cost of the search indexes (full-text and trigram): the bare driver and the HTTP
// server again, each on a schema made by the same migrations with the search tables, triggers,
// columns and indexes then dropped (lanes bare_nosearch and http_nosearch), in the same run.
// The yardsticks of the ingest targets (W2 phases only): the bare driver on a minimal table
// (lib/minimal.mjs) without (minimal) and with (minimal_search) the same full-text and trigram
// indexes memtrace has.
// Usage: node --import tsx jobs/memtrace-write.mjs <sqlite|postgres> <out.json> [--quick]
/* global console, process */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { dataset, derivedDedupKey, ORG, toApiBody, toMemory } from '../lib/dataset.mjs';
import { httpClient, runLoad } from '../lib/measure.mjs';
import { openMinimalPg, openMinimalSqlite } from '../lib/minimal.mjs';
import { dropSearchPostgres, dropSearchSqlite } from '../lib/search-indexes.mjs';
import {
  CHECKOUT,
  DATA,
  dropSchema,
  openAdapter,
  openBarePg,
  openBareSqlite,
  openService,
  removeSqlite,
  resetSchema,
  startServer,
} from '../lib/memtrace.mjs';

const [driver, out, ...flags] = process.argv.slice(2);
const quick = flags.includes('--quick');
const LANES = (
  process.env.MEMTRACE_BENCH_LANES ??
  'bare,bare_nosearch,minimal,minimal_search,adapter,service,http,http_nosearch'
).split(',');

const CONCURRENCY = [1, 8, 32];
const SINGLE = quick ? { count: 400, warmup: 50 } : { count: 3000, warmup: 200 };
// batch_1000_c2: two clients, each sending batches of 1,000 (the ingest targets' workload).
const BATCHES = quick
  ? [
      { size: 100, count: 20, warmup: 2 },
      { size: 1000, count: 5, warmup: 1 },
      { size: 1000, count: 6, warmup: 2, concurrency: 2 },
    ]
  : [
      { size: 100, count: 200, warmup: 5 },
      { size: 1000, count: 40, warmup: 2 },
      { size: 1000, count: 60, warmup: 2, concurrency: 2 },
    ];
const MAX_MS = quick ? 5_000 : 20_000;
const DEDUP = { windowMs: 24 * 3_600_000 };

// The items every lane writes, in order: one block per phase (generated before any timing).
const phases = [
  ...CONCURRENCY.map((c) => ({
    name: `single_c${c}`,
    kind: 'single',
    concurrency: c,
    calls: SINGLE.count + SINGLE.warmup,
    size: 1,
    ...SINGLE,
  })),
  ...BATCHES.map((b) => ({
    name: `batch_${b.size}${b.concurrency ? `_c${b.concurrency}` : ''}`,
    kind: 'batch',
    calls: b.count + b.warmup,
    ...b,
    concurrency: b.concurrency ?? 1,
  })),
];
const totalItems = phases.reduce((n, p) => n + p.calls * p.size, 0);
const items = [...dataset(totalItems)].map((m) => ({ ...m, dedupKey: derivedDedupKey(m) }));
let cursor = 0;
for (const p of phases) {
  p.items = items.slice(cursor, cursor + p.calls * p.size);
  cursor += p.calls * p.size;
}

/** memtrace's ids: `mem_` + 12 hex of ms + 12 hex counter, increasing. */
let seqId = 0;
const nextId = (now) =>
  `mem_${now.toString(16).padStart(12, '0')}${(seqId++).toString(16).padStart(12, '0')}`;
const asMemory = (m) => {
  const now = Date.now();
  return toMemory(m, { time: now, id: nextId(now), dedupKey: m.dedupKey });
};

async function lane(name, insertBatch, { only = null } = {}) {
  const results = {};
  for (const p of phases) {
    if (only && p.kind !== only) continue;
    const calls = Array.from({ length: p.calls }, (_, i) =>
      p.items.slice(i * p.size, (i + 1) * p.size),
    );
    results[p.name] = await runLoad({
      concurrency: p.concurrency,
      count: p.count,
      warmup: p.warmup,
      maxMs: MAX_MS,
      fn: (i) => insertBatch(calls[i], p),
    });
    results[p.name].batchSize = p.size;
    console.error(
      `[write ${driver} ${name}] ${p.name}: ${results[p.name].rowsPerSecond} rows/s, p99 ${results[p.name].latencyMs.p99} ms, errors ${results[p.name].errors}`,
    );
  }
  return results;
}

const where = (laneName) =>
  driver === 'sqlite'
    ? { file: path.join(DATA, `write-${laneName}.db`) }
    : { schema: `memtrace_bench_${CHECKOUT}_w_${laneName}` };

async function fresh(w) {
  if (driver === 'sqlite') removeSqlite(w.file);
  else await resetSchema(w.schema);
}
async function cleanup(w) {
  if (driver === 'sqlite') removeSqlite(w.file);
  else await dropSchema(w.schema);
}

const report = { driver, quick, phases: phases.map(({ items: _i, ...p }) => p), lanes: {} };

// An untimed pass first, so the first lane does not pay for the process's warm-up (JIT, the
// driver's first statements, the first files): measured, it halved the first lane's rate.
{
  const w = where('warmup_bare');
  const wa = where('warmup_adapter');
  await fresh(w);
  await fresh(wa);
  const bare = driver === 'sqlite' ? await openBareSqlite(w.file) : await openBarePg(w.schema);
  const store = await openAdapter(driver, wa);
  const warm = [...dataset(1200)].map((m) => ({ ...m, dedupKey: derivedDedupKey(m) }));
  for (let i = 0; i < 500; i++) await bare.insert([asMemory(warm[i])]);
  for (let i = 500; i < 1000; i++) await store.memories.insert([asMemory(warm[i])], DEDUP);
  await store.memories.insert(warm.slice(1000, 1100).map(asMemory), DEDUP);
  await bare.insert(warm.slice(1100, 1200).map(asMemory));
  await store.close();
  await bare.close();
  await cleanup(w);
  await cleanup(wa);
}

/** Drops the search tables, triggers, columns and indexes of a migrated store; what it dropped. */
async function dropSearch(w, bare, opts) {
  if (driver === 'sqlite') return dropSearchSqlite(bare.db);
  return dropSearchPostgres(w.schema, opts);
}

for (const name of ['bare', 'bare_nosearch']) {
  if (!LANES.includes(name)) continue;
  const w = where(name);
  await fresh(w);
  const bare = driver === 'sqlite' ? await openBareSqlite(w.file) : await openBarePg(w.schema);
  if (name === 'bare_nosearch') {
    const dropped = await dropSearch(w, bare);
    report.searchObjects = dropped;
    console.error(`[write ${driver} bare_nosearch] dropped ${JSON.stringify(dropped)}`);
  }
  if (name === 'bare' || report.searchObjects.length > 0) {
    report.lanes[name] = await lane(name, async (batch) => {
      await bare.insert(batch.map(asMemory));
      return batch.length;
    });
  }
  await bare.close();
  await cleanup(w);
}

// The yardsticks of the ingest targets: a minimal table without and with the search indexes,
// the batch phases only (its single inserts would only repeat the bare lane's commit cost).
for (const name of ['minimal', 'minimal_search']) {
  if (!LANES.includes(name)) continue;
  const w = where(name);
  await fresh(w);
  const search = name === 'minimal_search';
  const bare =
    driver === 'sqlite'
      ? await openMinimalSqlite(w.file, { search })
      : await openMinimalPg(w.schema, { search });
  // The single phases' items first, untimed: the batch phases then start from the same store
  // size as in the other lanes.
  const singles = phases.filter((p) => p.kind === 'single').flatMap((p) => p.items);
  for (let i = 0; i < singles.length; i += 1000) {
    await bare.insert(singles.slice(i, i + 1000).map(asMemory));
  }
  report.lanes[name] = await lane(
    name,
    async (batch) => {
      await bare.insert(batch.map(asMemory));
      return batch.length;
    },
    { only: 'batch' },
  );
  await bare.close();
  await cleanup(w);
}

if (LANES.includes('adapter')) {
  const w = where('adapter');
  await fresh(w);
  const store = await openAdapter(driver, w);
  report.lanes.adapter = await lane('adapter', async (batch) => {
    const outcomes = await store.memories.insert(batch.map(asMemory), DEDUP);
    if (outcomes.some((o) => o.status !== 'created')) throw new Error('unexpected duplicate');
    return batch.length;
  });
  await store.close();
  await cleanup(w);
}

if (LANES.includes('service')) {
  // MemoryService.create / createMany through the real container: validation of the domain,
  // ids, dedup keys, metrics, the adapter; no HTTP, no DTOs.
  const w = where('service');
  await fresh(w);
  const svc = await openService(driver, w);
  const input = (m) => ({
    agentId: m.agentId,
    sessionId: m.sessionId,
    memoryType: m.memoryType,
    eventType: m.eventType,
    content: m.content,
    metadata: m.metadata,
    tags: m.tags,
    importance: m.importance,
  });
  report.lanes.service = await lane('service', async (batch, p) => {
    if (p.kind === 'single') await svc.memories.create(ORG, input(batch[0]));
    else {
      const r = await svc.memories.createMany(ORG, batch.map(input));
      if (r.memories.length !== batch.length) throw new Error('unexpected duplicate');
    }
    return batch.length;
  });
  await svc.close();
  await cleanup(w);
}

for (const name of ['http', 'http_nosearch']) {
  if (!LANES.includes(name)) continue;
  const w = where(name);
  await fresh(w);
  if (name === 'http_nosearch') {
    // memtrace's own migrations first (through its adapter), then the search objects dropped.
    const store = await openAdapter(driver, w);
    await store.close();
    const bare = driver === 'sqlite' ? await openBareSqlite(w.file, { migrate: false }) : null;
    // PostgreSQL: memtrace writes its tsvector column itself, so only the indexes go.
    const dropped = await dropSearch(w, bare, { keepColumns: true });
    report.searchObjectsHttp = dropped;
    await bare?.close();
    if (dropped.length === 0) {
      await cleanup(w);
      continue;
    }
  }
  const server = await startServer(driver, w);
  if (name === 'http') report.server = { startupMs: server.startupMs, afterStart: server.memory() };
  const client = httpClient(server.port, server.key, 64);
  // Request bodies are serialised before timing, like the peers' data generation.
  const bodies = new Map();
  for (const p of phases) {
    bodies.set(
      p,
      Array.from({ length: p.calls }, (_, i) => {
        const chunk = p.items.slice(i * p.size, (i + 1) * p.size).map(toApiBody);
        return JSON.stringify(p.kind === 'single' ? chunk[0] : { memories: chunk });
      }),
    );
  }
  const results = {};
  try {
    for (const p of phases) {
      const b = bodies.get(p);
      results[p.name] = await runLoad({
        concurrency: p.concurrency,
        count: p.count,
        warmup: p.warmup,
        maxMs: MAX_MS,
        serverPid: server.proc.pid,
        fn: async (i) => {
          const res = await client.request('POST', '/api/v1/memories', b[i]);
          if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
          if (p.kind === 'batch') {
            // `count` follows the echoed memories: read it without parsing the whole answer,
            // so the load generator takes as little CPU as possible from the server's two cores.
            const at = res.body.lastIndexOf('"count":');
            const count = Number(/^"count":(\d+)/.exec(res.body.slice(at))?.[1]);
            if (count !== p.size) throw new Error(`stored ${count} of ${p.size}`);
          }
          return p.size;
        },
      });
      results[p.name].batchSize = p.size;
      results[p.name].serverMemory = server.memory();
      console.error(
        `[write ${driver} ${name}] ${p.name}: ${results[p.name].rowsPerSecond} rows/s, p99 ${results[p.name].latencyMs.p99} ms, errors ${results[p.name].errors}`,
      );
    }
  } finally {
    client.close();
    if (name === 'http') {
      report.server.afterLoad = server.memory();
      report.server.stderrTail = server.stderr().slice(-2000);
    } else report.serverNoSearchStderrTail = server.stderr().slice(-2000);
    await server.stop();
  }
  report.lanes[name] = results;
  await cleanup(w);
}

report.org = ORG;
writeFileSync(out, JSON.stringify(report, null, 2));
