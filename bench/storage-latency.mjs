// memtrace storage benchmark: filtered list and search latency over HTTP at N memories, per
// driver. Usage (from the repository root, after `npm install`):
//   npm --prefix bench run storage -- [--n 1000000] [--drivers sqlite,postgres] [--reuse]
// PostgreSQL: MEMTRACE_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test);
// the data goes to schema `memtrace_bench`, the SQLite file to bench/data/.
//
// Load phase: the API stamps every memory with the current time and has no way to set it, so
// the seeded dataset (times spread over 30 days) is written through the driver's own storage
// adapter (MemoryStore.insert, batches of 1,000), exactly the code the server runs. Query phase:
// a real memtrace server process (src/main.ts) on that store, queried over HTTP on 127.0.0.1.
/* global process, console, performance, Buffer, URL, fetch, setTimeout */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const N = Number(opt('n', '1000000'));
const DRIVERS = opt('drivers', 'sqlite,postgres').split(',');
const REUSE = args.includes('--reuse');
const QUERIES = 500;
const WARMUP = 50;
const PG_URL = process.env.MEMTRACE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PG_SCHEMA = 'memtrace_bench';
const SQLITE_FILE = path.join(BENCH, 'data', `memtrace-bench-${N}.db`);
const ORG = 'org_default';

// ---- the dataset (peer-baselines.md "Conditions"), deterministic from one seed ----

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261122;
const AGENTS = Array.from({ length: 20 }, (_, i) => `agent-${String(i).padStart(2, '0')}`);
const SESSIONS = Array.from({ length: 200 }, (_, i) => ({
  id: `sess-${i}`,
  agent: AGENTS[i % AGENTS.length],
}));
const TYPES = ['episodic', 'session', 'decision', 'entity'];
const EVENTS = Array.from({ length: 10 }, (_, i) => `event_${i}`);
const TAGS = Array.from({ length: 30 }, (_, i) => `tag-${i}`);
const START = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tas', 'vo', 'qui', 'ber', 'nu', 'sel', 'dor', 'pha'];

/** 200 pseudo-words of 2-3 syllables; content is drawn from them. */
function vocabulary(rand) {
  return Array.from({ length: 200 }, () => {
    const n = 2 + Math.floor(rand() * 2);
    return Array.from({ length: n }, () => SYLLABLES[Math.floor(rand() * SYLLABLES.length)]).join(
      '',
    );
  });
}

function* dataset(n) {
  const rand = mulberry32(SEED);
  const words = vocabulary(rand);
  for (let i = 0; i < n; i++) {
    const session = SESSIONS[Math.floor(rand() * SESSIONS.length)];
    const target = 80 + Math.floor(rand() * 121);
    let content = '';
    while (content.length < target)
      content += (content ? ' ' : '') + words[Math.floor(rand() * words.length)];
    content = content.slice(0, target);
    const tagCount = Math.floor(rand() * 4);
    const tags = [];
    while (tags.length < tagCount) {
      const t = TAGS[Math.floor(rand() * TAGS.length)];
      if (!tags.includes(t)) tags.push(t);
    }
    const time = START + Math.floor(rand() * 30 * DAY);
    yield {
      index: i,
      orgId: ORG,
      agentId: session.agent,
      sessionId: session.id,
      memoryType: TYPES[Math.floor(rand() * TYPES.length)],
      eventType: EVENTS[Math.floor(rand() * EVENTS.length)],
      content,
      metadata: { url: `https://example.com/${i}`, n: i },
      tags,
      importance: rand(),
      dedupKey: null,
      parentId: null,
      time,
    };
  }
}

const memoryId = (m) =>
  `mem_${m.time.toString(16).padStart(12, '0')}${m.index.toString(16).padStart(12, '0')}`;

/** The query parameters, from their own seed (the same for every driver). */
function queryPlan() {
  const rand = mulberry32(SEED + 1);
  const words = vocabulary(mulberry32(SEED));
  const list = () => {
    const s = SESSIONS[Math.floor(rand() * SESSIONS.length)];
    const since = new Date(START + Math.floor(rand() * 27 * DAY)).toISOString();
    const type = TYPES[Math.floor(rand() * TYPES.length)];
    return `/api/v1/memories?agent_id=${s.agent}&session_id=${s.id}&memory_type=${type}&since=${encodeURIComponent(since)}&limit=50`;
  };
  const search = () => ({
    tags: [TAGS[Math.floor(rand() * TAGS.length)]],
    min_importance: 0.5,
    content_contains: words[Math.floor(rand() * 40)],
    limit: 50,
  });
  return {
    list: Array.from({ length: WARMUP + QUERIES }, list),
    search: Array.from({ length: WARMUP + QUERIES }, search),
  };
}

