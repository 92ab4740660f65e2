// EXPLAIN ANALYZE of the list and search statements memtrace sends on PostgreSQL for the q1-q4
// kinds of the read benchmark: the page alone, the count alone, and both in one statement (the
// form a counted list or search uses), on a loaded schema. Prints each plan's shape and times.
// Usage: node --import tsx jobs/postgres-page-count-plans.mjs <schema> [--each 5]
/* global console, process */
import pg from 'pg';
import { ORG, queryPlan } from '../lib/dataset.mjs';
import { PG_URL } from '../lib/memtrace.mjs';

const argv = process.argv.slice(2);
const [schema] = argv;
const EACH = Number(argv[argv.indexOf('--each') + 1] || 5);
const q = await import('../../adapters/storage/postgres/postgres-memory-query.ts');
const { buildFindMemoriesWithTotal } =
  await import('../../adapters/storage/postgres/postgres-page-total-sql.ts');
const { parseSearchQuery } = await import('../../domain/index.ts');
const client = new pg.Client({
  connectionString: PG_URL,
  options: `-c search_path=${schema} -c jit=off`,
});
await client.connect();
const plan = queryPlan(EACH, 0);
const queries = {
  q1: (x) => ({
    filter: { agentId: x.agent, sessionId: x.session, memoryTypes: [x.type], since: x.since },
  }),
  q2: (x) => ({ filter: { tags: [x.tag], minImportance: x.minImportance } }),
  q3: (x) => ({
    filter: { tags: [x.tag], minImportance: x.minImportance, contentContains: x.word },
  }),
  q4: (x) => ({ filter: { query: parseSearchQuery(x.text) }, byRelevance: true }),
};
const walk = (n, out = []) => {
  out.push(n);
  for (const c of n.Plans ?? []) walk(c, out);
  return out;
};
const shape = (p) =>
  walk(p)
    .filter((n) => /Scan|Sort|Aggregate/.test(n['Node Type']))
    .map(
      (n) =>
        `${n['Subplan Name'] ? `[${n['Subplan Name']}] ` : ''}${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : n['Relation Name'] ? ` ${n['Relation Name']}` : ''}${n['Actual Loops'] === 0 ? ' (never executed)' : ''}`,
    )
    .join(' > ');
async function explain(built) {
  const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${built.sql}`, built.params);
  const r = rows[0]['QUERY PLAN'][0];
  return { ms: r['Execution Time'] + r['Planning Time'], shape: shape(r.Plan) };
}
for (const kind of ['q1', 'q2', 'q3', 'q4']) {
  for (const x of plan[kind].slice(0, EACH)) {
    const mq = { ...queries[kind](x), order: 'desc', limit: 51, offset: 0 };
    const page = await explain(q.buildFindMemories(ORG, mq));
    const count = await explain(q.buildCountMemories(ORG, mq.filter));
    const both = await explain(buildFindMemoriesWithTotal(ORG, mq));
    console.log(
      `${kind} page ${page.ms.toFixed(1)} ms + count ${count.ms.toFixed(1)} ms; one statement ${both.ms.toFixed(1)} ms`,
    );
    if (x === plan[kind][0]) {
      console.log(`  page:  ${page.shape}\n  count: ${count.shape}\n  both:  ${both.shape}`);
    }
  }
}
await client.end();
