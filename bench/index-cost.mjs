// What each SQLite index of memtrace buys and what it costs (the "indexes that earn their cost"
// measurement): every W3/W4 query kind and every documented list filter at N memories with and
// without each index, and the batch ingest rate into a store of BASE memories with and without it.
//
// Usage (from the repository root):
//   node --import tsx bench/index-cost.mjs [--n 1000000] [--base 100000] [--queries 100]
//     [--warmup 10] [--max-seconds 6] [--rounds 2] [--upto 12] [--only reads,ingest] [--keep]
//     [--batches 20] [--variants name,name] [--out bench/results/index-cost-<stamp>.json]
//
// Load: the bare driver fast path. The schema is made by memtrace's own migrator (migrations up
// to --upto), its secondary indexes and search triggers are dropped, the dataset of
// bench/lib/dataset.mjs (N items, derived dedup keys as the API writes them, plus the W4 session
// of 10,000 memories) is inserted in transactions of 10,000 with synchronous=OFF, then the
// indexes are built, the FTS5 tables rebuilt, the triggers restored and ANALYZE run.
//
// Reads: for each variant (the schema as is, then each index dropped, or replaced by a
// candidate), a fresh connection runs memtrace's own SqliteMemoryStore (and ContextService on
// it). Where the store names a dropped index (`INDEXED BY`), the clause is removed, so SQLite
// plans the query with the indexes left: "without" is the best plan the rest of the schema
// allows. Each list kind runs as the adapter lane of memtrace-read.mjs does (find 50 + count,
// and find 51 alone, what include_count=false runs). DROP INDEX removes the index's statistics;
// ANALYZE runs again after each change.
//
// Ingest: the BASE store is copied once per variant and round; 20 batches of 1,000 further
// dataset items go in through SqliteMemoryStore.insert, synchronous=FULL as the server runs,
// with no dedup policy: what each index costs to keep up to date (the dedup lookup's own cost is
// the "dedup lookup" read kind; without its index every lookup would scan the org). Rounds alternate the
// variants, so a busy spell of the shared machine does not land on one of them only.
/* global console, process, URL */
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import {
  CONTEXT_SESSION,
  contextDataset,
  dataset,
  derivedDedupKey,
  DAY,
  EVENTS,
  ORG,
  queryPlan,
  SESSIONS,
  START,
  toMemory,
} from './lib/dataset.mjs';
import { round, summarize } from './lib/measure.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const N = Number(opt('n', '1000000'));
const BASE = Number(opt('base', '100000'));
const QUERIES = Number(opt('queries', '100'));
const WARMUP = Number(opt('warmup', '10'));
const MAX_SECONDS = Number(opt('max-seconds', '6'));
const ROUNDS = Number(opt('rounds', '2'));
const UPTO = Number(opt('upto', '99'));
const ONLY = opt('only', 'reads,ingest').split(',');
const PICK = opt('variants', '')
  .split(',')
  .filter((s) => s.length > 0);
const CONTEXT = 10_000;
const INGEST_BATCHES = Number(opt('batches', '20'));
const DIR = opt('dir', path.join(os.tmpdir(), 'memtrace-index-cost'));
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const OUT = opt('out', path.join(ROOT, 'bench', 'results', `index-cost-${stamp}.json`));
const log = (...a) => console.error(`[index-cost ${new Date().toISOString().slice(11, 19)}]`, ...a);

const { migrateSqliteDatabase } = await import('../adapters/storage/sqlite/sqlite-migrator.ts');
const { MEMORY_COLUMNS, memoryToParams } =
  await import('../adapters/storage/sqlite/row-mappers.ts');
const { DEDUP_LOOKUP_SQL } = await import('../adapters/storage/sqlite/sqlite-memory-store.ts');
const { buildExpiredTargets } = await import('../adapters/storage/sqlite/sqlite-expiry-sql.ts');
const sqlite = await import('../adapters/storage/sqlite/index.ts');
const { openSqliteDatabase } = await import('../adapters/storage/sqlite/sqlite-database.ts');

