// memtrace benchmark: memtrace over HTTP, its storage adapter in-process and the bare driver, next
// to its peers (mem0 OSS, LangGraph's InMemoryStore and PostgresStore) on the same seeded data.
// Every job (one system at one size) runs in its own child process, one after another, with its
// own time bound. Writes results/<run>.json, results/<run>.md and results/<run>.svg.
//
//   npm --prefix bench install && npm --prefix bench run bench -- [options]
//
//   --quick              smoke run (about 2 min): small sizes, fewer queries
//   --drivers a,b        memtrace drivers (sqlite,postgres)
//   --n a,b              memtrace read sizes for W3 (100000,1000000), up to 5000000; each runs
//                        every query kind, W4 (context) and the ingest probe; with two sizes or
//                        more the report has a growth table per driver
//   --growth             the growth run: --n 10000,100000,1000000,5000000 unless --n is given,
//                        --peers none unless --peers is given (see docs/benchmark.md)
//   --ingest-batches n   batches of 1,000 the ingest probe of each read job times (20)
//   --peers a,b          langgraph-inmemory,langgraph-postgres,mem0 (or none)
//   --peer-n a,b         peer sizes (10000,100000); memtrace also reads at these sizes for the
//                        q1 cross-check
//   --mem0-100k          also run mem0 at 100k (about 25 min on its own; off by default)
//   --only a,b           job kinds: write,read,peer (all)
//   --queries n          timed queries per kind (500), after --warmup (50)
//   --reuse              keep the loaded read stores (bench/data, schemas memtrace_bench_r*) and
//                        reuse them in the next --reuse run (without it they are dropped)
//   --server build|tsx   run memtrace compiled by tsc (default, as in production) or through tsx
//   --profile            run every memtrace server under --cpu-prof (results/profiles/<run>/)
//   --label name         results file name prefix (default: quick-<time> or <time>)
//   --readme             put the table and chart into docs/benchmark.md between the bench markers
//   --dry-run            print the plan and its time estimate, run nothing
//   --bulk               SQLite read stores loaded in bulk (rows, then the indexes and the
//                        full-text tables built): the same store, hours sooner at 5M
//   --load-only          load the read stores and keep them for a later --reuse run (the
//                        drivers load at the same time), measure nothing
/* global clearTimeout, console, process, setTimeout */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SEED } from './lib/dataset.mjs';
import { round } from './lib/measure.mjs';
import { buildServer, engineVersions } from './lib/memtrace.mjs';
import { renderMarkdown, renderSvg, updateBenchmarkPage } from './report.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const argv = process.argv.slice(2);
const has = (f) => argv.includes(`--${f}`);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const list = (s) => (s === 'none' || s === '' ? [] : s.split(','));
const nums = (s) => list(s).map(Number);

const QUICK = has('quick');
const GROWTH = has('growth');
const DRIVERS = list(opt('drivers', 'sqlite,postgres'));
const READ_N = nums(
  opt('n', QUICK ? '3000' : GROWTH ? '10000,100000,1000000,5000000' : '100000,1000000'),
);
const PEERS = list(opt('peers', GROWTH ? 'none' : 'langgraph-inmemory,langgraph-postgres,mem0'));
const INGEST_BATCHES = Number(opt('ingest-batches', QUICK ? '5' : '20'));
const PEER_N = nums(opt('peer-n', QUICK ? '3000' : '10000,100000'));
const MEM0_100K = has('mem0-100k');
const ONLY = list(opt('only', 'write,read,peer'));
const QUERIES = Number(opt('queries', QUICK ? '100' : '500'));
const WARMUP = Number(opt('warmup', QUICK ? '10' : '50'));
const CONTEXT = Number(opt('context', QUICK ? '2000' : '10000'));
const SERVER = opt('server', 'build');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const LABEL = opt('label', QUICK ? 'quick' : '');
const RUN = LABEL ? `${LABEL}-${stamp}` : stamp;
const RESULTS = path.join(BENCH, 'results');
const LOGS = path.join(BENCH, 'data', 'logs', RUN);

