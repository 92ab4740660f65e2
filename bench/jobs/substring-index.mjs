// The substring index (migration 0011) at scale: q3 (tag + importance >= 0.5 + content_contains
// one of 40 common words, as in memtrace-read.mjs) page and exact count, before and after the
// index on the same database, and the write cost the index adds.
//
// Usage: node --import tsx jobs/substring-index.mjs <sqlite|postgres> <N> <out.json> [--queries 100]
//
// 1. Loads N dataset items through memtrace's store on the schema of migrations 0001-0010 (no
//    substring index), in batches of 1,000 with no dedup check, then ANALYZE.
// 2. Ingest without the index: 20,000 more items through the store (the rate at N).
// 3. Before: q3 page (LIMIT 50) and q3 count as memtrace's store ran them before 0011 (the same
//    SQL as the bare lane of memtrace-read.mjs: instr / position() on each tag candidate).
// 4. Applies 0011 (builds the index over the N + 20,000 rows; timed).
// 5. Ingest with the index: 20,000 more items through the store.
// 6. After: the store's find (LIMIT 50) + count together, and find alone (LIMIT 51, what
//    include_count=false runs), case-sensitive and case-insensitive.
/* global Buffer, process, console */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { dataset, ORG, queryPlan, toMemory } from '../lib/dataset.mjs';
import { round, summarize } from '../lib/measure.mjs';
import { PG_URL, resetSchema, dropSchema, ROOT } from '../lib/memtrace.mjs';

const [driver, nArg, out] = process.argv.slice(2);
const N = Number(nArg);
const opt = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : process.argv[i + 1];
};
const QUERIES = Number(opt('queries', '100'));
const WARMUP = 20;
const EXTRA = 20_000;
const log = (...a) => console.error(`[substring ${driver} ${N}]`, ...a);

/** A folder holding memtrace's migrations for `backend` up to `version`. */
const migrationsUpTo = (backend, version) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), `memtrace-migrations-${backend}-`));
  const src = path.join(ROOT, 'migrations', backend);
  for (const f of readdirSync(src)) {
    if (f.endsWith('.sql') && Number(f.slice(0, 4)) <= version) {
      cpSync(path.join(src, f), path.join(dir, f));
    }
  }
  return dir;
};

async function timed(items, run) {
  const samples = [];
  for (let i = 0; i < items.length; i++) {
    const t0 = performance.now();
    await run(items[i]);
    if (i >= WARMUP) samples.push(performance.now() - t0);
  }
  const s = summarize(samples);
  return { p50: s.p50, p95: s.p95, p99: s.p99, mean: s.mean };
}

async function ingest(store, from, count) {
  const t0 = performance.now();
  let batch = [];
  for (const m of dataset(from + count)) {
    if (m.index < from) continue;
    batch.push(toMemory(m));
    if (batch.length === 1000) {
      await store.memories.insert(batch, null);
      batch = [];
    }
  }
  if (batch.length > 0) await store.memories.insert(batch, null);
  const ms = performance.now() - t0;
  return { items: count, ms: round(ms), perSecond: Math.round((count / ms) * 1000) };
}

const plan = queryPlan(QUERIES, WARMUP).q3;
const filterOf = (x, ignoreCase = false) => ({
  tags: [x.tag],
  minImportance: x.minImportance,
  contentContains: ignoreCase ? x.word.toUpperCase() : x.word,
  ...(ignoreCase ? { contentContainsIgnoreCase: true } : {}),
});

/**
 * The rare lane: a 20-character snippet of one stored memory's content (items 0, 997, 1994, ...),
 * no other filter: "find the memory that said X", which few memories match, so a scan reads
 * every memory of the org to fill the page and the count.
 */
const rarePlan = (() => {
  const want = new Set(Array.from({ length: QUERIES + WARMUP }, (_, k) => k * 997));
  const out = [];
  for (const m of dataset(Math.max(...want) + 1)) {
    if (want.has(m.index)) out.push({ word: m.content.slice(10, 30) });
  }
  return out;
})();

async function rareLanes(store) {
  const filter = (x) => ({ contentContains: x.word });
  return {
    rare_page_count: await timed(rarePlan, (x) =>
      Promise.all([
        store.memories.find(ORG, { filter: filter(x), order: 'desc', limit: 50, offset: 0 }),
        store.memories.count(ORG, filter(x)),
      ]),
    ),
    rare_page: await timed(rarePlan, (x) =>
      store.memories.find(ORG, { filter: filter(x), order: 'desc', limit: 51, offset: 0 }),
    ),
  };
}