/**
 * memtrace's SQLite stores on one connection, as createSqliteStorage opens them but without
 * migrating: the store keeps the schema of `--upto` whatever migrations the tree holds.
 */
function openStores(file) {
  const db = openSqliteDatabase({ path: file, synchronous: 'full' });
  return {
    driver: 'sqlite',
    memories: new sqlite.SqliteMemoryStore(db),
    sessions: new sqlite.SqliteSessionStore(db),
    agents: new sqlite.SqliteAgentStore(db),
    auth: new sqlite.SqliteAuthStore(db),
    arcInstances: new sqlite.SqliteArcInstanceStore(db),
    ping: async () => undefined,
    close: async () => db.close(),
  };
}
const { createMemtrace } = await import('../src/core.ts');
const { parseSearchQuery } = await import('../domain/index.ts');

// ---- "without": INDEXED BY a dropped index is removed, so SQLite plans with what is left ----

const realPrepare = Database.prototype.prepare;
const indexNames = new WeakMap();
Database.prototype.prepare = function prepare(sql, ...rest) {
  let names = indexNames.get(this);
  if (!names) {
    names = new Set(
      realPrepare
        .call(this, "SELECT name FROM sqlite_master WHERE type = 'index'")
        .all()
        .map((r) => r.name),
    );
    indexNames.set(this, names);
  }
  const text = String(sql).replace(/\s+INDEXED BY (\w+)/g, (all, name) =>
    names.has(name) ? all : '',
  );
  return realPrepare.call(this, text, ...rest);
};

// ---- the store file ----

/** Migrations up to `UPTO` in a folder of their own. */
function migrationsDir() {
  const dir = path.join(DIR, `migrations-${UPTO}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const src = path.join(ROOT, 'migrations', 'sqlite');
  for (const f of readdirSync(src)) {
    if (f.endsWith('.sql') && Number(f.slice(0, 4)) <= UPTO)
      cpSync(path.join(src, f), path.join(dir, f));
  }
  return dir;
}

const removeDb = (file) => {
  for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
};

/** Loads `n` dataset items (and the W4 session when `context`) by the bare driver fast path. */
function load(file, n, { context }) {
  removeDb(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  migrateSqliteDatabase(db, migrationsDir());
  db.pragma('synchronous = OFF');
  const objects = db
    .prepare(
      "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'memories' AND type IN ('index', 'trigger') AND sql IS NOT NULL",
    )
    .all();
  for (const o of objects) db.exec(`DROP ${o.type.toUpperCase()} ${o.name}`);
  const cols = MEMORY_COLUMNS.split(', ');
  const insert = db.prepare(
    `INSERT INTO memories (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
  );
  const insertTag = db.prepare(
    'INSERT INTO memory_tags (org_id, tag, time, seq, importance, superseded) VALUES (?, ?, ?, ?, ?, 0)',
  );
  const insertSession = db.prepare(
    "INSERT OR IGNORE INTO sessions (id, org_id, agent_id, status, metadata, created_at, updated_at) VALUES (?, ?, ?, 'active', '{}', ?, ?)",
  );
  const many = db.transaction((items) => {
    for (const m of items) {
      const { lastInsertRowid } = insert.run(...memoryToParams(m));
      for (const t of m.tags) insertTag.run(m.orgId, t, m.time, lastInsertRowid, m.importance);
    }
  });
  db.transaction(() => {
    for (const s of [...SESSIONS, CONTEXT_SESSION])
      insertSession.run(s.id, ORG, s.agent, START, START);
  })();
  const t0 = performance.now();
  const feed = (gen) => {
    let batch = [];
    for (const m of gen) {
      batch.push(toMemory(m, { dedupKey: derivedDedupKey(m) }));
      if (batch.length === 10_000) {
        many(batch);
        batch = [];
      }
    }
    if (batch.length) many(batch);
  };
  feed(dataset(n));
  if (context) feed(contextDataset(CONTEXT));
  const rowsMs = performance.now() - t0;
  const t1 = performance.now();
  for (const o of objects.filter((x) => x.type === 'index')) db.exec(o.sql);
  const indexMs = performance.now() - t1;
  const t2 = performance.now();
  db.exec("INSERT INTO memory_trigrams (memory_trigrams) VALUES ('rebuild')");
  db.exec("INSERT INTO memories_fts (memories_fts) VALUES ('rebuild')");
  const ftsMs = performance.now() - t2;
  for (const o of objects.filter((x) => x.type === 'trigger')) db.exec(o.sql);
  const t3 = performance.now();
  db.exec('ANALYZE');
  const analyzeMs = performance.now() - t3;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const s = (ms) => round(ms / 1000, 1);
  return {
    rowsSeconds: s(rowsMs),
    indexSeconds: s(indexMs),
    ftsRebuildSeconds: s(ftsMs),
    analyzeSeconds: s(analyzeMs),
  };
}

/** The memories table's indexes and their SQL (the UNIQUE id index has none: not droppable). */
function memoryIndexes(file) {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'memories' AND sql IS NOT NULL ORDER BY name",
      )
      .all();
  } finally {
    db.close();
  }
}