// ---- the plan ----

const allReadN = [...new Set([...READ_N, ...(PEERS.length ? PEER_N : [])])].sort((a, b) => a - b);
const jobs = [];
if (ONLY.includes('write')) {
  for (const d of DRIVERS) jobs.push({ kind: 'write', driver: d });
}
if (ONLY.includes('read')) {
  for (const d of DRIVERS) {
    // Every --n size runs W4 (the context session loaded next to its N) for the growth table.
    for (const n of allReadN)
      jobs.push({ kind: 'read', driver: d, n, context: READ_N.includes(n) ? CONTEXT : 0 });
  }
}
if (ONLY.includes('peer')) {
  for (const p of PEERS) for (const n of PEER_N) jobs.push({ kind: 'peer', peer: p, n });
}

/**
 * Seconds a read job spends loading N memories (and the context session) on an idle 2-core
 * machine. Measured: the recall run of 2026-12-07 loaded 1M in 973 s on SQLite and 389 s on
 * PostgreSQL (the full-text and trigram indexes dominate: the FTS5 trigram table alone divides a
 * bare insert's rate by about 8); the rate falls slowly as the indexes grow, taken here as 25%
 * slower at 5M than at 10k.
 */
function loadSeconds(driver, n) {
  // --bulk: 5,010,000 in 637 s (rows 366 s, indexes 94 s, FTS5 rebuild 176 s) on 2026-12-07
  if (driver === 'sqlite' && has('bulk')) return (n / 1e6) * 130;
  const slowdown = 1 + (0.25 * Math.max(0, Math.log10(n / 1e4))) / Math.log10(500);
  return (n / 1e6) * (driver === 'sqlite' ? 845 : 340) * slowdown;
}

/** Rough seconds per job on an idle 2-core machine (from development runs), for the estimate. */
function estimate(job) {
  if (QUICK) return { write: 22, read: 16, peer: job.peer === 'mem0' ? 20 : 6 }[job.kind];
  if (job.kind === 'write') return 300;
  if (job.kind === 'read') {
    // load + ANALYZE, then 4 lanes of queries (at 1M the counted searches hit the 30 s cap;
    // measured 1M jobs spent 640-690 s past their load), the context, the ingest probe
    const full = READ_N.includes(job.n);
    const queries = !full ? 25 : job.n >= 5e6 ? 900 : job.n >= 1e6 ? 650 : job.n >= 1e5 ? 150 : 60;
    const ingest = full ? (INGEST_BATCHES * 1000) / (job.n >= 1e6 ? 1500 : 3000) : 0;
    return loadSeconds(job.driver, job.n + job.context) + queries + ingest + 10;
  }
  const perPeer = {
    'langgraph-inmemory': { 1e4: 10, 1e5: 90 },
    'langgraph-postgres': { 1e4: 20, 1e5: 120 },
    mem0: { 1e4: 160, 1e5: 1600 },
  }[job.peer];
  return perPeer?.[job.n] ?? (job.n / 1e4) * 30;
}

/** The longest a job may run before it is killed and recorded as timed out. */
function timeLimit(job) {
  // quick: the write job's eight lanes alone take about 3 min on a busy machine
  if (QUICK) return job.kind === 'peer' ? 180 : 600;
  if (job.kind === 'write') return 900;
  // four times the estimate: on a shared machine (load average about 20 on 2 cores) the 10k and
  // 50k jobs took 4-5 times their estimate, mostly in the capped query lanes
  if (job.kind === 'read') return Math.max(1200, Math.round(4 * estimate(job)));
  if (job.peer === 'mem0' && job.n > 1e4) return 3600;
  return 1200;
}

