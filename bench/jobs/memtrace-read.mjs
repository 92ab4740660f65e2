// W3 (filtered list, search and ranked keyword search), W4 (a 10k-memory session's context) and W5 (server start-up and
// RSS) for one driver at N stored memories, in three lanes on one loaded store: the bare driver
// (hand-written SQL on memtrace's schema, the physical limit), memtrace's storage adapter
// in-process (the store calls the service makes), and memtrace over HTTP (a real server process).
// Usage: node --import tsx jobs/memtrace-read.mjs <sqlite|postgres> <N> <out.json>
//          [--context <memories>] [--queries 500] [--warmup 50] [--reuse] [--bulk]
//          [--kinds q1,q2,q3,q4,get] [--ingest-batches 20]
//
// get: GET /api/v1/memories/{id} of a memory drawn at random from the N (its own seed).
// Growth: the store's size on disk per memory after the load, and, after every query, HTTP batch
// ingest into the loaded store (batches of 1,000 from two clients, into a fresh org of the same
// store: the store's indexes hold N memories already) with the server's RSS after it.
//
// After the HTTP lane's queries, the relevance set (test/fixtures/relevance/) goes through the
// same server into a fresh org: recall@5 and MRR of memtrace's ranking next to N other memories.
//
// Load: the API stamps every memory with the current time and cannot backdate, so the seeded
// dataset (times over 30 days) goes in through memtrace's own MemoryStore.insert in batches of
// 1,000 (no dedup check, as an import would), then ANALYZE, as autovacuum or an operator would.
// --bulk (SQLite): the same rows written with the indexes and full-text triggers off, then both
// built (lib/sqlite-bulk-load.mjs), then ANALYZE.
/* global Buffer, console, process */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  Checksum,
  CONTEXT_SESSION,
  contextDataset,
  dataset,
  mulberry32,
  ORG,
  queryPlan,
  SEED,
  toApiBody,
  toMemory,
  violations,
} from '../lib/dataset.mjs';
import { httpClient, procCpuMs, round, runLoad, selfCpuMs, summarize } from '../lib/measure.mjs';
import {
  BARE_COLUMNS,
  CHECKOUT,
  DATA,
  openAdapter,
  openBareSqlite,
  openService,
  pgAdmin,
  pgClient,
  removeSqlite,
  resetSchema,
  startFloorServer,
  startServer,
} from '../lib/memtrace.mjs';
import { runRelevance } from '../lib/relevance.mjs';
import { bulkLoadSqlite } from '../lib/sqlite-bulk-load.mjs';
import { bareSearchPostgres, bareSearchSqlite } from '../lib/bare-search.mjs';

const argv = process.argv.slice(2);
const [driver, nArg, out] = argv;
const N = Number(nArg);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const CONTEXT = Number(opt('context', '0'));
const QUERIES = Number(opt('queries', '500'));
const WARMUP = Number(opt('warmup', '50'));
const CONTEXT_QUERIES = Number(opt('context-queries', String(Math.max(20, QUERIES / 2))));
const REUSE = argv.includes('--reuse');
const BULK = argv.includes('--bulk');
const MAX_SECONDS = Number(opt('max-seconds', '60'));
const KINDS = opt('kinds', 'q1,q2,q3,q4,get').split(',');
const INGEST_BATCHES = Number(opt('ingest-batches', '0'));
const LANES = (process.env.MEMTRACE_BENCH_LANES ?? 'bare,adapter,service,http').split(',');
const where =
  driver === 'sqlite'
    ? { file: path.join(DATA, `read-${N}-ctx${CONTEXT}.db`) }
    : { schema: `memtrace_bench_${CHECKOUT}_r${N}_ctx${CONTEXT}` };
const report = { driver, n: N, context: CONTEXT, queries: QUERIES, warmup: WARMUP, lanes: {} };
const log = (msg) => console.error(`[read ${driver} ${N}] ${msg}`);

// ---- load ----

async function storedCount() {
  try {
    if (driver === 'sqlite') {
      if (!existsSync(where.file)) return -1;
      const bare = await openBareSqlite(where.file, { migrate: false });
      try {
        return bare.db.prepare('SELECT count(*) AS n FROM memories WHERE org_id = ?').get(ORG).n;
      } finally {
        await bare.close();
      }
    }
    // Only the benchmark org: the relevance set and the ingest probe write into orgs of their own.
    const { rows } = await pgAdmin(
      `SELECT count(*)::int AS n FROM ${where.schema}.memories WHERE org_id = $1`,
      [ORG],
    );
    return rows[0].n;
  } catch {
    return -1;
  }
}

async function forgetKeys() {
  // The server's first-run bootstrap then installs this run's key on the loaded store.
  if (driver === 'postgres') {
    await pgAdmin(`TRUNCATE ${where.schema}.orgs, ${where.schema}.api_keys CASCADE`);
    return;
  }
  const bare = await openBareSqlite(where.file, { migrate: false });
  bare.db.exec('DELETE FROM api_keys; DELETE FROM orgs');
  await bare.close();
}