/** Page and file bytes of each b-tree of the store (dbstat). */
function sizes(file) {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(
      db
        .prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC')
        .all()
        .map((r) => [r.name, r.bytes]),
    );
  } catch (e) {
    return { error: String(e.message) };
  } finally {
    db.close();
  }
}

// ---- variants ----

/**
 * The variants to measure: the schema as is, each memories index dropped, and candidate
 * replacements (narrower covering indexes, a partial dedup index, the type and event filters on
 * a covering (org, time) index). Each is DDL run on the store, and DDL that undoes it.
 */
function variants(indexes) {
  const sqlOf = (name) => indexes.find((i) => i.name === name)?.sql;
  const drop = (name) => ({
    name: `without ${name}`,
    apply: [`DROP INDEX ${name}`],
    undo: [sqlOf(name)],
  });
  const replace = (name, label, sql, newName) => ({
    name: label,
    apply: [`DROP INDEX ${name}`, sql],
    undo: [`DROP INDEX ${newName}`, sqlOf(name)],
  });
  const list = [{ name: 'as is', apply: [], undo: [] }, ...indexes.map((i) => drop(i.name))];
  if (sqlOf('idx_memories_org_agent_time')) {
    list.push(
      replace(
        'idx_memories_org_agent_time',
        'agent index narrow (org, agent, time)',
        'CREATE INDEX idx_cand_agent ON memories (org_id, agent_id, time)',
        'idx_cand_agent',
      ),
    );
  }
  if (sqlOf('idx_memories_org_session_time')) {
    list.push(
      replace(
        'idx_memories_org_session_time',
        'session index narrow (org, session, time)',
        'CREATE INDEX idx_cand_session ON memories (org_id, session_id, time)',
        'idx_cand_session',
      ),
    );
  }
  if (sqlOf('idx_memories_org_agent_time') && sqlOf('idx_memories_org_session_time')) {
    list.push({
      name: 'agent and session indexes both narrow',
      apply: [
        'DROP INDEX idx_memories_org_agent_time',
        'DROP INDEX idx_memories_org_session_time',
        'CREATE INDEX idx_cand_agent ON memories (org_id, agent_id, time)',
        'CREATE INDEX idx_cand_session ON memories (org_id, session_id, time)',
      ],
      undo: [
        'DROP INDEX idx_cand_agent',
        'DROP INDEX idx_cand_session',
        sqlOf('idx_memories_org_agent_time'),
        sqlOf('idx_memories_org_session_time'),
      ],
    });
  }
  if (sqlOf('idx_memories_org_dedup_created')) {
    list.push(
      replace(
        'idx_memories_org_dedup_created',
        'dedup index partial (dedup_key IS NOT NULL)',
        'CREATE INDEX idx_cand_dedup ON memories (org_id, dedup_key, created_at) WHERE dedup_key IS NOT NULL',
        'idx_cand_dedup',
      ),
    );
  }
  if (sqlOf('idx_memories_org_type_time') && sqlOf('idx_memories_org_event_time')) {
    list.push({
      name: 'type + event on a covering (org, time) index',
      apply: [
        'DROP INDEX idx_memories_org_type_time',
        'DROP INDEX idx_memories_org_event_time',
        'DROP INDEX idx_memories_org_time',
        'CREATE INDEX idx_memories_org_time ON memories (org_id, time, seq, memory_type, event_type)',
      ],
      undo: [
        'DROP INDEX idx_memories_org_time',
        sqlOf('idx_memories_org_time'),
        sqlOf('idx_memories_org_type_time'),
        sqlOf('idx_memories_org_event_time'),
      ],
    });
  }
  // The default read's own conditions (not retired, live) on the driving indexes: with
  // superseded_by, expires_at and pinned in the key (NULL, NULL, 0 for most memories: about
  // three bytes an entry), a count or a page checks them without reading the memory rows.
  const lifecycle = 'superseded_by, expires_at, pinned';
  const covering = {
    idx_memories_org_time: `(org_id, time, seq, ${lifecycle})`,
    idx_memories_org_type_time: `(org_id, memory_type, time, seq, ${lifecycle})`,
    idx_memories_org_event_time: `(org_id, event_type, time, seq, ${lifecycle})`,
    idx_memories_org_agent_time: `(org_id, agent_id, time, seq, session_id, memory_type, event_type, importance, ${lifecycle})`,
    idx_memories_org_session_time: `(org_id, session_id, time, seq, agent_id, memory_type, event_type, importance, ${lifecycle})`,
  };
  const at0013 = /superseded_by/.test(sqlOf('idx_memories_org_time') ?? '');
  if (at0013) {
    // On the schema of 0013: the indexes as 0012 left them, beside the same tag table.
    const before = {
      idx_memories_org_time: '(org_id, time)',
      idx_memories_org_type_time: '(org_id, memory_type, time)',
      idx_memories_org_event_time: '(org_id, event_type, time)',
      idx_memories_org_agent_time:
        '(org_id, agent_id, time, seq, session_id, memory_type, event_type, importance)',
      idx_memories_org_session_time:
        '(org_id, session_id, time, seq, agent_id, memory_type, event_type, importance)',
      idx_memories_org_dedup_created: '(org_id, dedup_key, created_at)',
    };
    const names = Object.keys(before);
    list.push({
      name: 'the indexes of 0012',
      apply: names.flatMap((n) => [
        `DROP INDEX ${n}`,
        `CREATE INDEX ${n} ON memories ${before[n]}`,
      ]),
      undo: names.flatMap((n) => [`DROP INDEX ${n}`, sqlOf(n)]),
    });
  }
  if (!at0013 && Object.keys(covering).every((n) => sqlOf(n))) {
    const names = Object.keys(covering);
    list.push({
      name: 'lifecycle columns on the five driving indexes',
      apply: names.flatMap((n) => [
        `DROP INDEX ${n}`,
        `CREATE INDEX ${n} ON memories ${covering[n]}`,
      ]),
      undo: names.flatMap((n) => [`DROP INDEX ${n}`, sqlOf(n)]),
    });
  }
  return PICK.length ? list.filter((v) => PICK.some((p) => v.name.includes(p))) : list;
}

