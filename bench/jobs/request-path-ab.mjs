// Two memtrace builds side by side on copies of one loaded SQLite store: each request of list,
// search and get goes to build A then to build B, alternately, so both see the same machine at
// the same moment; reports each server's CPU per call and latency, and B / A. On a shared machine
// this pairs away what sequential runs cannot (the load moving between them).
// Usage: node --import tsx jobs/request-path-ab.mjs <store.db> <a/src/main.js> <b/src/main.js>
//          <out.json> [--calls 1000] [--warmup 100] [--rounds 3]
/* global console, process */
import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { queryPlan } from '../lib/dataset.mjs';
import { httpClient, procCpuMs, round, summarize } from '../lib/measure.mjs';
import { openBareSqlite, startServer } from '../lib/memtrace.mjs';

const argv = process.argv.slice(2);
const [source, mainA, mainB, out] = argv;
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const CALLS = opt('calls', 1000);
const WARMUP = opt('warmup', 100);
const ROUNDS = opt('rounds', 3);

async function copyOf(tag) {
  const file = path.join(os.tmpdir(), `request-path-ab-${process.pid}-${tag}.db`);
  for (const s of ['', '-wal']) if (existsSync(source + s)) copyFileSync(source + s, file + s);
  const bare = await openBareSqlite(file, { migrate: false });
  bare.db.exec('DELETE FROM api_keys; DELETE FROM orgs');
  await bare.close();
  return file;
}

const side = async (tag, main) => {
  process.env.MEMTRACE_BENCH_SERVER = main;
  const file = await copyOf(tag);
  const server = await startServer('sqlite', { file });
  process.on('exit', () => server.proc.exitCode === null && server.proc.kill('SIGKILL'));
  const client = httpClient(server.port, server.key, 1);
  const res = await client.request('GET', '/api/v1/memories?limit=200&include_count=false');
  if (res.status !== 200) throw new Error(`${tag}: HTTP ${res.status} ${server.stderr()}`);
  return {
    tag,
    main,
    file,
    server,
    client,
    ids: JSON.parse(res.body).memories.map((m) => m.memory_id),
  };
};
const a = await side('A', mainA);
const b = await side('B', mainB);

const plan = queryPlan(CALLS, WARMUP);
const call = {
  list: (s, i) => {
    const x = plan.q1[i];
    return s.client.request(
      'GET',
      `/api/v1/memories?agent_id=${x.agent}&session_id=${x.session}&memory_type=${x.type}&since=${encodeURIComponent(new Date(x.since).toISOString())}&limit=50`,
    );
  },
  search: (s, i) =>
    s.client.request(
      'POST',
      '/api/v1/search',
      JSON.stringify({
        tags: [plan.q2[i].tag],
        min_importance: plan.q2[i].minImportance,
        limit: 50,
      }),
    ),
  get: (s, i) => s.client.request('GET', `/api/v1/memories/${s.ids[i % s.ids.length]}`),
};

const report = { source, a: mainA, b: mainB, calls: CALLS, rounds: ROUNDS, kinds: {} };
for (const kind of ['list', 'search', 'get']) {
  const acc = { A: { cpu: 0, lat: [] }, B: { cpu: 0, lat: [] } };
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < WARMUP; i++) for (const s of [a, b]) await call[kind](s, i);
    // Each server is idle while the other answers: its CPU over the loop is its own work.
    const c0 = { A: procCpuMs(a.server.proc.pid), B: procCpuMs(b.server.proc.pid) };
    for (let i = WARMUP; i < WARMUP + CALLS; i++) {
      // A first on even calls, B first on odd ones
      for (const s of i % 2 ? [b, a] : [a, b]) {
        const t0 = performance.now();
        const res = await call[kind](s, i);
        acc[s.tag].lat.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`${s.tag} ${kind}: HTTP ${res.status}`);
      }
    }
    acc.A.cpu += procCpuMs(a.server.proc.pid) - c0.A;
    acc.B.cpu += procCpuMs(b.server.proc.pid) - c0.B;
  }
  const n = CALLS * ROUNDS;
  const A = { cpuMsPerCall: round(acc.A.cpu / n), latencyMs: summarize(acc.A.lat) };
  const B = { cpuMsPerCall: round(acc.B.cpu / n), latencyMs: summarize(acc.B.lat) };
  report.kinds[kind] = { A, B, cpuBOverA: round(B.cpuMsPerCall / A.cpuMsPerCall) };
  console.error(`[ab] ${kind}: ${JSON.stringify(report.kinds[kind])}`);
}
for (const s of [a, b]) {
  s.client.close();
  await s.server.stop();
  for (const x of ['', '-wal', '-shm']) rmSync(s.file + x, { force: true });
}
report.loadavg = os.loadavg();
writeFileSync(out, JSON.stringify(report, null, 2));
