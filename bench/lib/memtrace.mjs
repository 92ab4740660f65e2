// memtrace's side of the benchmark: building and starting a real server process, opening its
// storage adapters in-process (through tsx, from the main project), and a bare driver on the
// very schema memtrace's migrations create, with the same durability settings.
/* global Buffer, clearTimeout, fetch, process, setTimeout */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { procMemory, sleep } from './measure.mjs';

export const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(BENCH, '..');
export const DATA = path.join(BENCH, 'data');
export const PG_URL =
  process.env.MEMTRACE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The server as operators run it: memtrace compiled by tsc, run by plain node. */
/** Tells checkouts apart, so benchmarks of two checkouts on one machine never share a build or a schema. */
export const CHECKOUT = createHash('sha256').update(ROOT).digest('hex').slice(0, 8);
export const BUILD_DIR = path.join(os.tmpdir(), `memtrace-bench-build-${CHECKOUT}`);

/**
 * Compiles memtrace (tsconfig.build.json) into a folder outside the repository, next to a copy of
 * the migrations and a link to the main node_modules. Type errors do not stop the emit (the
 * working tree may be mid-change); a missing main.js does.
 * @returns the path of main.js
 */
export function buildServer() {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  mkdirSync(BUILD_DIR, { recursive: true });
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(
    process.execPath,
    [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', BUILD_DIR],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  cpSync(path.join(ROOT, 'migrations'), path.join(BUILD_DIR, 'migrations'), { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(BUILD_DIR, 'package.json'));
  if (existsSync(path.join(ROOT, 'docs'))) {
    cpSync(path.join(ROOT, 'docs'), path.join(BUILD_DIR, 'docs'), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(BUILD_DIR, 'node_modules'), 'dir');
  const main = path.join(BUILD_DIR, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`tsc emitted no main.js:\n${r.stdout}${r.stderr}`);
  return { main, typeErrors: (r.stdout.match(/error TS/g) ?? []).length };
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

export const newKey = () => `mtk_${randomBytes(32).toString('base64url')}`;

/** The env that points a memtrace server at a benchmark store. */
export function storeEnv(driver, where) {
  return driver === 'sqlite'
    ? { MEMTRACE_STORAGE_DRIVER: 'sqlite', MEMTRACE_STORAGE_SQLITE_PATH: where.file }
    : {
        MEMTRACE_STORAGE_DRIVER: 'postgres',
        MEMTRACE_STORAGE_POSTGRES_URL: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${where.schema}`)}`,
      };
}

/**
 * Starts a memtrace server on 127.0.0.1 (MEMTRACE_BENCH_SERVER: a compiled main.js, or `tsx` for
 * src/main.ts through tsx) with the benchmark's settings: log level warn (no line per request),
 * rate limit off (the default), everything else at its default (metrics on, dedup on, SQLite
 * synchronous=FULL). With MEMTRACE_BENCH_CPU_PROF set to a folder, the server runs under
 * --cpu-prof and writes its profile there on exit.
 * @returns the process, port, key and start-up time (spawn to the first 200 from /ready)
 */
export async function startServer(driver, where, { key = newKey(), extraEnv = {} } = {}) {
  const port = await freePort();
  const entry = process.env.MEMTRACE_BENCH_SERVER ?? 'tsx';
  const prof = process.env.MEMTRACE_BENCH_CPU_PROF;
  const nodeArgs = [
    ...(prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : []),
    ...(entry === 'tsx' ? ['--import', 'tsx', path.join(ROOT, 'src/main.ts')] : [entry]),
  ];
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    MEMTRACE_SERVER_HOST: '127.0.0.1',
    MEMTRACE_SERVER_PORT: String(port),
    MEMTRACE_LOG_LEVEL: process.env.MEMTRACE_BENCH_LOG_LEVEL ?? 'warn',
    MEMTRACE_AUTH_BOOTSTRAP_KEY: key,
    MEMTRACE_RATE_LIMIT_ENABLED: 'false',
    ...storeEnv(driver, where),
    ...extraEnv,
  };
  const t0 = performance.now();
  const proc = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => {
    if (stderr.length < 100_000) stderr += d;
  });
  const url = `http://127.0.0.1:${port}/ready`;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    if (performance.now() - t0 > 300_000) {
      proc.kill('SIGKILL');
      throw new Error(`server not ready after 300 s: ${stderr}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  const startupMs = performance.now() - t0;
  return {
    proc,
    port,
    key,
    startupMs,
    memory: () => procMemory(proc.pid),
    stderr: () => stderr,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 40_000);
      await exited;
      clearTimeout(t);
    },
  };
}

// ---- PostgreSQL administration ----

export async function pgClient(url = PG_URL) {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

export async function pgAdmin(sql, params) {
  const c = await pgClient();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
}

export async function resetSchema(schema) {
  await pgAdmin(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
}

export async function dropSchema(schema) {
  await pgAdmin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

export function removeSqlite(file) {
  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(file + s, { force: true });
}

// ---- memtrace's storage adapters, in-process ----

/**
 * memtrace's own storage adapter, as the server opens it (SQLite: synchronous FULL unless told:
 * the read jobs seed with NORMAL).
 */
export async function openAdapter(
  driver,
  where,
  { statementTimeoutMs, synchronous = 'full' } = {},
) {
  const { openStorage } = await import('../../src/core.ts');
  if (driver === 'sqlite') {
    return openStorage({ driver: 'sqlite', path: where.file, synchronous });
  }
  return openStorage({
    driver: 'postgres',
    url: PG_URL,
    schema: where.schema,
    ...(statementTimeoutMs ? { statementTimeoutMs } : {}),
  });
}

// ---- the bare driver on memtrace's schema ----

const migrationFiles = (backend) =>
  readdirSync(path.join(ROOT, 'migrations', backend))
    .filter((f) => /^\d{4,}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => readFileSync(path.join(ROOT, 'migrations', backend, f), 'utf8'));

const COLUMNS =
  'id, org_id, agent_id, session_id, memory_type, event_type, content, metadata, tags, importance, dedup_key, parent_id, time';
export const BARE_COLUMNS = COLUMNS;

/**
 * A memory's values in COLUMNS order; `content` and `tags` as the driver takes them (SQLite: text
 * and JSON text; PostgreSQL: memtrace's bytea and a text[]; the minimal table: text and either).
 */
export const memoryValues = (m, { content = m.content, tags = JSON.stringify(m.tags) } = {}) => [
  m.id,
  m.orgId,
  m.agentId,
  m.sessionId,
  m.memoryType,
  m.eventType,
  content,
  JSON.stringify(m.metadata),
  tags,
  m.importance,
  m.dedupKey,
  m.parentId,
  m.time,
];

/**
 * better-sqlite3 on a file made by memtrace's own migrations (applied as plain SQL), with the
 * pragmas memtrace's adapter sets: WAL, synchronous=FULL, foreign_keys=ON, busy_timeout.
 */
export async function openBareSqlite(file, { migrate = true, synchronous = 'FULL' } = {}) {
  const Database = (await import('better-sqlite3')).default;
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (migrate) for (const sql of migrationFiles('sqlite')) db.exec(sql);
  const insertMemory = db.prepare(
    `INSERT INTO memories (${COLUMNS}) VALUES (${COLUMNS.split(', ')
      .map(() => '?')
      .join(', ')})`,
  );
  const insertTag = db.prepare(
    'INSERT INTO memory_tags (org_id, tag, time, seq, importance) VALUES (?, ?, ?, ?, ?)',
  );
  const insertOne = (m) => {
    const { lastInsertRowid } = insertMemory.run(...memoryValues(m));
    for (const t of m.tags) insertTag.run(m.orgId, t, m.time, lastInsertRowid, m.importance);
  };
  const insertMany = db.transaction((ms) => {
    for (const m of ms) insertOne(m);
  });
  return {
    db,
    insert: async (ms) => insertMany.immediate(ms),
    close: async () => db.close(),
  };
}

/**
 * pg on a schema made by memtrace's own migrations: each insert is one prepared statement
 * (multi-row VALUES into memories, its tags into memory_tags in the same statement), autocommit,
 * on a pool of `poolSize` connections (memtrace's default pool is 10).
 */
export async function openBarePg(schema, { migrate = true, poolSize = 10 } = {}) {
  const pg = (await import('pg')).default;
  if (migrate) {
    await resetSchema(schema);
    const c = await pgClient();
    try {
      await c.query(`SET search_path = ${schema}`);
      for (const sql of migrationFiles('postgres')) await c.query(sql);
    } finally {
      await c.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: PG_URL,
    max: poolSize,
    options: `-c search_path=${schema} -c jit=off`,
  });
  pool.on('error', () => undefined);
  const names = new Map();
  // The tsvector column memtrace's adapter fills at insert (ranked search, 0012), when the schema
  // has one: the bare insert fills it too, with to_tsvector('simple', content) (the benchmark's
  // content is plain words, which the domain and PostgreSQL's parser read alike). Looked up at
  // the first insert, so a lane that dropped it first writes without it.
  let vector;
  const width = () => (vector ? 15 : 14);
  const sqlFor = (n) => {
    const w = width();
    const cell = (r, c) =>
      c === 14
        ? `to_tsvector('simple', $${r * w + c + 1})`
        : `$${r * w + c + 1}${c === 7 ? '::json' : ''}`;
    const values = Array.from(
      { length: n },
      (_, r) => `(${Array.from({ length: w }, (_, c) => cell(r, c)).join(', ')})`,
    ).join(', ');
    // content_chars: the content's length in UTF-16 code units, as memtrace writes it (0005).
    const cols = `${COLUMNS}, content_chars${vector ? `, ${vector}` : ''}`;
    return (
      `WITH ins AS (INSERT INTO memories (${cols}) VALUES ${values} ` +
      'RETURNING seq, org_id, time, tags, importance) ' +
      'INSERT INTO memory_tags (org_id, tag, time, seq, importance) ' +
      'SELECT org_id, tag, time, seq, importance FROM ins, unnest(ins.tags) AS tag'
    );
  };
  return {
    pool,
    insert: async (ms) => {
      if (vector === undefined) {
        const { rows } = await pool.query(
          "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'memories' AND udt_name = 'tsvector'",
        );
        vector = rows[0]?.name ?? null;
      }
      let name = names.get(ms.length);
      if (!name) {
        name = `bare_insert_${ms.length}`;
        names.set(ms.length, name);
      }
      const values = [];
      for (const m of ms) {
        values.push(
          ...memoryValues(m, { content: Buffer.from(m.content, 'utf8'), tags: m.tags }),
          m.content.length,
          ...(vector ? [m.content] : []),
        );
      }
      await pool.query({ name, text: sqlFor(ms.length), values });
    },
    close: () => pool.end(),
  };
}

/** Versions of the engines: SQLite (better-sqlite3's) and the PostgreSQL server with its settings. */
export async function engineVersions() {
  const out = {};
  try {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(':memory:');
    out.sqlite = db.prepare('SELECT sqlite_version() AS v').get().v;
    db.close();
  } catch (e) {
    out.sqlite = `unavailable: ${e.message}`;
  }
  try {
    const c = await pgClient();
    try {
      const q = async (s) => (await c.query(s)).rows[0];
      out.postgres = (await q('SELECT version() AS v')).v;
      out.postgresSettings = {};
      for (const s of [
        'shared_buffers',
        'synchronous_commit',
        'fsync',
        'work_mem',
        'max_connections',
        'jit',
      ]) {
        out.postgresSettings[s] = (await q(`SHOW ${s}`))[s];
      }
      out.postgresCollation = (
        await q('SELECT datcollate AS c FROM pg_database WHERE datname = current_database()')
      ).c;
    } finally {
      await c.end();
    }
  } catch (e) {
    out.postgres = `unavailable: ${e.message}`;
  }
  return out;
}

/**
 * memtrace's application services in-process, wired by the real composition root (config,
 * container, metrics on as in the server), without HTTP: what the server runs under Express.
 * @returns `{ memories: MemoryService, context: ContextService, close }`
 */
export async function openService(driver, where) {
  const { createRequire } = await import('node:module');
  createRequire(path.join(ROOT, 'package.json'))('reflect-metadata');
  const { loadConfig } = await import('../../src/config/index.ts');
  const { buildContainer } = await import('../../src/container.ts');
  const { PrometheusMetrics } = await import('../../adapters/metrics/prometheus-metrics.ts');
  const { ContextService, MemoryService } = await import('../../domain/index.ts');
  const config = loadConfig(
    { ...storeEnv(driver, where), MEMTRACE_LOG_LEVEL: 'warn' },
    path.join(BENCH, 'data'),
  );
  const { container, storage } = await buildContainer(config, {
    metrics: new PrometheusMetrics(),
  });
  return {
    memories: container.get(MemoryService),
    context: container.get(ContextService),
    close: () => storage.close(),
  };
}

/**
 * The floor of HTTP on this machine: a bare node:http server (no framework) that reads the
 * request and answers `bodies['METHOD /path']` (a fixed JSON string; a key ending in `/:id`
 * answers every path one segment below it not listed itself) with 200. Whatever memtrace's server
 * costs beyond this floor is Express, middleware, validation, the service, the store and JSON.
 */
export async function startFloorServer(bodies) {
  const script = `
    const http = require('node:http');
    const bodies = JSON.parse(process.env.FLOOR_BODIES);
    const bufs = Object.fromEntries(Object.entries(bodies).map(([k, v]) => [k, Buffer.from(v)]));
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const p = req.url.split('?')[0];
        const key = req.method + ' ' + p;
        // '/api/v1/memories/<id>' answers the body of '/api/v1/memories/:id'
        const pattern = req.method + ' ' + p.slice(0, p.lastIndexOf('/')) + '/:id';
        const b = bufs[key] ?? bufs[pattern] ?? Buffer.from('{}');
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': b.length });
        res.end(b);
      });
    });
    server.keepAliveTimeout = 5000;
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));
    process.on('SIGTERM', () => server.close(() => process.exit(0)));
  `;
  const proc = spawn(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH ?? '', FLOOR_BODIES: JSON.stringify(bodies) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    proc.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    proc.once('exit', (code) => reject(new Error(`floor server exited ${code}`)));
  });
  return {
    proc,
    port,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