const searchObjects = [
  'DROP TRIGGER memory_trigrams_insert',
  'DROP TRIGGER memory_trigrams_delete',
  'DROP TRIGGER memory_trigrams_update',
  'DROP TRIGGER memories_fts_insert',
  'DROP TRIGGER memories_fts_delete',
  'DROP TRIGGER memories_fts_update',
  'DROP TABLE memory_trigrams',
  'DROP TABLE memories_fts',
];

// ---- reads ----

const plan = queryPlan(QUERIES, WARMUP);
const ids = [];
const dedupLookups = [];
{
  const want = new Set(
    Array.from({ length: QUERIES + WARMUP }, (_, k) => (k * 7919) % Math.max(1, N)),
  );
  for (const m of dataset(N)) {
    if (!want.has(m.index)) continue;
    const mem = toMemory(m, { dedupKey: derivedDedupKey(m) });
    ids.push(mem.id);
    dedupLookups.push([ORG, mem.dedupKey, mem.createdAt - DAY]);
  }
}

/** Each read kind: a function of the query number, on a store, the memtrace core and a db. */
function readKinds({ store, memtrace, db }) {
  const page = (filter, limit = 50) => store.find(ORG, { filter, order: 'desc', limit, offset: 0 });
  const list = (filterOf) => ({
    withCount: (i) => Promise.all([page(filterOf(i)), store.count(ORG, filterOf(i))]),
    page: (i) => page(filterOf(i), 51),
  });
  const q1 = (i) => plan.q1[i];
  const q2 = (i) => plan.q2[i];
  const q3 = (i) => plan.q3[i];
  const dedup = db.prepare(DEDUP_LOOKUP_SQL);
  const nowMs = START + 20 * DAY;
  const purge = buildExpiredTargets(ORG, nowMs, 10 * DAY, 1000);
  const purgeStmt = db.prepare(purge.sql);
  return {
    q1: list((i) => ({
      agentId: q1(i).agent,
      sessionId: q1(i).session,
      memoryTypes: [q1(i).type],
      since: q1(i).since,
    })),
    q2: list((i) => ({ tags: [q2(i).tag], minImportance: 0.5 })),
    q3: list((i) => ({ tags: [q3(i).tag], minImportance: 0.5, contentContains: q3(i).word })),
    q4: {
      withCount: (i) => {
        const filter = { query: parseSearchQuery(plan.q4[i].text) };
        return Promise.all([
          store.findPage(ORG, { filter, order: 'desc', byRelevance: true, limit: 50, offset: 0 }),
          store.count(ORG, filter),
        ]);
      },
      page: (i) =>
        store.findPage(ORG, {
          filter: { query: parseSearchQuery(plan.q4[i].text) },
          order: 'desc',
          byRelevance: true,
          limit: 51,
          offset: 0,
        }),
    },
    context: {
      page: () => memtrace.context.forSession(ORG, CONTEXT_SESSION.id, { maxTokens: 2000 }),
    },
    'list session': list((i) => ({ sessionId: q1(i).session })),
    'list agent': list((i) => ({ agentId: q1(i).agent })),
    'list memory_type': list((i) => ({ memoryTypes: [q1(i).type] })),
    'list event_type': list((i) => ({ eventTypes: [EVENTS[i % EVENTS.length]] })),
    'list org': list(() => ({})),
    'list agent + since': list((i) => ({ agentId: q1(i).agent, since: q1(i).since })),
    'get by id': { page: (i) => store.findById(ORG, ids[i % ids.length]) },
    'agent stats': { page: (i) => store.stats(ORG, [q1(i).agent], q1(i).since) },
    'dedup lookup': { page: (i) => dedup.get(...dedupLookups[i % dedupLookups.length]) },
    'purge targets': { page: () => purgeStmt.all(...purge.params) },
  };
}

