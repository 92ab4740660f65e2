// PostgreSQL pool and statement settings, measured: list (q1) and search (q2) through
// MemoryService on memtrace's PostgreSQL adapter (the server's path without HTTP) at concurrency
// 1, 8 and 32 for each pool size, on a store the read job loaded (run it with --reuse first);
// then one list statement prepared by name against the same statement unnamed.
// Usage: node --import tsx jobs/postgres-pool.mjs <schema> <out.json>
//          [--pools 1,4,10,32] [--concurrency 1,8,32] [--seconds 4]
/* global console, process */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ORG, queryPlan } from '../lib/dataset.mjs';
import { round, summarize } from '../lib/measure.mjs';
import { PG_URL } from '../lib/memtrace.mjs';

const argv = process.argv.slice(2);
const [schema, out] = argv;
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const POOLS = opt('pools', '1,4,10,32').split(',').map(Number);
const CONCURRENCY = opt('concurrency', '1,8,32').split(',').map(Number);
const SECONDS = Number(opt('seconds', '4'));
const log = (msg) => console.error(`[pool] ${msg}`);

const { createPostgresStorage } = await import('../../adapters/storage/postgres/index.ts');
const { createMemtrace } = await import('../../src/core.ts');
const plan = queryPlan(2000, 0);
const input = {
  q1: (x) => ({
    agentId: x.agent,
    sessionId: x.session,
    memoryTypes: [x.type],
    since: new Date(x.since).toISOString(),
    limit: 50,
  }),
  q2: (x) => ({ tags: [x.tag], minImportance: x.minImportance, limit: 50 }),
};

/** `concurrency` callers, each calling one query after another for SECONDS: rate and latency. */
async function load(call, kind, concurrency) {
  const qs = plan[kind];
  const lat = [];
  let next = 0;
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const x = qs[next++ % qs.length];
      const t0 = performance.now();
      try {
        await call(kind, x);
        lat.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: round(lat.length / seconds, 1), latencyMs: summarize(lat), errors };
}

const report = { schema, seconds: SECONDS, pools: {} };
for (const poolSize of POOLS) {
  const storage = await createPostgresStorage({ url: PG_URL, schema, poolSize, migrate: false });
  const svc = createMemtrace({ storage, ids: { next: () => 'unused' } });
  const call = (kind, x) =>
    kind === 'q1' ? svc.memories.list(ORG, input.q1(x)) : svc.memories.search(ORG, input[kind](x));
  // Warm the pool and the caches.
  await load(call, 'q1', Math.min(poolSize, 8));
  const cells = {};
  for (const kind of ['q1', 'q2']) {
    for (const c of CONCURRENCY) {
      cells[`${kind}_c${c}`] = await load(call, kind, c);
      const r = cells[`${kind}_c${c}`];
      log(
        `pool ${poolSize} ${kind} concurrency ${c}: ${r.perSecond}/s, p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} ms, errors ${r.errors}`,
      );
    }
  }
  report.pools[poolSize] = cells;
  await storage.close();
}

// A prepared statement (pg: a `name`) is parsed and planned once per connection, then bound;
// memtrace sends its statements unnamed (parsed for each call, in the same round trip).
{
  const pg = (await import('pg')).default;
  const { buildFindMemoriesWithTotal } =
    await import('../../adapters/storage/postgres/postgres-page-total-sql.ts');
  const client = new pg.Client({
    connectionString: PG_URL,
    options: `-c search_path=${schema} -c jit=off`,
  });
  await client.connect();
  const built = (x) =>
    buildFindMemoriesWithTotal(ORG, {
      filter: { agentId: x.agent, sessionId: x.session, memoryTypes: [x.type], since: x.since },
      order: 'desc',
      limit: 51,
      offset: 0,
    });
  const run = async (named) => {
    const lat = [];
    for (const x of plan.q1.slice(0, 600)) {
      const { sql, params } = built(x);
      const t0 = performance.now();
      await client.query(named ? { name: 'q1', text: sql, values: params } : sql, params);
      lat.push(performance.now() - t0);
    }
    return summarize(lat.slice(100));
  };
  report.statements = { unnamed: await run(false), named: await run(true) };
  report.statements.unnamedAgain = await run(false);
  log(`q1 with count, unnamed: ${JSON.stringify(report.statements.unnamed)}`);
  log(`q1 with count, named (prepared): ${JSON.stringify(report.statements.named)}`);
  log(`q1 with count, unnamed again: ${JSON.stringify(report.statements.unnamedAgain)}`);
  await client.end();
}
writeFileSync(out, JSON.stringify(report, null, 2));
