// The request path's own cost: for list, search, get, session context and batch create, the CPU
// per call of the memtrace server (HTTP), of the same store calls in-process (adapter), and of a
// bare node:http server answering the same bytes (floor); memtrace's own cost is HTTP - adapter
// - floor. Also the server's GC pauses and event loop delay over the timed calls (server-probe).
// Runs on a copy of a loaded SQLite read store (a read job's bench/data/read-<N>-ctx<M>.db), so
// the batch writes leave the store as it was.
// Usage: node --import tsx jobs/request-path.mjs <store.db> <out.json>
//          [--calls 1000] [--warmup 100] [--batch-calls 100] [--context-calls 100]
//          [--kinds list,search,get,context,batch]
// MEMTRACE_BENCH_SERVER names the server's main.js (a build of run.mjs's), else it runs through tsx.
/* global Buffer, console, process */
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CONTEXT_SESSION, dataset, ORG, queryPlan, toApiBody, toMemory } from '../lib/dataset.mjs';
import { httpClient, procCpuMs, round, selfCpuMs, summarize } from '../lib/measure.mjs';
import { openAdapter, openBareSqlite, startFloorServer, startServer } from '../lib/memtrace.mjs';

const argv = process.argv.slice(2);
const [source, out] = argv;
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const CALLS = Number(opt('calls', '1000'));
const WARMUP = Number(opt('warmup', '100'));
const BATCH_CALLS = Number(opt('batch-calls', '100'));
const CONTEXT_CALLS = Number(opt('context-calls', '100'));
const KINDS = opt('kinds', 'list,search,get,context,batch').split(',');
const log = (msg) => console.error(`[request-path] ${msg}`);

const tmp = path.join(os.tmpdir(), `request-path-${process.pid}`);
const file = `${tmp}.db`;
for (const s of ['', '-wal']) if (existsSync(source + s)) copyFileSync(source + s, file + s);
{
  // The server's first-run bootstrap then installs this run's key on the copy.
  const bare = await openBareSqlite(file, { migrate: false });
  bare.db.exec('DELETE FROM api_keys; DELETE FROM orgs');
  await bare.close();
}
const probeOut = `${tmp}.probe.json`;
const probe = path.join(path.dirname(fileURLToPath(import.meta.url)), '../lib/server-probe.mjs');

const plan = queryPlan(CALLS, WARMUP);
const listPath = (x) =>
  `/api/v1/memories?agent_id=${x.agent}&session_id=${x.session}&memory_type=${x.type}&since=${encodeURIComponent(new Date(x.since).toISOString())}&limit=50`;
const searchBody = (x) =>
  JSON.stringify({ tags: [x.tag], min_importance: x.minImportance, limit: 50 });
let batchSeq = 0;
const batchItems = () =>
  [...dataset(100, { seed: 7_000 + batchSeq++ })].map((m) => ({
    ...m,
    content: `${m.content} ${batchSeq}`,
  }));

/** Calls `fn(i)` WARMUP then `count` times; latency and CPU per timed call (self and `pid`). */
async function measure(count, fn, pid, onTimed) {
  const warm = Math.min(WARMUP, count);
  for (let i = 0; i < warm; i++) await fn(i);
  onTimed?.();
  const lat = [];
  const self0 = selfCpuMs();
  const pid0 = pid ? procCpuMs(pid) : 0;
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fn(warm + i);
    lat.push(performance.now() - t0);
  }
  return {
    latencyMs: summarize(lat),
    selfCpuMsPerCall: round((selfCpuMs() - self0) / count),
    ...(pid ? { serverCpuMsPerCall: round((procCpuMs(pid) - pid0) / count) } : {}),
  };
}

const countOf = (kind) =>
  kind === 'batch' ? BATCH_CALLS : kind === 'context' ? CONTEXT_CALLS : CALLS;
const report = {
  source,
  server: process.env.MEMTRACE_BENCH_SERVER ?? 'tsx',
  calls: CALLS,
  warmup: WARMUP,
  batchCalls: BATCH_CALLS,
  contextCalls: CONTEXT_CALLS,
  lanes: {},
};

// ---- HTTP ----
const server = await startServer(
  'sqlite',
  { file },
  { extraEnv: { NODE_OPTIONS: `--import ${probe}`, MEMTRACE_BENCH_PROBE_OUT: probeOut } },
);
// A failure below must not leave the server running.
process.on('exit', () => server.proc.exitCode === null && server.proc.kill('SIGKILL'));
const client = httpClient(server.port, server.key, 1);
const ok = (res, status = 200) => {
  if (res.status !== status) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
  return res.body;
};
const firstPage = await client.request('GET', '/api/v1/memories?limit=200&include_count=false');
if (firstPage.status !== 200)
  log(`first request ${firstPage.status}; server said: ${server.stderr()}`);