/**
 * Times one kind: up to WARMUP untimed calls (at most 1 s of them), then up to QUERIES timed
 * calls, stopping after MAX_SECONDS of timed calls once 3 are in.
 */
async function timeKind(run) {
  const samples = [];
  let timed = 0;
  let warm = 0;
  let i = 0;
  for (; i < WARMUP && warm < 1000; i++) {
    const t0 = performance.now();
    await run(i);
    warm += performance.now() - t0;
  }
  for (; samples.length < QUERIES; i++) {
    if (timed > MAX_SECONDS * 1000 && samples.length >= 3) break;
    const t0 = performance.now();
    await run(i);
    const ms = performance.now() - t0;
    timed += ms;
    samples.push(ms);
  }
  const s = summarize(samples);
  return { p50: s.p50, p99: s.p99, n: samples.length };
}

/**
 * The indexes each kind's statements name (`INDEXED BY`, or the one SQLite picks for the id and
 * the priority order): a variant that changes none of them leaves the kind's plan as it was, so
 * only the kinds it touches are measured again. q2, q3 and q4 walk the tag table's primary key
 * and the FTS5 tables, which no variant changes.
 */
const KIND_INDEXES = {
  q1: ['idx_memories_org_session_time'],
  context: ['idx_memories_org_session_priority', 'idx_memories_org_session_time'],
  'list session': ['idx_memories_org_session_time'],
  'list agent': ['idx_memories_org_agent_time'],
  'list memory_type': ['idx_memories_org_type_time'],
  'list event_type': ['idx_memories_org_event_time'],
  'list org': ['idx_memories_org_time'],
  'list agent + since': ['idx_memories_org_agent_time'],
  'agent stats': ['idx_memories_org_agent_time'],
  'dedup lookup': ['idx_memories_org_dedup_created'],
  'purge targets': ['idx_memories_org_expires', 'idx_memories_org_time'],
};