function skipReason(job, done) {
  if (job.kind !== 'peer' || job.n < 100_000) return null;
  if (job.peer === 'mem0' && !MEM0_100K) return 'opt-in: run with --mem0-100k (about 25 min)';
  const small = done.find((j) => j.kind === 'peer' && j.peer === job.peer && j.n === 10_000);
  if (small && small.wallSeconds > 300) {
    return `skip rule: its 10k process took ${small.wallSeconds} s (> 300 s)`;
  }
  return null;
}

const describe = (j) =>
  j.kind === 'peer'
    ? `${j.peer} N=${j.n}`
    : `memtrace ${j.kind} ${j.driver}${j.n ? ` N=${j.n}` : ''}`;

const planned = jobs.map((j) => ({
  ...j,
  estimate: skipReason(j, []) ? 0 : estimate(j),
}));
const total = planned.reduce((s, j) => s + j.estimate, 0) + (SERVER === 'build' ? 15 : 0);
console.error(`memtrace benchmark ${RUN}: ${planned.length} jobs, one after another`);
for (const j of planned) {
  console.error(
    `  ${describe(j).padEnd(40)} ~${Math.round(j.estimate)} s (limit ${timeLimit(j)} s)${skipReason(j, []) ? ` [${skipReason(j, [])}]` : ''}`,
  );
}
console.error(`estimated total: ~${Math.round(total / 60)} min on an idle 2-core machine\n`);
if (has('dry-run')) process.exit(0);
if (has('load-only')) await loadOnly();

/**
 * --load-only: loads (or keeps) every read job's store for a later --reuse run, and measures
 * nothing. Loads are not timed figures, so the drivers load at the same time, one process each.
 */