// ---- load through the storage adapter ----

async function openStore(driver) {
  if (driver === 'sqlite') {
    const { createSqliteStorage } = await import('../adapters/storage/sqlite/index.ts');
    mkdirSync(path.dirname(SQLITE_FILE), { recursive: true });
    return createSqliteStorage({ path: SQLITE_FILE, synchronous: 'normal' });
  }
  const { createPostgresStorage } = await import('../adapters/storage/postgres/index.ts');
  return createPostgresStorage({ url: PG_URL, schema: PG_SCHEMA, statementTimeoutMs: 600_000 });
}

async function pgAdmin(sql) {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

async function existingCount(driver) {
  if (driver === 'sqlite') {
    if (!existsSync(SQLITE_FILE)) return 0;
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(SQLITE_FILE, { readonly: true });
    try {
      return db.prepare('SELECT COUNT(*) AS n FROM memories').get().n;
    } catch {
      return 0;
    } finally {
      db.close();
    }
  }
  try {
    const { rows } = await pgAdmin(`SELECT count(*)::int AS n FROM ${PG_SCHEMA}.memories`);
    return rows[0].n;
  } catch {
    return 0;
  }
}

async function load(driver) {
  if (REUSE && (await existingCount(driver)) === N) {
    console.error(`[${driver}] reusing the loaded store (${N} memories)`);
    return null;
  }
  if (driver === 'sqlite') {
    for (const s of ['', '-wal', '-shm']) rmSync(SQLITE_FILE + s, { force: true });
  } else {
    await pgAdmin(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE; CREATE SCHEMA ${PG_SCHEMA}`);
  }
  const store = await openStore(driver);
  const started = performance.now();
  let batch = [];
  let done = 0;
  for (const m of dataset(N)) {
    const memory = { ...m, id: memoryId(m) };
    delete memory.index;
    batch.push(memory);
    if (batch.length === 1000) {
      await store.memories.insert(batch, null);
      done += batch.length;
      batch = [];
      if (done % 100_000 === 0) console.error(`[${driver}] loaded ${done}`);
    }
  }
  if (batch.length > 0) await store.memories.insert(batch, null);
  const loadSeconds = (performance.now() - started) / 1000;
  await store.close();
  // Statistics for the planner, as an operator's autovacuum / ANALYZE would give.
  const post = performance.now();
  if (driver === 'postgres') {
    await pgAdmin(`VACUUM ANALYZE ${PG_SCHEMA}.memories`);
    await pgAdmin(`VACUUM ANALYZE ${PG_SCHEMA}.memory_tags`);
  } else {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(SQLITE_FILE);
    db.exec('ANALYZE');
    db.close();
  }
  return {
    loadSeconds,
    itemsPerSecond: Math.round(N / loadSeconds),
    postLoadSeconds: (performance.now() - post) / 1000,
  };
}

/** Empties orgs and keys, so the server's first-run bootstrap installs this run's key. */
async function forgetKeys(driver) {
  if (driver === 'postgres') {
    await pgAdmin(`TRUNCATE ${PG_SCHEMA}.orgs, ${PG_SCHEMA}.api_keys CASCADE`);
    return;
  }
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(SQLITE_FILE);
  db.exec('DELETE FROM api_keys; DELETE FROM orgs');
  db.close();
}

// ---- the server and the HTTP client ----

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function startServer(driver, key) {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    MEMTRACE_SERVER_HOST: '127.0.0.1',
    MEMTRACE_SERVER_PORT: String(port),
    MEMTRACE_LOG_LEVEL: 'warn',
    MEMTRACE_AUTH_BOOTSTRAP_KEY: key,
    MEMTRACE_STORAGE_DRIVER: driver,
    ...(driver === 'sqlite'
      ? { MEMTRACE_STORAGE_SQLITE_PATH: SQLITE_FILE }
      : {
          MEMTRACE_STORAGE_POSTGRES_URL: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${PG_SCHEMA}`)}`,
        }),
  };
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      const res = await fetch(`${url}/ready`);
      if (res.ok) return { proc, port, stderr: () => stderr };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not ready: ${stderr}`);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(port, key, method, pathname, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: pathname,
        agent,
        headers: {
          'x-api-key': key,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const percentile = (sorted, p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

async function measure(port, key, kind, queries) {
  const times = [];
  let rows = 0;
  let errors = 0;
  let violations = 0;
  for (let i = 0; i < queries.length; i++) {
    const q = queries[i];
    const t0 = performance.now();
    const res =
      kind === 'list'
        ? await request(port, key, 'GET', q)
        : await request(port, key, 'POST', '/api/v1/search', q);
    const ms = performance.now() - t0;
    if (i < WARMUP) continue;
    if (res.status !== 200) {
      errors++;
      continue;
    }
    times.push(ms);
    const body = JSON.parse(res.body);
    const items = kind === 'list' ? body.memories : body.results;
    rows += items.length;
    // Results must satisfy the query and come newest first.
    for (let j = 0; j < items.length; j++) {
      const m = items[j];
      const ok =
        kind === 'list'
          ? m.time >= new URL(q, 'http://x').searchParams.get('since')
          : m.tags.includes(q.tags[0]) &&
            m.importance >= 0.5 &&
            m.content.includes(q.content_contains);
      const ordered = j === 0 || items[j - 1].time >= m.time;
      if (!ok || !ordered) violations++;
    }
  }
  times.sort((a, b) => a - b);
  const r = (x) => Math.round(x * 100) / 100;
  return {
    p50: r(percentile(times, 50)),
    p95: r(percentile(times, 95)),
    p99: r(percentile(times, 99)),
    avgRows: r(rows / Math.max(1, times.length)),
    errors,
    violations,
  };
}

async function versions(driver) {
  if (driver === 'postgres') {
    const { rows } = await pgAdmin('SHOW server_version');
    return `PostgreSQL ${rows[0].server_version}`;
  }
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(':memory:');
  const v = db.prepare('SELECT sqlite_version() AS v').get().v;
  db.close();
  return `SQLite ${v}`;
}

async function main() {
  const plan = queryPlan();
  const results = [];
  for (const driver of DRIVERS) {
    console.error(`[${driver}] loading ${N} memories through the storage adapter`);
    const loaded = await load(driver);
    await forgetKeys(driver);
    const key = `mtk_${randomBytes(32).toString('base64url')}`;
    const { proc, port, stderr } = await startServer(driver, key);
    try {
      console.error(`[${driver}] querying over HTTP`);
      const list = await measure(port, key, 'list', plan.list);
      const search = await measure(port, key, 'search', plan.search);
      results.push({ driver, version: await versions(driver), n: N, load: loaded, list, search });
    } catch (e) {
      console.error(`[${driver}] server stderr:\n${stderr()}`);
      throw e;
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
  }
  agent.destroy();
  const report = {
    at: new Date().toISOString(),
    conditions: {
      node: process.version,
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      platform: `${os.type()} ${os.release()}`,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      dataset: `seed ${SEED}: ${N} memories, 20 agents, 200 sessions, 4 types, 10 event types, 0-3 of 30 tags, importance U(0,1), content 80-200 chars, time U(2026-01-01, +30 d)`,
      list: `GET /api/v1/memories agent_id + its session_id + memory_type + since (uniform over the first 27 days), limit 50, newest first`,
      search: `POST /api/v1/search one tag + min_importance 0.5 + content_contains (one of 40 common words), limit 50, newest first`,
      queries: `${QUERIES} timed after ${WARMUP} warm-up, sequential, keep-alive, nearest-rank percentiles, ms of wall time per HTTP request`,
      load: 'MemoryStore.insert in batches of 1,000 (the API cannot backdate), then ANALYZE / VACUUM ANALYZE',
    },
    results,
  };
  mkdirSync(path.join(BENCH, 'results'), { recursive: true });
  const file = path.join(BENCH, 'results', `${report.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  const lines = [
    `| Driver | N | load (items/s) | list p50 / p95 / p99 ms | search p50 / p95 / p99 ms | avg rows list / search | errors | violations |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|`,
    ...results.map(
      (r) =>
        `| ${r.version} | ${r.n.toLocaleString('en-US')} | ${r.load ? r.load.itemsPerSecond.toLocaleString('en-US') : 'reused'} | ${r.list.p50} / ${r.list.p95} / ${r.list.p99} | ${r.search.p50} / ${r.search.p95} / ${r.search.p99} | ${r.list.avgRows} / ${r.search.avgRows} | ${r.list.errors + r.search.errors} | ${r.list.violations + r.search.violations} |`,
    ),
  ];
  console.log(lines.join('\n'));
  console.log(
    `\nNode ${process.version}, ${os.cpus().length} cores; written to ${path.relative(ROOT, file)}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