/** The kinds a variant's DDL can change (all of them for the schema as is). */
function kindsFor(v) {
  if (v.apply.length === 0) return null;
  const touched = v.apply.flatMap((s) => [...s.matchAll(/DROP INDEX (\w+)/g)].map((m) => m[1]));
  return Object.keys(KIND_INDEXES).filter((k) =>
    KIND_INDEXES[k].some((name) => touched.includes(name)),
  );
}

async function measureReads(file, variant, only) {
  const storage = openStores(file);
  const memtrace = createMemtrace({ storage, ids: { next: () => 'unused' } });
  // The raw connection, for the dedup lookup and the purge's SELECT (what the store prepares).
  const db = new Database(file);
  const kinds = readKinds({ store: storage.memories, memtrace, db });
  const out = {};
  for (const [kind, modes] of Object.entries(kinds)) {
    if (only !== null && !only.includes(kind)) continue;
    out[kind] = {};
    for (const [mode, run] of Object.entries(modes)) out[kind][mode] = await timeKind(run);
    log(
      `  ${variant}: ${kind}`,
      Object.entries(out[kind])
        .map(([m, r]) => `${m} ${r.p50}/${r.p99} ms (n=${r.n})`)
        .join(', '),
    );
  }
  db.close();
  await storage.close();
  return out;
}

function runDdl(file, statements) {
  const db = new Database(file);
  try {
    const t0 = performance.now();
    for (const s of statements) db.exec(s);
    const ms = performance.now() - t0;
    db.pragma('analysis_limit = 1000');
    db.exec('ANALYZE');
    return ms;
  } finally {
    db.close();
  }
}

// ---- ingest ----

async function ingestOnce(file) {
  const storage = openStores(file);
  const batches = [];
  let batch = [];
  for (const m of dataset(BASE + INGEST_BATCHES * 1000)) {
    if (m.index < BASE) continue;
    batch.push(toMemory(m, { dedupKey: derivedDedupKey(m) }));
    if (batch.length === 1000) {
      batches.push(batch);
      batch = [];
    }
  }
  const lat = [];
  const t0 = performance.now();
  for (const b of batches) {
    const t = performance.now();
    await storage.memories.insert(b, null);
    lat.push(performance.now() - t);
  }
  const ms = performance.now() - t0;
  await storage.close();
  const s = summarize(lat);
  return { rowsPerSecond: Math.round((batches.length * 1000 * 1000) / ms), batchP50: s.p50 };
}

// ---- the report: markdown tables from the JSON of the runs ----

/** What each index serves, for the table. */
const SERVES = {
  idx_memories_org_time: 'org-only lists and counts; the retention purge',
  idx_memories_org_agent_time: 'agent filter (lists, counts), agent statistics',
  idx_memories_org_session_time: 'session filter: q1, session lists and counts, the context count',
  idx_memories_org_type_time: 'a single memory_type filter',
  idx_memories_org_event_time: 'a single event_type filter',
  idx_memories_org_session_priority: 'W4 context: a session best first, length bound on the index',
  idx_memories_org_dedup_created: 'the dedup lookup of every insert',
  idx_memories_org_expires: 'the purge of memories past their own expiry (partial)',
};