async function loadOnly() {
  const mine = planned.filter((j) => j.kind === 'read');
  const byDriver = DRIVERS.map((d) => mine.filter((j) => j.driver === d));
  mkdirSync(LOGS, { recursive: true });
  const loadOne = (job) =>
    new Promise((resolve) => {
      const name = `load-${job.driver}-${job.n}`;
      const args = ['--import', 'tsx', 'jobs/memtrace-read.mjs', job.driver, String(job.n)];
      args.push(path.join(LOGS, `${name}.json`), '--context', String(job.context));
      args.push('--kinds', 'q1', '--reuse', ...(has('bulk') ? ['--bulk'] : []));
      const log = createWriteStream(path.join(LOGS, `${name}.log`));
      const child = spawn(process.execPath, args, {
        cwd: BENCH,
        env: { ...process.env, MEMTRACE_BENCH_LANES: 'none' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.pipe(log);
      child.stderr.on('data', (d) => {
        log.write(d);
        process.stderr.write(d);
      });
      child.on('exit', (code) => resolve(code === 0));
    });
  const results = await Promise.all(
    byDriver.map(async (list) => {
      let ok = true;
      for (const job of list) ok = (await loadOne(job)) && ok;
      return ok;
    }),
  );
  console.error(`\nloaded ${mine.length} stores for --reuse (logs: ${path.relative(ROOT, LOGS)})`);
  process.exit(results.every(Boolean) ? 0 : 1);
}

// ---- conditions ----

const loadavg = () => os.loadavg().map((x) => round(x, 2));
const pkgVersion = (dir, name) => {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8'))
      .version;
  } catch {
    return null;
  }
};
const git = (...a) => {
  try {
    return execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
};

const rootPkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const benchPkg = JSON.parse(readFileSync(path.join(BENCH, 'package.json'), 'utf8'));
const dirty = (git('status', '--porcelain', '--', '.', ':!bench') ?? '')
  .split('\n')
  .filter(Boolean);
const report = {
  run: RUN,
  startedAt: new Date().toISOString(),
  argv,
  mode: QUICK ? 'quick' : 'full',
  environment: {
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    loadavgStart: loadavg(),
    memtraceVersion: rootPkg.version,
    memtraceCommit: git('rev-parse', '--short', 'HEAD'),
    memtraceUncommittedFiles: dirty.length,
    server: SERVER,
    packages: {
      memtrace: Object.fromEntries(
        [...Object.keys(rootPkg.dependencies), 'tsx', 'typescript'].map((n) => [
          n,
          pkgVersion(ROOT, n),
        ]),
      ),
      bench: Object.fromEntries(
        Object.keys(benchPkg.dependencies).map((n) => [n, pkgVersion(BENCH, n)]),
      ),
    },
    ...(await engineVersions()),
  },
  conditions: {
    dataset: `lib/dataset.mjs, mulberry32 seed ${SEED}: 20 agents, 200 sessions (each owned by one agent), 4 memory types, 10 event types, 0-3 distinct tags of 30, importance U(0,1), content 80-200 chars of words from a 200-word English vocabulary, metadata {url, n}, time U(2026-01-01, +30 days)`,
    queries: `${QUERIES} timed per kind after ${WARMUP} untimed warm-ups (different parameters; they stop after ${QUICK ? 3.3 : 10} s, warmups says how many ran), one at a time; nearest-rank percentiles of wall time per call; a kind (and the context) stops after ${QUICK ? 10 : 30} s of timed work (n says how many ran)`,
    q1: 'agent X + its session Y + memory_type Z + time >= T (T uniform over the first 27 days), newest first, limit 50; memtrace: GET /api/v1/memories',
    q2: 'tag A AND importance >= 0.5, limit 50; memtrace: POST /api/v1/search (newest first); peers: no order',
    q3: 'q2 + content_contains one of 40 common words (W3 search), with the exact count; bare: instr() / position() over the tag index; memtrace only',
    q4: "ranked keyword search: query = one vocabulary word (half of the queries) or two (both must occur), best first, limit 50, with the exact count; memtrace: POST /api/v1/search {query}; bare: SQLite FTS5 MATCH ordered by bm25() on memtrace's own FTS table, PostgreSQL tsvector @@ tsquery ordered by ts_rank_cd on its own column; memtrace only",
    relevance:
      "the relevance set of test/fixtures/relevance (313 memories written for memtrace, 40 queries, the 1-3 memories each must rank in its top 5) loaded through the HTTP API into a fresh org of each read job's server (next to its N memories), every query through POST /api/v1/search {query, limit 10}; recall@5 = expected memories ranked 1-5 / all expected; MRR = mean of 1 / rank of the first expected memory",
    get: 'GET /api/v1/memories/{id} of a memory drawn at random (seed + 2) from the N; bare: SELECT by (org, id)',
    context: `W4: POST /api/v1/sessions/sess-ctx/context {max_tokens: 2000}, a session of ${CONTEXT.toLocaleString('en-US')} memories (no tags), loaded next to each --n size`,
    writes:
      "W1: POST /api/v1/memories one memory per request at concurrency 1, 8, 32; W2: {memories:[...]} of 100 and 1,000 at concurrency 1, and of 1,000 from two clients at once (batch_1000_c2, the ingest targets' workload); each lane (HTTP, service, adapter, bare) starts from an empty store and writes the same items in the same order; dedup on (the default, 24 h window) for HTTP and adapter; the bare and HTTP lanes run again on a schema with the search objects (FTS/trigram tables and triggers, tsvector columns, GIN indexes) dropped after migrating: the write cost of the search indexes, same run; the W2 phases run again through the bare driver on a minimal table without and with the search indexes (the ingest targets' yardsticks)",
    minimal:
      "one memories table with a primary key on the id, a unique (org, dedup key) and two (org, agent|session, time) indexes, tags in the row (no tag table), WAL + synchronous=FULL (SQLite) / synchronous_commit on; + search indexes: SQLite an FTS5 unicode61 table (as migration 0012) and an FTS5 trigram table (as 0011), external content, fed by triggers; PostgreSQL a tsvector column (to_tsvector('simple', content) at insert) under GIN and a pg_trgm GIN index over the content. One prepared insert per batch (SQLite: one transaction; PostgreSQL: one multi-row INSERT)",
    growth: `each --n size's read job, after its queries: ${INGEST_BATCHES} timed batches of 1,000 memories (after 2 untimed) through POST /api/v1/memories from two clients at once, into a fresh org of the loaded store (its indexes already hold N), dedup on; rows/s over the timed wall time`,
    server: `memtrace ${SERVER === 'build' ? 'compiled by tsc, run by node (as npm start)' : 'through tsx'} on 127.0.0.1, log level warn, metrics on, rate limit off, SQLite synchronous=FULL (the default), Postgres pool 10 (the default); keep-alive HTTP/1.1 client in the same machine`,
    bare: 'better-sqlite3 / pg on the schema memtrace migrations create, same durability: SQLite WAL + synchronous=FULL (memtrace default); Postgres synchronous_commit on; writes memories + memory_tags, no dedup check; reads hand-written SQL, prepared',
    service:
      "memtrace's MemoryService / ContextService in-process, wired by the real composition root (src/container.ts, metrics on, dedup on): everything the server runs except HTTP, Express and the DTOs",
    adapter:
      "memtrace's storage adapter imported in-process through tsx (no HTTP, no validation): MemoryStore.insert with the server's dedup policy; reads = the page with its count as MemoryService reads them (one findPage withTotal where the store reads both in one statement, else findPage + count); context = sessions.findById + find(all) + formatSessionContext",
    load: `read stores are loaded through MemoryStore.insert (batches of 1,000, no dedup: the API cannot backdate; SQLite synchronous=NORMAL while loading)${has('bulk') ? ', SQLite in bulk instead (--bulk: migrated by memtrace, then the same rows written with the memories indexes and full-text triggers off, then the indexes built and both FTS5 tables rebuilt)' : ''}, then ANALYZE (SQLite) / VACUUM ANALYZE (Postgres)${has('reuse') ? '; --reuse: a store already holding its N (loaded by an earlier run, e.g. --load-only) is measured as it is' : ''}`,
    peers:
      'as peer-baselines.md describes: first 2,000 one at a time, the rest in batches of 1,000 (mem0: sequential add, no batch API); mem0 infer:false, 64-dim hash embedder, vector store "memory"; LangGraph tags flattened to boolean keys; fetch() to anything but loopback is blocked',
    process:
      'each job in its own child process, one after another; the HTTP lanes run the server as a second process beside the loader on the same 2 cores',
    skipRule:
      '100k skipped for a peer whose 10k process took > 300 s; mem0 100k only with --mem0-100k',
  },
  jobs: [],
};

// ---- run ----

mkdirSync(LOGS, { recursive: true });
mkdirSync(RESULTS, { recursive: true });
const env = { ...process.env };
if (SERVER === 'build') {
  const t = performance.now();
  const built = buildServer();
  env.MEMTRACE_BENCH_SERVER = built.main;
  report.environment.build = {
    seconds: round((performance.now() - t) / 1000, 1),
    typeErrors: built.typeErrors,
  };
  console.error(
    `built memtrace in ${report.environment.build.seconds} s${built.typeErrors ? ` (${built.typeErrors} type errors in the working tree; emitted anyway)` : ''}`,
  );
} else {
  env.MEMTRACE_BENCH_SERVER = 'tsx';
}
if (has('profile')) {
  env.MEMTRACE_BENCH_CPU_PROF = path.join(RESULTS, 'profiles', RUN);
  mkdirSync(env.MEMTRACE_BENCH_CPU_PROF, { recursive: true });
}

function runJob(job, out) {
  const common = ['--queries', String(QUERIES), '--warmup', String(WARMUP)];
  const args =
    job.kind === 'write'
      ? [
          '--import',
          'tsx',
          'jobs/memtrace-write.mjs',
          job.driver,
          out,
          ...(QUICK ? ['--quick'] : []),
        ]
      : job.kind === 'read'
        ? [
            '--import',
            'tsx',
            'jobs/memtrace-read.mjs',
            job.driver,
            String(job.n),
            out,
            '--context',
            String(job.context),
            '--max-seconds',
            QUICK ? '10' : '30',
            // sizes that only serve the q1 cross-check with the peers: q1 and q2 only
            '--kinds',
            READ_N.includes(job.n) ? 'q1,q2,q3,q4,get' : 'q1,q2',
            '--ingest-batches',
            READ_N.includes(job.n) ? String(INGEST_BATCHES) : '0',
            ...common,
            ...(has('reuse') ? ['--reuse'] : []),
            ...(has('bulk') ? ['--bulk'] : []),
          ]
        : ['jobs/peer.mjs', job.peer, String(job.n), out, ...common];
  const logFile = path.join(LOGS, `${path.basename(out, '.json')}.log`);
  const logStream = createWriteStream(logFile);
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: BENCH,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const relay = (d) => {
      logStream.write(d);
      process.stderr.write(d);
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      },
      timeLimit(job) * 1000,
    );
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      logStream.end();
      resolve({
        code,
        signal,
        timedOut,
        wallSeconds: round((performance.now() - t0) / 1000, 1),
        log: path.relative(ROOT, logFile),
      });
    });
  });
}