async function afterLanes(store) {
  const lanes = await rareLanes(store);
  log('after rare:', JSON.stringify(lanes));
  // --rare-only: the q3 lanes were measured by an earlier run.
  if (process.argv.includes('--rare-only')) return lanes;
  for (const ignoreCase of [false, true]) {
    const suffix = ignoreCase ? '_ci' : '';
    lanes[`page_count${suffix}`] = await timed(plan, async (x) => {
      const filter = filterOf(x, ignoreCase);
      await Promise.all([
        store.memories.find(ORG, { filter, order: 'desc', limit: 50, offset: 0 }),
        store.memories.count(ORG, filter),
      ]);
    });
    lanes[`page${suffix}`] = await timed(plan, (x) =>
      store.memories.find(ORG, {
        filter: filterOf(x, ignoreCase),
        order: 'desc',
        limit: 51,
        offset: 0,
      }),
    );
    log(
      `after${suffix}:`,
      JSON.stringify(lanes[`page_count${suffix}`]),
      JSON.stringify(lanes[`page${suffix}`]),
    );
  }
  return lanes;
}

const result = { driver, n: N, queries: QUERIES, at: new Date().toISOString() };

// --after-only: the after lanes again on a database kept (--keep) by an earlier run.
const AFTER_ONLY = process.argv.includes('--after-only');