const fmt = (x) =>
  x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x).toLocaleString('en');
const ms = (r) => (r ? `${fmt(r.p50)} / ${fmt(r.p99)}` : '—');

function ingestRate(ingest, name) {
  const runs = ingest?.[name];
  if (!runs?.length) return null;
  return Math.round(runs.reduce((sum, r) => sum + r.rowsPerSecond, 0) / runs.length);
}

function markdown(files) {
  const [reads, ingest, reads13, ingest13] = files.map((f) =>
    f ? JSON.parse(readFileSync(f, 'utf8')) : null,
  );
  const lines = [];
  const base = reads.reads['as is'];
  const asIs = ingestRate(ingest.ingest, 'as is');
  const pct = (x) => (x === null || asIs === null ? '—' : `${Math.round((x / asIs - 1) * 100)}%`);
  lines.push(
    `Reads at ${reads.n.toLocaleString('en')} memories (+ the W4 session of ${reads.context.toLocaleString('en')}), ` +
      `ms p50 / p99 through memtrace's SqliteMemoryStore; ingest: rows/s of batches of 1,000 into ` +
      `${ingest.base.toLocaleString('en')} memories (mean of ${ingest.ingest['as is']?.length ?? 0} rounds). ` +
      `Load average ${reads.loadAverage.join(' ')} at the start of the reads.`,
    '',
    '| Index | Serves | Kind | with it: page + count | without | with it: page | without | ingest without it (vs as is) | size MB |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const [name, what] of Object.entries(SERVES)) {
    const without = reads.reads[`without ${name}`] ?? {};
    const kinds = Object.keys(without);
    const rate = ingestRate(ingest.ingest, `without ${name}`);
    const size = reads.sizes?.[name] ? round(reads.sizes[name] / 1e6, 1) : '—';
    kinds.forEach((k, i) => {
      lines.push(
        `| ${i === 0 ? `\`${name}\`` : ''} | ${i === 0 ? what : ''} | ${k} | ${ms(base[k]?.withCount)} | ${ms(without[k]?.withCount)} | ${ms(base[k]?.page)} | ${ms(without[k]?.page)} | ${i === 0 ? `${rate ?? '—'} (${pct(rate)})` : ''} | ${i === 0 ? size : ''} |`,
      );
    });
  }
  lines.push('', `Ingest as is: ${asIs} rows/s. Candidates:`, '');
  lines.push(
    '| Variant | Kind | page + count | page | ingest (vs as is) |',
    '| --- | --- | ---: | ---: | ---: |',
  );
  for (const [name, kinds] of Object.entries(reads.reads)) {
    if (name === 'as is' || name.startsWith('without ')) continue;
    const rate = ingestRate(ingest.ingest, name);
    Object.keys(kinds).forEach((k, i) => {
      lines.push(
        `| ${i === 0 ? name : ''} | ${k} | ${ms(base[k]?.withCount)} → ${ms(kinds[k].withCount)} | ${ms(base[k]?.page)} → ${ms(kinds[k].page)} | ${i === 0 ? `${rate ?? '—'} (${pct(rate)})` : ''} |`,
      );
    });
  }
  const fts = ingestRate(ingest.ingest, 'without the FTS5 tables (trigram, unicode61)');
  lines.push('', `Without the FTS5 tables (trigram and unicode61): ${fts} rows/s (${pct(fts)}).`);
  if (reads13) {
    const now = reads13.reads['as is'];
    const old = reads13.reads['the indexes of 0012'] ?? {};
    lines.push(
      '',
      `0013 against the indexes of 0012 on one store of ${reads13.n.toLocaleString('en')} (same run; ` +
        "the tag kinds q2 and q3 against the run on 0012, since their change is in the store's SQL):",
      '',
      '| Kind | 0012: page + count | 0013: page + count | 0012: page | 0013: page |',
      '| --- | ---: | ---: | ---: | ---: |',
    );
    for (const k of Object.keys(now)) {
      const was = old[k] ?? base[k];
      lines.push(
        `| ${k} | ${ms(was?.withCount)} | ${ms(now[k].withCount)} | ${ms(was?.page)} | ${ms(now[k].page)} |`,
      );
    }
    const a = ingestRate(ingest13?.ingest, 'as is');
    const b = ingestRate(ingest13?.ingest, 'the indexes of 0012');
    const f = ingestRate(ingest13?.ingest, 'without the FTS5 tables (trigram, unicode61)');
    lines.push(
      '',
      `Ingest on 0013: ${a} rows/s; with the indexes of 0012: ${b} rows/s; 0013 without the FTS5 tables: ${f} rows/s.`,
    );
  }
  return lines.join('\n');
}

if (argv[0] === '--report') {
  const md = markdown(argv.slice(1, 5));
  const out = opt('md', null);
  if (out) writeFileSync(out, `${md}\n`);
  console.log(md);
  process.exit(0);
}

// ---- main ----

mkdirSync(DIR, { recursive: true });
mkdirSync(path.dirname(OUT), { recursive: true });
const report = {
  at: new Date().toISOString(),
  n: N,
  context: CONTEXT,
  base: BASE,
  queries: QUERIES,
  warmup: WARMUP,
  maxSecondsPerKind: MAX_SECONDS,
  migrationsUpTo: UPTO,
  sqlite: new Database(':memory:').prepare('SELECT sqlite_version() AS v').get().v,
  loadAverage: os.loadavg().map((x) => round(x, 2)),
  cpus: os.cpus().length,
};
const save = () => writeFileSync(OUT, JSON.stringify(report, null, 2));

if (ONLY.includes('reads')) {
  const file = path.join(DIR, `reads-${N}-${UPTO}.db`);
  if (argv.includes('--reuse')) log(`reusing ${file}`);
  else {
    log(`loading ${N} + ${CONTEXT} memories`);
    report.load = load(file, N, { context: true });
    log('loaded', JSON.stringify(report.load));
  }
  report.sizes = sizes(file);
  const indexes = memoryIndexes(file);
  report.indexes = indexes;
  report.reads = {};
  for (const v of variants(indexes)) {
    const ddlMs = runDdl(file, v.apply);
    log(`reads: ${v.name} (DDL ${Math.round(ddlMs)} ms)`);
    report.reads[v.name] = await measureReads(file, v.name, kindsFor(v));
    runDdl(file, v.undo);
    save();
  }
  if (!argv.includes('--keep')) removeDb(file);
}

if (ONLY.includes('ingest')) {
  const base = path.join(DIR, `base-${BASE}-${UPTO}.db`);
  if (argv.includes('--reuse')) log(`reusing ${base}`);
  else {
    log(`loading the ingest base of ${BASE}`);
    report.ingestLoad = load(base, BASE, { context: false });
  }
  const indexes = memoryIndexes(base);
  const list = [
    ...variants(indexes),
    { name: 'without the FTS5 tables (trigram, unicode61)', apply: searchObjects },
  ];
  report.ingest = {};
  const copy = path.join(DIR, 'ingest.db');
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of r % 2 ? [...list].reverse() : list) {
      removeDb(copy);
      copyFileSync(base, copy);
      runDdl(copy, v.apply);
      const res = await ingestOnce(copy);
      (report.ingest[v.name] ??= []).push(res);
      log(`ingest round ${r + 1}: ${v.name}: ${res.rowsPerSecond} rows/s`);
      save();
    }
  }
  removeDb(copy);
  if (!argv.includes('--keep')) removeDb(base);
}
report.finishedAt = new Date().toISOString();
report.loadAverageAtEnd = os.loadavg().map((x) => round(x, 2));
save();
log(`wrote ${OUT}`);