const done = [];
const runStart = performance.now();
for (const job of planned) {
  const skip = skipReason(job, done);
  const name = `${job.kind}-${job.peer ?? job.driver}${job.n ? `-${job.n}` : ''}`;
  if (skip) {
    console.error(`\n== ${describe(job)}: skipped (${skip})`);
    report.jobs.push({ ...job, name, status: 'skipped', reason: skip });
    continue;
  }
  console.error(`\n== ${describe(job)} (limit ${timeLimit(job)} s)`);
  const out = path.join(LOGS, `${name}.json`);
  const r = await runJob(job, out);
  const entry = { ...job, name, wallSeconds: r.wallSeconds, log: r.log, loadavgAfter: loadavg() };
  if (r.timedOut)
    Object.assign(entry, { status: 'timeout', reason: `killed after ${timeLimit(job)} s` });
  else if (r.code !== 0 || !existsSync(out)) {
    Object.assign(entry, { status: 'failed', reason: `exit ${r.code ?? r.signal}; see ${r.log}` });
  } else Object.assign(entry, { status: 'ok', result: JSON.parse(readFileSync(out, 'utf8')) });
  console.error(`== ${describe(job)}: ${entry.status} in ${r.wallSeconds} s`);
  report.jobs.push(entry);
  done.push(entry);
}

report.finishedAt = new Date().toISOString();
report.totalSeconds = round((performance.now() - runStart) / 1000, 1);
report.environment.loadavgEnd = loadavg();
const base = path.join(RESULTS, RUN);
writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
const md = renderMarkdown(report, { svg: `${RUN}.svg` });
writeFileSync(`${base}.md`, md);
writeFileSync(`${base}.svg`, renderSvg(report));
const BENCHMARK_PAGE = path.join(ROOT, 'docs', 'benchmark.md');
if (has('readme')) updateBenchmarkPage(report, BENCHMARK_PAGE);
// In the repository's own format, so the committed results pass `prettier --check`.
try {
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs'),
      '--write',
      `${base}.json`,
      `${base}.md`,
      ...(has('readme') ? [BENCHMARK_PAGE] : []),
    ],
    { cwd: ROOT, stdio: 'ignore' },
  );
} catch {
  console.error('prettier could not format the results (they are still written)');
}
console.log(md);
console.error(
  `\n${report.jobs.length} jobs in ${Math.round(report.totalSeconds)} s; results: ${path.relative(ROOT, base)}.{json,md,svg}`,
);