/** The W4 session, made through memtrace's store (its memories come with the load). */
async function createContextSession(store) {
  if (CONTEXT === 0) return;
  const now = Date.now();
  await store.sessions.create({
    id: CONTEXT_SESSION.id,
    orgId: ORG,
    agentId: CONTEXT_SESSION.agent,
    status: 'active',
    metadata: { task: 'benchmark' },
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  });
}

async function load() {
  if (REUSE && (await storedCount()) === N + CONTEXT) {
    log('reusing the loaded store');
    report.load = { reused: true };
    await forgetKeys();
    return;
  }
  if (driver === 'sqlite') removeSqlite(where.file);
  else await resetSchema(where.schema);
  if (BULK && driver === 'sqlite') return bulkLoad();
  // SQLite: synchronous NORMAL while seeding (the queries later run on the server's FULL; a
  // commit per batch of 1,000 then waits for no fsync, which at 5M saves minutes).
  const store = await openAdapter(driver, where, {
    statementTimeoutMs: 600_000,
    synchronous: 'normal',
  });
  const t0 = performance.now();
  let batch = [];
  let done = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await store.memories.insert(batch, null);
    done += batch.length;
    batch = [];
    if (done % (N >= 1e6 ? 500_000 : 100_000) === 0) {
      log(`loaded ${done} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  };
  for (const m of dataset(N)) {
    batch.push(toMemory(m));
    if (batch.length === 1000) await flush();
  }
  await flush();
  const loadSeconds = (performance.now() - t0) / 1000;
  if (CONTEXT > 0) {
    await createContextSession(store);
    for (const m of contextDataset(CONTEXT)) {
      batch.push(toMemory(m));
      if (batch.length === 1000) await flush();
    }
    await flush();
  }
  await store.close();
  const t1 = performance.now();
  if (driver === 'postgres') {
    await pgAdmin(`VACUUM ANALYZE ${where.schema}.memories`);
    await pgAdmin(`VACUUM ANALYZE ${where.schema}.memory_tags`);
  } else {
    const bare = await openBareSqlite(where.file, { migrate: false });
    bare.db.exec('ANALYZE');
    await bare.close();
  }
  report.load = {
    reused: false,
    via: 'MemoryStore.insert, batches of 1,000, no dedup check',
    seconds: round(loadSeconds),
    rowsPerSecond: round(N / loadSeconds, 1),
    analyzeSeconds: round((performance.now() - t1) / 1000),
  };
  log(`loaded ${N} in ${loadSeconds.toFixed(1)} s (${report.load.rowsPerSecond} rows/s)`);
  await forgetKeys();
}

/**
 * --bulk (SQLite): migrated and the context session made through memtrace's adapter, then the
 * rows written with the indexes and full-text triggers off and both built after (see
 * lib/sqlite-bulk-load.mjs): the same store, in minutes instead of hours at 5M.
 */
async function bulkLoad() {
  const store = await openAdapter(driver, where, { synchronous: 'normal' });
  await createContextSession(store);
  await store.close();
  const items = function* () {
    for (const m of dataset(N)) yield toMemory(m);
    for (const m of contextDataset(CONTEXT)) yield toMemory(m);
  };
  const t0 = performance.now();
  const steps = bulkLoadSqlite(where.file, items(), { log });
  const loadSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const bare = await openBareSqlite(where.file, { migrate: false });
  bare.db.exec('ANALYZE');
  await bare.close();
  report.load = {
    reused: false,
    via: 'bulk: rows with the indexes and full-text triggers off, then the indexes built and the FTS5 tables rebuilt',
    seconds: round(loadSeconds),
    rowsPerSecond: round((N + CONTEXT) / loadSeconds, 1),
    steps,
    analyzeSeconds: round((performance.now() - t1) / 1000),
  };
  log(`bulk-loaded ${N + CONTEXT} in ${loadSeconds.toFixed(1)} s (${JSON.stringify(steps)})`);
  await forgetKeys();
}

/** The store's size after the load: SQLite file + WAL, or every table of the schema (indexes and TOAST included). */
async function diskUsage() {
  const memories = N + CONTEXT;
  if (driver === 'sqlite') {
    const size = (f) => (existsSync(f) ? statSync(f).size : 0);
    const bytes = size(where.file);
    const walBytes = size(`${where.file}-wal`);
    return {
      bytes,
      walBytes,
      memories,
      bytesPerMemory: round((bytes + walBytes) / memories, 1),
    };
  }
  const { rows } = await pgAdmin(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid)::bigint AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r'`,
    [where.schema],
  );
  const tables = Object.fromEntries(rows.map((r) => [r.name, Number(r.bytes)]));
  const bytes = Object.values(tables).reduce((a, b) => a + b, 0);
  return {
    bytes,
    memories,
    bytesPerMemory: round(bytes / memories, 1),
    memoriesTableBytes: tables.memories,
    memoryTagsTableBytes: tables.memory_tags,
  };
}

// ---- query runner shared by the lanes ----

const plan = queryPlan(QUERIES, WARMUP);

/**
 * get: ids of memories drawn at random (own seed) from the N of the dataset, which the load
 * stored first, in order: rows seq 1..N.
 */
async function planGets() {
  const rand = mulberry32(SEED + 2);
  const seqs = Array.from({ length: QUERIES + WARMUP }, () => 1 + Math.floor(rand() * N));
  let rows;
  if (driver === 'sqlite') {
    const bare = await openBareSqlite(where.file, { migrate: false });
    const st = bare.db.prepare('SELECT seq, id FROM memories WHERE seq = ?');
    rows = seqs.map((q) => st.get(q));
    await bare.close();
  } else {
    rows = (
      await pgAdmin(`SELECT seq, id FROM ${where.schema}.memories WHERE seq = ANY($1::bigint[])`, [
        seqs,
      ])
    ).rows;
  }
  const ids = new Map(rows.filter(Boolean).map((r) => [Number(r.seq), r.id]));
  if (ids.size === 0) throw new Error('get: no memory found at seq 1..N');
  return seqs.map((q) => ({ id: ids.get(q) ?? ids.values().next().value }));
}

/**
 * Runs one query kind: `call(q)` returns normalised items; checks, checksums, times, and the CPU
 * ms per call of this process (and of `serverPid`, the HTTP lane's server) over the timed calls.
 */
async function runKind(kind, call, { checksum = true, serverPid = null } = {}) {
  const qs = plan[kind];
  const lat = [];
  let rows = 0;
  let bad = 0;
  let errors = 0;
  let firstError;
  const sum = new Checksum();
  let timed = 0;
  let truncated = false;
  let cpu0 = 0;
  let server0 = 0;
  let warmed = 0;
  let warmups = 0;
  for (let i = 0; i < qs.length; i++) {
    // Warm-ups stop after a third of the timed bound: at 5M one counted ranked search takes
    // seconds, and 50 of them would outlast the timed calls they prepare.
    if (i < WARMUP && warmed > (MAX_SECONDS * 1000) / 3) i = WARMUP;
    if (i === WARMUP) {
      cpu0 = selfCpuMs();
      server0 = serverPid ? procCpuMs(serverPid) : 0;
    }
    if (timed > MAX_SECONDS * 1000) {
      truncated = true;
      break;
    }
    const t0 = performance.now();
    let items;
    try {
      items = await call(qs[i]);
    } catch (e) {
      if (i >= WARMUP) {
        errors++;
        firstError ??= String(e.message).slice(0, 300);
      }
      continue;
    }
    const ms = performance.now() - t0;
    if (i < WARMUP) {
      warmed += ms;
      warmups++;
      continue;
    }
    timed += ms;
    lat.push(ms);
    rows += items.length;
    bad += violations(kind, qs[i], items);
    if (checksum) {
      for (const m of items) sum.add(m.index);
      sum.endQuery();
    }
  }
  const calls = Math.max(1, lat.length + errors);
  return {
    latencyMs: summarize(lat),
    selfCpuMsPerCall: round((selfCpuMs() - cpu0) / calls),
    ...(serverPid ? { serverCpuMsPerCall: round((procCpuMs(serverPid) - server0) / calls) } : {}),
    avgRows: round(rows / Math.max(1, lat.length), 2),
    warmups,
    violations: bad,
    errors,
    ...(firstError ? { firstError } : {}),
    ...(truncated ? { truncated: true } : {}),
    checksum: sum.hex(),
  };
}

/** Runs the W4 context query `count` times after a few warm-ups. */
async function runContext(call, { serverPid = null } = {}) {
  const lat = [];
  let bad = 0;
  let errors = 0;
  let firstError;
  let sample;
  const warm = Math.min(10, WARMUP);
  let timed = 0;
  let cpu0 = 0;
  let server0 = 0;
  for (let i = 0; i < warm + CONTEXT_QUERIES; i++) {
    if (i === warm) {
      cpu0 = selfCpuMs();
      server0 = serverPid ? procCpuMs(serverPid) : 0;
    }
    if (timed > MAX_SECONDS * 1000) break;
    const t0 = performance.now();
    try {
      const r = await call();
      const ms = performance.now() - t0;
      if (i < warm) continue;
      timed += ms;
      lat.push(ms);
      sample = r;
      if (!(r.included > 0) || r.tokens > 2000) bad++;
    } catch (e) {
      errors++;
      firstError ??= String(e.message).slice(0, 300);
    }
  }
  const calls = Math.max(1, lat.length + errors);
  return {
    latencyMs: summarize(lat),
    selfCpuMsPerCall: round((selfCpuMs() - cpu0) / calls),
    ...(serverPid ? { serverCpuMsPerCall: round((procCpuMs(serverPid) - server0) / calls) } : {}),
    violations: bad,
    errors,
    ...(firstError ? { firstError } : {}),
    sample,
  };
}

const fromRow = (r) => {
  const metadata = typeof r.metadata === 'string' ? JSON.parse(r.metadata) : r.metadata;
  return {
    id: r.id,
    index: metadata.n,
    agent: r.agent_id,
    session: r.session_id,
    type: r.memory_type,
    time: Number(r.time),
    tags: typeof r.tags === 'string' ? JSON.parse(r.tags) : r.tags,
    importance: r.importance,
    content: Buffer.isBuffer(r.content) ? r.content.toString('utf8') : r.content,
  };
};
const fromMemory = (m) => ({
  id: m.id,
  index: m.metadata.n,
  agent: m.agentId,
  session: m.sessionId,
  type: m.memoryType,
  time: m.time,
  tags: m.tags,
  importance: m.importance,
  content: m.content,
});
const fromApi = (m) => ({
  id: m.memory_id,
  index: m.metadata.n,
  agent: m.agent_id,
  session: m.session_id,
  type: m.memory_type,
  time: Date.parse(m.time),
  tags: m.tags,
  importance: m.importance,
  content: m.content,
});

// ---- lanes ----

/** Hand-written SQL on memtrace's schema: the page, and the page plus memtrace's exact count. */
async function bareLane() {
  const lane = {};
  let q;
  let close;
  if (driver === 'sqlite') {
    const bare = await openBareSqlite(where.file, { migrate: false });
    const cols = BARE_COLUMNS.split(', ')
      .map((c) => `m.${c}`)
      .join(', ');
    const stmts = {
      q1: bare.db.prepare(
        `SELECT ${cols} FROM memories m WHERE m.org_id = ? AND m.session_id = ? AND m.agent_id = ? AND m.memory_type = ? AND m.time >= ? ORDER BY m.time DESC, m.seq DESC LIMIT 50`,
      ),
      q1count: bare.db.prepare(
        'SELECT count(*) AS n FROM memories m WHERE m.org_id = ? AND m.session_id = ? AND m.agent_id = ? AND m.memory_type = ? AND m.time >= ?',
      ),
      q2: bare.db.prepare(
        `SELECT ${cols} FROM memory_tags t JOIN memories m ON m.seq = t.seq WHERE t.org_id = ? AND t.tag = ? AND t.importance >= ? ORDER BY t.time DESC, t.seq DESC LIMIT 50`,
      ),
      q2count: bare.db.prepare(
        'SELECT count(*) AS n FROM memory_tags t WHERE t.org_id = ? AND t.tag = ? AND t.importance >= ?',
      ),
      q3: bare.db.prepare(
        `SELECT ${cols} FROM memory_tags t JOIN memories m ON m.seq = t.seq WHERE t.org_id = ? AND t.tag = ? AND t.importance >= ? AND instr(m.content, ?) > 0 ORDER BY t.time DESC, t.seq DESC LIMIT 50`,
      ),
      q3count: bare.db.prepare(
        'SELECT count(*) AS n FROM memory_tags t JOIN memories m ON m.seq = t.seq WHERE t.org_id = ? AND t.tag = ? AND t.importance >= ? AND instr(m.content, ?) > 0',
      ),
      ctx: bare.db.prepare(
        `SELECT ${cols} FROM memories m WHERE m.org_id = ? AND m.session_id = ? AND length(m.content) <= ? AND m.line_tokens <= ? ORDER BY m.importance DESC, m.time DESC, m.id DESC LIMIT ?`,
      ),
      ctxcount: bare.db.prepare(
        'SELECT count(*) AS n FROM memories m WHERE m.org_id = ? AND m.session_id = ?',
      ),
      get: bare.db.prepare(`SELECT ${cols} FROM memories m WHERE m.org_id = ? AND m.id = ?`),
    };
    const args = {
      q1: (x) => [ORG, x.session, x.agent, x.type, x.since],
      q2: (x) => [ORG, x.tag, x.minImportance],
      q3: (x) => [ORG, x.tag, x.minImportance, x.word],
      get: (x) => [ORG, x.id],
    };
    // q4: FTS5 MATCH ranked by bm25() over memtrace's own full-text table, when it has one.
    const search = bareSearchSqlite(bare.db, cols);
    if (search.q4) {
      stmts.q4 = search.q4;
      stmts.q4count = search.q4count;
      args.q4 = (x) => [search.match(x.words), ORG];
    } else lane.q4_unavailable = search.reason;
    q = async (name, x) =>
      name.endsWith('count')
        ? stmts[name].get(...args[name.replace(/count$/, '')](x)).n
        : stmts[name].all(...args[name](x)).map(fromRow);
    q.ctx = async (bound, tokens, limit) =>
      stmts.ctx.all(ORG, CONTEXT_SESSION.id, bound, tokens, limit);
    q.ctxcount = async () => stmts.ctxcount.get(ORG, CONTEXT_SESSION.id).n;
    close = () => bare.close();
  } else {
    const c = await pgClient();
    await c.query(`SET search_path = ${where.schema}; SET jit = off`);
    const cols = BARE_COLUMNS.split(', ')
      .map((x) => `m.${x}`)
      .join(', ');
    const text = {
      q1: `SELECT ${cols} FROM memories m WHERE m.org_id = $1 AND m.session_id = $2 AND m.agent_id = $3 AND m.memory_type = $4 AND m.time >= $5 ORDER BY m.time DESC, m.seq DESC LIMIT 50`,
      q1count:
        'SELECT count(*) AS n FROM memories m WHERE m.org_id = $1 AND m.session_id = $2 AND m.agent_id = $3 AND m.memory_type = $4 AND m.time >= $5',
      q2: `SELECT ${cols} FROM memory_tags t JOIN memories m ON m.seq = t.seq WHERE t.org_id = $1 AND t.tag = $2 AND t.importance >= $3 ORDER BY t.time DESC, t.seq DESC LIMIT 50`,
      q2count:
        'SELECT count(*) AS n FROM memory_tags t WHERE t.org_id = $1 AND t.tag = $2 AND t.importance >= $3',
      q3: `SELECT ${cols} FROM memory_tags t JOIN memories m ON m.seq = t.seq WHERE t.org_id = $1 AND t.tag = $2 AND t.importance >= $3 AND position($4::bytea in m.content) > 0 ORDER BY t.time DESC, t.seq DESC LIMIT 50`,
      q3count:
        'SELECT count(*) AS n FROM memory_tags t JOIN memories m ON m.seq = t.seq WHERE t.org_id = $1 AND t.tag = $2 AND t.importance >= $3 AND position($4::bytea in m.content) > 0',
      ctx: `SELECT ${cols} FROM memories m WHERE m.org_id = $1 AND m.session_id = $2 AND m.content_chars <= $3 AND m.line_tokens <= $4 ORDER BY m.importance DESC, m.time DESC, m.id COLLATE "C" DESC LIMIT $5`,
      ctxcount: 'SELECT count(*) AS n FROM memories m WHERE m.org_id = $1 AND m.session_id = $2',
      get: `SELECT ${cols} FROM memories m WHERE m.org_id = $1 AND m.id = $2`,
    };
    const args = {
      q1: (x) => [ORG, x.session, x.agent, x.type, x.since],
      q2: (x) => [ORG, x.tag, x.minImportance],
      q3: (x) => [ORG, x.tag, x.minImportance, Buffer.from(x.word, 'utf8')],
      get: (x) => [ORG, x.id],
    };
    // q4: tsvector @@ tsquery ranked by ts_rank_cd over memtrace's own column, when it has one.
    const search = await bareSearchPostgres(c, cols);
    if (search.q4) {
      text.q4 = search.q4;
      text.q4count = search.q4count;
      args.q4 = (x) => [ORG, search.tsquery(x.words)];
    } else lane.q4_unavailable = search.reason;
    q = async (name, x) => {
      const r = await c.query({
        name,
        text: text[name],
        values: args[name.replace(/count$/, '')](x),
      });
      return name.endsWith('count') ? Number(r.rows[0].n) : r.rows.map(fromRow);
    };
    q.ctx = async (bound, tokens, limit) =>
      (
        await c.query({
          name: 'ctx',
          text: text.ctx,
          values: [ORG, CONTEXT_SESSION.id, bound, tokens, limit],
        })
      ).rows.map((r) => ({ ...r, content: r.content.toString('utf8') }));
    q.ctxcount = async () =>
      Number(
        (
          await c.query({
            name: 'ctxcount',
            text: text.ctxcount,
            values: [ORG, CONTEXT_SESSION.id],
          })
        ).rows[0].n,
      );
    close = () => c.end();
  }
  for (const kind of KINDS) {
    if (lane[`${kind}_unavailable`]) {
      log(`bare ${kind}: not run (${lane[`${kind}_unavailable`]})`);
      continue;
    }
    lane[kind] = await runKind(kind, (x) => q(kind, x));
    if (kind === 'get') {
      log(`bare get: p99 ${lane.get.latencyMs.p99} ms`);
      continue;
    }
    lane[`${kind}_with_count`] = await runKind(
      kind,
      async (x) => {
        const [items] = await Promise.all([q(kind, x), q(`${kind}count`, x)]);
        return items;
      },
      { checksum: false },
    );
    log(
      `bare ${kind}: p99 ${lane[kind].latencyMs.p99} ms (with count ${lane[`${kind}_with_count`].latencyMs.p99})`,
    );
  }
  if (CONTEXT > 0) {
    // The reads memtrace's context makes, as hand-written SQL: the best memories in rounds, the
    // first unbounded, then bounded by the content and the line tokens that could still fit (the domain's
    // ContextSelection decides, counting tokens with o200k_base), and the count of matches. The
    // service first reads the pinned memories the same way; this session has none, so that is
    // one more empty round there.
    const { ContextSelection } = await import('../../domain/index.ts');
    const { gptTokenCounters } = await import('../../adapters/tokenizer/gpt-token-counter.ts');
    const counter = gptTokenCounters()('o200k_base');
    lane.context = await runContext(async () => {
      const selection = new ContextSelection({
        sessionId: CONTEXT_SESSION.id,
        format: 'markdown',
        order: 'desc',
        counter,
        maxTokens: 2000,
      });
      const offered = new Set();
      let limit = 64;
      for (;;) {
        const rows = await q.ctx(
          selection.contentBound ?? 2 ** 31 - 1,
          selection.lineTokenBound ?? 2 ** 31 - 1,
          limit,
        );
        for (const r of rows) {
          if (offered.has(r.id)) continue;
          offered.add(r.id);
          selection.offer({
            id: r.id,
            content: r.content,
            memoryType: r.memory_type,
            time: Number(r.time),
            importance: r.importance,
            pinned: false,
          });
        }
        if (rows.length < limit) break;
        limit *= 4;
      }
      const made = selection.finish(await q.ctxcount());
      return { included: made.included, tokens: made.tokens };
    });
    log(`bare context (the same reads): p99 ${lane.context.latencyMs.p99} ms`);
  }
  await close();
  return lane;
}

/** memtrace's adapter in-process: the same store calls MemoryService/ContextService make. */
async function adapterLane() {
  const { createMemtrace } = await import('../../src/core.ts');
  const { parseSearchQuery } = await import('../../domain/index.ts');
  const store = await openAdapter(driver, where);
  const lane = {};
  // Every read the service makes reaches only memories live now (LiveMemoryStore adds the
  // condition; the benchmark org has no retention), so the adapter lane asks the same.
  const live = () => ({ live: { at: Date.now(), retentionMs: null } });
  const filters = {
    q1: (x) => ({
      agentId: x.agent,
      sessionId: x.session,
      memoryTypes: [x.type],
      since: x.since,
      ...live(),
    }),
    q2: (x) => ({ tags: [x.tag], minImportance: x.minImportance, ...live() }),
    q3: (x) => ({
      tags: [x.tag],
      minImportance: x.minImportance,
      contentContains: x.word,
      ...live(),
    }),
    q4: (x) => ({ query: parseSearchQuery(x.text), ...live() }),
  };
  // q4 reads a page with its scores in relevance order, as MemoryService does with a query.
  const read = (kind, filter, limit) =>
    kind === 'q4'
      ? store.memories
          .findPage(ORG, { filter, order: 'desc', byRelevance: true, limit, offset: 0 })
          .then((p) => p.memories)
      : store.memories.find(ORG, { filter, order: 'desc', limit, offset: 0 });
  for (const kind of KINDS) {
    if (kind === 'get') {
      lane.get = await runKind('get', async (x) => {
        const m = await store.memories.findById(ORG, x.id);
        return m ? [fromMemory(m)] : [];
      });
      log(`adapter get: p99 ${lane.get.latencyMs.p99} ms`);
      continue;
    }
    // As MemoryService reads a counted page: one row past it, with its total where the store
    // reads both in one statement (PostgreSQL), else the page and a count.
    lane[kind] = await runKind(kind, async (x) => {
      const filter = filters[kind](x);
      const relevance = kind === 'q4' ? { byRelevance: true } : {};
      const q = { filter, order: 'desc', limit: 51, offset: 0, ...relevance, withTotal: true };
      const page = await store.memories.findPage(ORG, q);
      if (page.total === undefined) await store.memories.count(ORG, filter);
      return page.memories.slice(0, 50).map(fromMemory);
    });
    // What MemoryService runs for include_count=false: one row past the page, no count.
    lane[`${kind}_nocount`] = await runKind(kind, async (x) => {
      const memories = await read(kind, filters[kind](x), 51);
      return memories.slice(0, 50).map(fromMemory);
    });
    log(
      `adapter ${kind}: p99 ${lane[kind].latencyMs.p99} ms (find only ${lane[`${kind}_nocount`].latencyMs.p99})`,
    );
  }
  if (CONTEXT > 0) {
    // ContextService straight on the adapter (no container, no metrics): the store calls the
    // context makes, plus the domain's choosing and formatting.
    const { context } = createMemtrace({ storage: store, ids: { next: () => 'unused' } });
    lane.context = await runContext(async () => {
      const c = await context.forSession(ORG, CONTEXT_SESSION.id, { maxTokens: 2000 });
      return { included: c.memoryCount, tokens: c.tokens };
    });
    log(`adapter context: p99 ${lane.context.latencyMs.p99} ms`);
  }
  await store.close();
  return lane;
}

/** MemoryService.list/search and ContextService.forSession through the real container, no HTTP. */
async function serviceLane() {
  const svc = await openService(driver, where);
  const lane = {};
  const input = {
    q1: (x) => ({
      agentId: x.agent,
      sessionId: x.session,
      memoryTypes: [x.type],
      since: new Date(x.since).toISOString(),
      limit: 50,
    }),
    q2: (x) => ({ tags: [x.tag], minImportance: x.minImportance, limit: 50 }),
    q3: (x) => ({
      tags: [x.tag],
      minImportance: x.minImportance,
      contentContains: x.word,
      limit: 50,
    }),
    q4: (x) => ({ query: x.text, limit: 50 }),
  };
  for (const kind of KINDS) {
    if (kind === 'get') {
      lane.get = await runKind('get', async (x) => [fromMemory(await svc.memories.get(ORG, x.id))]);
      log(`service get: p99 ${lane.get.latencyMs.p99} ms`);
      continue;
    }
    const run = (count) => async (x) => {
      const q = { ...input[kind](x), ...(count ? {} : { includeCount: false }) };
      const r = await (kind === 'q1' ? svc.memories.list(ORG, q) : svc.memories.search(ORG, q));
      return r.memories.map(fromMemory);
    };
    lane[kind] = await runKind(kind, run(true));
    lane[`${kind}_nocount`] = await runKind(kind, run(false));
    log(
      `service ${kind}: p99 ${lane[kind].latencyMs.p99} ms (includeCount false ${lane[`${kind}_nocount`].latencyMs.p99})`,
    );
  }
  if (CONTEXT > 0) {
    lane.context = await runContext(async () => {
      const c = await svc.context.forSession(ORG, CONTEXT_SESSION.id, { maxTokens: 2000 });
      return { included: c.memoryCount, tokens: c.tokens };
    });
    log(`service context: p99 ${lane.context.latencyMs.p99} ms`);
  }
  await svc.close();
  return lane;
}

/**
 * HTTP batch ingest into the loaded store: batches of 1,000 from two clients (2 untimed first),
 * into a fresh org (dataset items of their own seed), so the store's queried org stays as loaded.
 */
async function ingest(server) {
  const admin = httpClient(server.port, server.key, 1);
  const res = await admin.request(
    'POST',
    '/api/v1/orgs',
    JSON.stringify({ name: `ingest-${Date.now()}` }),
  );
  admin.close();
  if (res.status !== 201) throw new Error(`create org: HTTP ${res.status}: ${res.body}`);
  const client = httpClient(server.port, JSON.parse(res.body).api_key, 2);
  const warmup = 2;
  const items = [...dataset((INGEST_BATCHES + warmup) * 1000, { seed: SEED + 5 })];
  const bodies = Array.from({ length: INGEST_BATCHES + warmup }, (_, i) =>
    JSON.stringify({ memories: items.slice(i * 1000, (i + 1) * 1000).map(toApiBody) }),
  );
  try {
    const r = await runLoad({
      concurrency: 2,
      count: INGEST_BATCHES,
      warmup,
      serverPid: server.proc.pid,
      fn: async (i) => {
        const out = await client.request('POST', '/api/v1/memories', bodies[i]);
        if (out.status !== 201) throw new Error(`HTTP ${out.status}: ${out.body.slice(0, 200)}`);
        return 1000;
      },
    });
    return { ...r, batchSize: 1000 };
  } finally {
    client.close();
  }
}

async function httpLane() {
  const server = await startServer(driver, where);
  report.server = { startupMs: round(server.startupMs, 1), afterStart: server.memory() };
  log(`server ready in ${report.server.startupMs} ms, RSS ${report.server.afterStart.rssMB} MB`);
  const client = httpClient(server.port, server.key, 1);
  const lane = {};
  const lastBody = {};
  const ok = (res, kind) => {
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
    // the largest answer of each kind: the floor then carries at least as many bytes
    if (kind && res.body.length > (lastBody[kind]?.length ?? -1)) lastBody[kind] = res.body;
    return JSON.parse(res.body);
  };
  try {
    const list = (count) => async (x) => {
      const since = new Date(x.since).toISOString();
      const body = ok(
        await client.request(
          'GET',
          `/api/v1/memories?agent_id=${x.agent}&session_id=${x.session}&memory_type=${x.type}&since=${encodeURIComponent(since)}&limit=50${count ? '' : '&include_count=false'}`,
        ),
        'q1',
      );
      return body.memories.map(fromApi);
    };
    const search = (count) => (x) =>
      client
        .request(
          'POST',
          '/api/v1/search',
          JSON.stringify({
            tags: [x.tag],
            min_importance: x.minImportance,
            ...(x.word ? { content_contains: x.word } : {}),
            limit: 50,
            ...(count ? {} : { include_count: false }),
          }),
        )
        .then((res) => ok(res, x.word ? 'q3' : 'q2').results.map(fromApi));
    // q4: a ranked keyword search, best first (the default order with a query).
    const ranked = (count) => (x) =>
      client
        .request(
          'POST',
          '/api/v1/search',
          JSON.stringify({ query: x.text, limit: 50, ...(count ? {} : { include_count: false }) }),
        )
        .then((res) => ok(res, 'q4').results.map(fromApi));
    const get = () => async (x) => [
      fromApi(ok(await client.request('GET', `/api/v1/memories/${x.id}`), 'get')),
    ];
    const call = { q1: list, q2: search, q3: search, q4: ranked, get };
    const pid = server.proc.pid;
    for (const k of KINDS) lane[k] = await runKind(k, call[k](true), { serverPid: pid });
    // include_count=false (where the server has it): the page and has_more, no exact count.
    const probe = await client.request('GET', '/api/v1/memories?limit=1&include_count=false');
    if (probe.status === 200) {
      for (const k of KINDS.filter((x) => x !== 'get')) {
        lane[`${k}_nocount`] = await runKind(k, call[k](false), { serverPid: pid });
      }
    }
    for (const k of KINDS) {
      log(
        `http ${k}: p99 ${lane[k].latencyMs.p99} ms (include_count=false ${lane[`${k}_nocount`]?.latencyMs.p99 ?? 'n/a'})`,
      );
    }
    // The same requests against a bare node:http server that answers the largest real response
    // of the kind: what HTTP itself costs on this machine, with at least as many bytes.
    const floor = await startFloorServer({
      'GET /api/v1/memories': lastBody.q1 ?? '{}',
      'POST /api/v1/search': lastBody.q2 ?? '{}',
      'GET /api/v1/memories/:id': lastBody.get ?? '{}',
    });
    const floorClient = httpClient(floor.port, server.key, 1);
    try {
      const floorList = async (x) => {
        const since = new Date(x.since).toISOString();
        const res = await floorClient.request(
          'GET',
          `/api/v1/memories?agent_id=${x.agent}&session_id=${x.session}&memory_type=${x.type}&since=${encodeURIComponent(since)}&limit=50`,
        );
        JSON.parse(res.body);
        return [];
      };
      const floorSearch = async (x) => {
        const res = await floorClient.request(
          'POST',
          '/api/v1/search',
          JSON.stringify({ tags: [x.tag], min_importance: x.minImportance, limit: 50 }),
        );
        JSON.parse(res.body);
        return [];
      };
      lane.q1_floor = await runKind('q1', floorList, {
        checksum: false,
        serverPid: floor.proc.pid,
      });
      lane.q2_floor = await runKind('q2', floorSearch, {
        checksum: false,
        serverPid: floor.proc.pid,
      });
      lane.q1_floor.bytes = Buffer.byteLength(lastBody.q1 ?? '');
      lane.q2_floor.bytes = Buffer.byteLength(lastBody.q2 ?? '');
      if (KINDS.includes('get')) {
        lane.get_floor = await runKind(
          'get',
          async (x) => {
            JSON.parse((await floorClient.request('GET', `/api/v1/memories/${x.id}`)).body);
            return [];
          },
          { checksum: false, serverPid: floor.proc.pid },
        );
        lane.get_floor.bytes = Buffer.byteLength(lastBody.get ?? '');
      }
      log(
        `http floor (bare node:http, same bytes): q1 p50 ${lane.q1_floor.latencyMs.p50} ms, q2 p50 ${lane.q2_floor.latencyMs.p50} ms`,
      );
    } finally {
      floorClient.close();
      await floor.stop();
    }
    // Search quality next to N other memories: the relevance set in a fresh org.
    if (KINDS.includes('q4')) {
      try {
        report.relevance = await runRelevance(server.port, server.key);
        log(
          `relevance set: recall@5 ${report.relevance.recallAt5}, MRR ${report.relevance.mrr} (${report.relevance.queries} queries on ${report.relevance.memories} memories${report.relevance.misses.length ? `; missed: ${report.relevance.misses.join('; ')}` : ''})`,
        );
      } catch (e) {
        report.relevance = { error: String(e.message).slice(0, 500) };
        log(`relevance set failed: ${report.relevance.error}`);
      }
    }
    if (CONTEXT > 0) {
      lane.context = await runContext(
        async () => {
          const body = ok(
            await client.request(
              'POST',
              `/api/v1/sessions/${CONTEXT_SESSION.id}/context`,
              JSON.stringify({ max_tokens: 2000 }),
            ),
          );
          return { included: body.memory_count, tokens: body.tokens };
        },
        { serverPid: pid },
      );
      log(`http context: p99 ${lane.context.latencyMs.p99} ms`);
    }
    if (INGEST_BATCHES > 0) {
      report.ingest = await ingest(server);
      report.server.afterIngest = server.memory();
      log(
        `http ingest into the loaded store: ${report.ingest.rowsPerSecond} rows/s (batches of 1,000, 2 clients), RSS ${report.server.afterIngest.rssMB} MB`,
      );
    }
  } finally {
    client.close();
    report.server.afterQueries = server.memory();
    await server.stop();
    report.server.stderrTail = server.stderr().slice(-2000);
  }
  return lane;
}

await load();
report.disk = await diskUsage();
log(`disk: ${report.disk.bytesPerMemory} bytes per memory (${report.disk.bytes} bytes)`);
if (KINDS.includes('get')) plan.get = await planGets();
if (LANES.includes('bare')) report.lanes.bare = await bareLane();
if (LANES.includes('adapter')) report.lanes.adapter = await adapterLane();
if (LANES.includes('service')) report.lanes.service = await serviceLane();
if (LANES.includes('http')) report.lanes.http = await httpLane();
writeFileSync(out, JSON.stringify(report, null, 2));
// Without --reuse the loaded store is not kept (a 1M store is about 1 GB).
if (!REUSE) {
  if (driver === 'sqlite') removeSqlite(where.file);
  else await pgAdmin(`DROP SCHEMA IF EXISTS ${where.schema} CASCADE`);
}