const ids = JSON.parse(ok(firstPage)).memories.map((m) => m.memory_id);
const bodies = {};
const httpCall = {
  list: async (i) => (bodies.list = ok(await client.request('GET', listPath(plan.q1[i])))),
  search: async (i) =>
    (bodies.search = ok(await client.request('POST', '/api/v1/search', searchBody(plan.q2[i])))),
  get: async (i) =>
    (bodies.get = ok(await client.request('GET', `/api/v1/memories/${ids[i % ids.length]}`))),
  context: async () =>
    (bodies.context = ok(
      await client.request(
        'POST',
        `/api/v1/sessions/${CONTEXT_SESSION.id}/context`,
        JSON.stringify({ max_tokens: 2000 }),
      ),
    )),
  batch: async () =>
    (bodies.batch = ok(
      await client.request(
        'POST',
        '/api/v1/memories',
        JSON.stringify({ memories: batchItems().map(toApiBody) }),
      ),
      201,
    )),
};
report.lanes.http = {};
let first = true;
for (const kind of KINDS) {
  report.lanes.http[kind] = await measure(countOf(kind), httpCall[kind], server.proc.pid, () => {
    // the probe counts from the first timed call on
    if (first) server.proc.kill('SIGUSR2');
    first = false;
  });
  log(`http ${kind}: ${JSON.stringify(report.lanes.http[kind])}`);
}
client.close();
await server.stop();
report.serverProbe = existsSync(probeOut) ? JSON.parse(readFileSync(probeOut, 'utf8')) : null;
log(`server probe: ${JSON.stringify(report.serverProbe)}`);

// ---- adapter in-process: the store calls the service makes ----
const { createMemtrace } = await import('../../src/core.ts');
const store = await openAdapter('sqlite', { file });
const { context } = createMemtrace({ storage: store, ids: { next: () => 'unused' } });
const live = { at: Date.now(), retentionMs: null };
const page = async (filter) => {
  const p = await store.memories.findPage(ORG, {
    filter: { ...filter, live },
    order: 'desc',
    limit: 51,
    offset: 0,
  });
  // as MemoryService: the count only when the page does not already tell it
  if (p.memories.length > 50) await store.memories.count(ORG, { ...filter, live });
  return p;
};
const adapterCall = {
  list: (i) => {
    const x = plan.q1[i];
    return page({
      agentId: x.agent,
      sessionId: x.session,
      memoryTypes: [x.type],
      since: x.since,
    });
  },
  search: (i) => page({ tags: [plan.q2[i].tag], minImportance: plan.q2[i].minImportance }),
  get: (i) => store.memories.findById(ORG, ids[i % ids.length]),
  context: () => context.forSession(ORG, CONTEXT_SESSION.id, { maxTokens: 2000 }),
  batch: () =>
    store.memories.insert(
      batchItems().map((m) => toMemory(m, { time: Date.now(), id: `mem_b${batchSeq}_${m.index}` })),
      null,
    ),
};
report.lanes.adapter = {};
for (const kind of KINDS) {
  report.lanes.adapter[kind] = await measure(countOf(kind), adapterCall[kind]);
  log(`adapter ${kind}: ${JSON.stringify(report.lanes.adapter[kind])}`);
}
await store.close();

// ---- floor: bare node:http, the same bytes ----
const floorPath = {
  list: 'GET /api/v1/memories',
  search: 'POST /api/v1/search',
  get: 'GET /api/v1/memories/x',
  context: `POST /api/v1/sessions/${CONTEXT_SESSION.id}/context`,
  batch: 'POST /api/v1/memories',
};
report.lanes.floor = {};
// One floor server per kind: the environment that carries its bodies has a size limit.
for (const kind of KINDS) {
  const floor = await startFloorServer({ [floorPath[kind]]: bodies[kind] ?? '{}' });
  const fc = httpClient(floor.port, 'mtk_floor', 1);
  const floorCall = {
    list: (i) => fc.request('GET', listPath(plan.q1[i])),
    search: (i) => fc.request('POST', '/api/v1/search', searchBody(plan.q2[i])),
    get: () => fc.request('GET', '/api/v1/memories/x'),
    context: () =>
      fc.request(
        'POST',
        `/api/v1/sessions/${CONTEXT_SESSION.id}/context`,
        JSON.stringify({ max_tokens: 2000 }),
      ),
    batch: () =>
      fc.request(
        'POST',
        '/api/v1/memories',
        JSON.stringify({ memories: batchItems().map(toApiBody) }),
      ),
  };
  try {
    report.lanes.floor[kind] = await measure(countOf(kind), floorCall[kind], floor.proc.pid);
  } finally {
    fc.close();
    await floor.stop();
  }
}
for (const s of ['', '-wal', '-shm', '.probe.json'])
  rmSync(file.replace(/\.db$/, '') + (s.startsWith('.p') ? s : `.db${s}`), { force: true });

// ---- memtrace's own: HTTP server - adapter - floor server ----
const rows = KINDS.map((kind) => {
  const h = report.lanes.http[kind];
  const a = report.lanes.adapter[kind];
  const f = report.lanes.floor[kind];
  const own = round(h.serverCpuMsPerCall - a.selfCpuMsPerCall - f.serverCpuMsPerCall);
  report.lanes.own = { ...report.lanes.own, [kind]: own };
  return `| ${kind} | ${h.serverCpuMsPerCall} | ${a.selfCpuMsPerCall} | ${f.serverCpuMsPerCall} | ${own} | ${h.latencyMs.p50} / ${h.latencyMs.p99} | ${a.latencyMs.p50} / ${a.latencyMs.p99} | ${f.latencyMs.p50} / ${f.latencyMs.p99} | ${Buffer.byteLength(bodies[kind] ?? '')} |`;
});
const table = [
  '| call | HTTP server CPU ms | adapter CPU ms | floor CPU ms | memtrace own ms | HTTP p50 / p99 ms | adapter p50 / p99 | floor p50 / p99 | response bytes |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows,
].join('\n');
report.table = table;
writeFileSync(out, JSON.stringify(report, null, 2));
console.log(table);