if (driver === 'sqlite' && AFTER_ONLY) {
  const { openSqliteDatabase } = await import('../../adapters/storage/sqlite/sqlite-database.ts');
  const { SqliteMemoryStore } =
    await import('../../adapters/storage/sqlite/sqlite-memory-store.ts');
  const conn = openSqliteDatabase({ path: path.join(opt('dir', ''), 'bench.db') });
  // Before, for the rare lane: the SQL the store ran before 0011 (a walk of the org's time
  // index checking instr on each row), which reads no index of 0011.
  const where =
    'FROM memories m INDEXED BY idx_memories_org_time WHERE m.org_id = ? AND m.superseded_by IS NULL AND instr(m.content, ?) > 0';
  const page = conn.prepare(`SELECT m.* ${where} ORDER BY m.time DESC, m.seq DESC LIMIT 50`);
  const count = conn.prepare(`SELECT count(*) AS n ${where}`);
  const few = rarePlan.slice(0, WARMUP + 10);
  result.beforeRare = {
    rare_page_count: await timed(few, async (x) => {
      page.all(ORG, x.word);
      count.get(ORG, x.word);
    }),
    rare_page: await timed(few, async (x) => page.all(ORG, x.word)),
  };
  log('before rare:', JSON.stringify(result.beforeRare));
  result.after = await afterLanes({ memories: new SqliteMemoryStore(conn) });
  conn.close();
} else if (driver === 'postgres' && AFTER_ONLY) {
  const { createPostgresStorage } = await import('../../adapters/storage/postgres/index.ts');
  const store = await createPostgresStorage({
    url: PG_URL,
    schema: opt('schema', ''),
    statementTimeoutMs: 600_000,
    migrate: false,
  });
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`SET search_path = ${opt('schema', '')}`);
  await c.query('SET jit = off');
  // Before, for the rare lane: the SQL the store ran before 0011 (position() on each row of the
  // org), which reads no index of 0011.
  const where =
    'FROM memories m WHERE m.org_id = $1 AND m.superseded_by IS NULL AND position($2::bytea IN m.content) > 0';
  const args = (x) => [ORG, Buffer.from(x.word, 'utf8')];
  const few = rarePlan.slice(0, WARMUP + 10);
  result.beforeRare = {
    rare_page_count: await timed(few, (x) =>
      Promise.all([
        c.query(`SELECT m.* ${where} ORDER BY m.time DESC, m.seq DESC LIMIT 50`, args(x)),
        c.query(`SELECT count(*) ${where}`, args(x)),
      ]),
    ),
    rare_page: await timed(few, (x) =>
      c.query(`SELECT m.* ${where} ORDER BY m.time DESC, m.seq DESC LIMIT 50`, args(x)),
    ),
  };
  log('before rare:', JSON.stringify(result.beforeRare));
  await c.end();
  result.after = await afterLanes(store);
  await store.close();
} else if (driver === 'sqlite') {
  const { openSqliteDatabase } = await import('../../adapters/storage/sqlite/sqlite-database.ts');
  const { SqliteMemoryStore } =
    await import('../../adapters/storage/sqlite/sqlite-memory-store.ts');
  const { migrateSqliteDatabase } =
    await import('../../adapters/storage/sqlite/sqlite-migrator.ts');
  const dir = opt('dir', path.join(os.tmpdir(), `memtrace-substring-${process.pid}`));
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'bench.db');
  // The store alone on its own connection (what memtrace opens, without migrating to the end).
  const openStore = () => {
    const conn = openSqliteDatabase({ path: file });
    return { conn, memories: new SqliteMemoryStore(conn), close: async () => conn.close() };
  };
  const db = openSqliteDatabase({ path: file });
  migrateSqliteDatabase(db, migrationsUpTo('sqlite', 10));
  let store = openStore();
  log('loading');
  // The initial load without fsyncs (the shared machine's disk is slow); every timed write
  // below runs with memtrace's default, synchronous FULL.
  store.conn.pragma('synchronous = OFF');
  result.load = await ingest(store, 0, N);
  store.conn.pragma('synchronous = FULL');
  log('loaded', JSON.stringify(result.load));
  db.exec('ANALYZE');
  result.ingestWithoutIndex = await ingest(store, N, EXTRA);
  log('ingest without index', JSON.stringify(result.ingestWithoutIndex));
  const page = db.prepare(
    'SELECT m.* FROM memory_tags t CROSS JOIN memories m ON m.seq = t.seq WHERE t.org_id = ? AND t.tag = ? AND t.importance >= ? AND t.superseded = 0 AND instr(m.content, ?) > 0 ORDER BY t.time DESC, t.seq DESC LIMIT 50',
  );
  const count = db.prepare(
    'SELECT count(*) AS n FROM memory_tags t CROSS JOIN memories m ON m.seq = t.seq WHERE t.org_id = ? AND t.tag = ? AND t.importance >= ? AND t.superseded = 0 AND instr(m.content, ?) > 0',
  );
  const args = (x) => [ORG, x.tag, x.minImportance, x.word];
  result.before = {
    page_count: await timed(plan, async (x) => {
      page.all(...args(x));
      count.get(...args(x));
    }),
    page: await timed(plan, async (x) => page.all(...args(x))),
  };
  log('before', JSON.stringify(result.before));
  await store.close();
  const t0 = performance.now();
  migrateSqliteDatabase(db);
  result.migrate0011Ms = round(performance.now() - t0);
  log('0011 applied in', result.migrate0011Ms, 'ms');
  db.exec('ANALYZE');
  db.close();
  store = openStore();
  result.ingestWithIndex = await ingest(store, N + EXTRA, EXTRA);
  log('ingest with index', JSON.stringify(result.ingestWithIndex));
  result.after = await afterLanes(store);
  await store.close();
  if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
} else {
  const { createPostgresStorage, migratePostgres } =
    await import('../../adapters/storage/postgres/index.ts');
  const pg = (await import('pg')).default;
  const schema = opt('schema', `bench_substring_${process.pid}`);
  const options = { url: PG_URL, schema, statementTimeoutMs: 600_000 };
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  // --resume: the schema a run kept (--keep) already holds the N items, before 0011.
  if (!process.argv.includes('--resume')) {
    await resetSchema(schema);
    await migratePostgres(options, migrationsUpTo('postgres', 10));
  }
  let store = await createPostgresStorage({ ...options, migrate: false });
  if (!process.argv.includes('--resume')) {
    log('loading');
    result.load = await ingest(store, 0, N);
    log('loaded', JSON.stringify(result.load));
  }
  await c.query(`SET search_path = ${schema}`);
  await c.query('SET jit = off');
  await c.query('VACUUM ANALYZE memories');
  await c.query('VACUUM ANALYZE memory_tags');
  result.ingestWithoutIndex = await ingest(store, N, EXTRA);
  log('ingest without index', JSON.stringify(result.ingestWithoutIndex));
  const where =
    'FROM memory_tags t WHERE t.org_id = $1 AND t.tag = $2 AND t.importance >= $3 AND NOT t.superseded AND (SELECT position($4::bytea IN m.content) > 0 FROM memories m WHERE m.seq = t.seq)';
  const args = (x) => [ORG, x.tag, x.minImportance, Buffer.from(x.word, 'utf8')];
  const pageSql = `SELECT m.* FROM memory_tags t JOIN memories m ON m.seq = t.seq WHERE t.org_id = $1 AND t.tag = $2 AND t.importance >= $3 AND NOT t.superseded AND position($4::bytea IN m.content) > 0 ORDER BY t.time DESC, t.seq DESC LIMIT 50`;
  result.before = {
    page_count: await timed(plan, async (x) => {
      await Promise.all([
        c.query({ name: 'p', text: pageSql, values: args(x) }),
        c.query({ name: 'c', text: `SELECT count(*) ${where}`, values: args(x) }),
      ]);
    }),
    page: await timed(plan, (x) => c.query({ name: 'p', text: pageSql, values: args(x) })),
  };
  log('before', JSON.stringify(result.before));
  await store.close();
  const t0 = performance.now();
  await migratePostgres(options);
  result.migrate0011Ms = round(performance.now() - t0);
  log('0011 applied in', result.migrate0011Ms, 'ms');
  await c.query('ANALYZE memories');
  store = await createPostgresStorage({ ...options, migrate: false });
  result.ingestWithIndex = await ingest(store, N + EXTRA, EXTRA);
  log('ingest with index', JSON.stringify(result.ingestWithIndex));
  result.after = await afterLanes(store);
  await store.close();
  await c.end();
  if (!process.argv.includes('--keep')) await dropSchema(schema);
}

writeFileSync(out, JSON.stringify(result, null, 2));
log('written', out);
