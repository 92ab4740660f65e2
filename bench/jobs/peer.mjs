// One peer at N items, driven as peer-baselines.md "How each peer was driven" describes:
//   langgraph-inmemory  @langchain/langgraph-checkpoint InMemoryStore
//   langgraph-postgres  @langchain/langgraph-checkpoint-postgres PostgresStore (its own schema)
//   mem0                mem0ai/oss Memory, infer:false, a 64-dim deterministic hash embedder,
//                       its default `memory` vector store (a SQLite file), history on
// Inserts: the first 2,000 one at a time, the rest in batches of 1,000 through the peer's batch
// API (mem0 has none: one add() each). Queries: q1 and q2 of lib/dataset.mjs, 50 warm-ups then
// 500 timed; q1 results are sorted newest first client-side where the peer cannot order by a
// value field (inside the timed region). RSS as in peer-baselines.md.
// Usage: node jobs/peer.mjs <peer> <N> <out.json> [--queries 500] [--warmup 50]
/* global console, process */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  Checksum,
  dataset,
  newestFirst,
  PEER_ORG,
  queryPlan,
  violations,
} from '../lib/dataset.mjs';
import { round, rssSampler, summarize } from '../lib/measure.mjs';
import { dropSchema, PG_URL, pgAdmin, resetSchema } from '../lib/memtrace.mjs';

const argv = process.argv.slice(2);
const [peer, nArg, out] = argv;
const N = Number(nArg);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const QUERIES = Number(opt('queries', '500'));
const WARMUP = Number(opt('warmup', '50'));
const ONE_AT_A_TIME = 2000;
const BATCH = 1000;
const log = (msg) => console.error(`[${peer} ${N}] ${msg}`);
const wallStart = performance.now();

// No peer may reach the network: every fetch to a non-loopback address fails at once, counted.
let blockedFetches = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = String(input?.url ?? input);
  if (/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) return realFetch(input, init);
  blockedFetches++;
  throw new TypeError(`fetch blocked by the benchmark (offline): ${url}`);
};

/** 64-dim deterministic embedding: hashed token counts, L2-normalised. No model, no network. */
class HashEmbeddings {
  embed(text) {
    const v = new Array(64).fill(0);
    for (const tok of text.toLowerCase().split(/\s+/)) {
      if (!tok) continue;
      let h = 0x811c9dc5;
      for (let i = 0; i < tok.length; i++) h = Math.imul(h ^ tok.charCodeAt(i), 0x01000193) >>> 0;
      v[h & 63] += h & 64 ? 1 : -1;
    }
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  }
  async embedQuery(text) {
    return this.embed(text);
  }
  async embedDocuments(texts) {
    return texts.map((t) => this.embed(t));
  }
}

const valueOf = (m) => {
  const value = {
    memory_id: `m${m.index}`,
    index: m.index,
    agent_id: m.agentId,
    session_id: m.sessionId,
    memory_type: m.memoryType,
    event_type: m.eventType,
    content: m.content,
    metadata: m.metadata,
    tags: m.tags,
    importance: m.importance,
    time: m.time,
  };
  // Neither LangGraph store filters "array contains": tags also as boolean keys.
  for (const t of m.tags) value[`tag_${t}`] = true;
  return value;
};
const fromValue = (v) => ({
  index: v.index,
  agent: v.agent_id,
  session: v.session_id,
  type: v.memory_type,
  time: v.time,
  tags: v.tags,
  importance: v.importance,
  content: v.content,
});

async function langgraph(kind) {
  let store;
  let schema;
  if (kind === 'inmemory') {
    const { InMemoryStore } = await import('@langchain/langgraph-checkpoint');
    store = new InMemoryStore();
  } else {
    const { PostgresStore } = await import('@langchain/langgraph-checkpoint-postgres/store');
    schema = 'bench_langgraph_store';
    await resetSchema(schema);
    store = new PostgresStore({ connectionOptions: PG_URL, schema });
    await store.setup();
  }
  return {
    notes:
      kind === 'inmemory'
        ? ['in-process Maps, no persistence']
        : [`schema ${schema}, the package's own tables (store.setup())`],
    insertOne: (m) => store.put([PEER_ORG, m.agentId, m.sessionId], `m${m.index}`, valueOf(m)),
    insertBatch: (ms) =>
      store.batch(
        ms.map((m) => ({
          namespace: [PEER_ORG, m.agentId, m.sessionId],
          key: `m${m.index}`,
          value: valueOf(m),
        })),
      ),
    batchMode: 'batch of 1000 (store.batch)',
    afterLoad: async () => {
      if (schema) await pgAdmin(`ANALYZE ${schema}.store`);
    },
    q1: async (q) => {
      const items = await store.search([PEER_ORG, q.agent, q.session], {
        filter: { memory_type: q.type, time: { $gte: q.since } },
        limit: 100000,
      });
      return items
        .map((it) => fromValue(it.value))
        .sort(newestFirst)
        .slice(0, 50);
    },
    q2: async (q) => {
      const items = await store.search([PEER_ORG], {
        filter: { [`tag_${q.tag}`]: true, importance: { $gte: q.minImportance } },
        limit: 50,
      });
      return items.map((it) => fromValue(it.value));
    },
    close: async () => {
      if (schema) {
        await store.stop();
        await dropSchema(schema);
      }
    },
  };
}

async function mem0() {
  process.env.MEM0_TELEMETRY = 'false';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memtrace-bench-mem0-'));
  process.env.MEM0_DIR = path.join(dir, 'mem0-home');
  const { Memory } = await import('mem0ai/oss');
  const memory = new Memory({
    embedder: { provider: 'langchain', config: { model: new HashEmbeddings() } },
    vectorStore: {
      provider: 'memory',
      config: { collectionName: 'memories', dimension: 64, dbPath: path.join(dir, 'vectors.db') },
    },
    llm: { provider: 'openai', config: { apiKey: 'dummy', model: 'gpt-4.1-nano' } },
    historyDbPath: path.join(dir, 'history.db'),
  });
  const add = (m) =>
    memory.add(m.content, {
      userId: PEER_ORG,
      agentId: m.agentId,
      runId: m.sessionId,
      infer: false,
      metadata: {
        memory_type: m.memoryType,
        event_type: m.eventType,
        importance: m.importance,
        time: m.time,
        tags: m.tags,
        tags_csv: `|${m.tags.join('|')}|`,
        metadata: m.metadata,
      },
    });
  const fromResult = (r) => ({
    index: r.metadata.metadata.n,
    agent: r.agent_id,
    session: r.run_id,
    type: r.metadata.memory_type,
    time: r.metadata.time,
    tags: r.metadata.tags,
    importance: r.metadata.importance,
    content: r.memory,
  });
  return {
    notes: [
      'vector store "memory" (SQLite file, default rollback journal), 64-dim hash embedder, history on, infer:false',
      'userId = org, agentId = agent_id, runId = session_id; tags also as "|a|b|" for the contains filter',
    ],
    insertOne: add,
    insertBatch: async (ms) => {
      for (const m of ms) await add(m);
    },
    batchMode: 'sequential add() (no batch API)',
    afterLoad: async () => undefined,
    q1: async (q) => {
      const { results } = await memory.getAll({
        filters: {
          agent_id: q.agent,
          run_id: q.session,
          memory_type: q.type,
          time: { gte: q.since },
        },
        topK: 100000,
      });
      return results.map(fromResult).sort(newestFirst).slice(0, 50);
    },
    q2: async (q) => {
      const { results } = await memory.getAll({
        filters: {
          user_id: PEER_ORG,
          tags_csv: { contains: `|${q.tag}|` },
          importance: { gte: q.minImportance },
        },
        topK: 50,
      });
      return results.map(fromResult);
    },
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

const impl =
  peer === 'mem0'
    ? await mem0()
    : peer === 'langgraph-inmemory'
      ? await langgraph('inmemory')
      : peer === 'langgraph-postgres'
        ? await langgraph('postgres')
        : null;
if (!impl) throw new Error(`unknown peer ${peer}`);

const rss = rssSampler();
const items = [...dataset(N)];

// ---- inserts: only store calls are timed ----
let t0 = performance.now();
const first = items.slice(0, Math.min(ONE_AT_A_TIME, N));
for (const m of first) {
  await impl.insertOne(m);
  rss.sample();
}
const oneSeconds = (performance.now() - t0) / 1000;
let restSeconds = 0;
for (let i = first.length; i < N; i += BATCH) {
  const chunk = items.slice(i, i + BATCH);
  t0 = performance.now();
  await impl.insertBatch(chunk);
  restSeconds += (performance.now() - t0) / 1000;
  rss.sample();
  if ((i + BATCH) % 20_000 === 0) log(`inserted ${i + BATCH}`);
}
const rssAfterLoadMB = rss.nowMB();
t0 = performance.now();
await impl.afterLoad();
const afterLoadSeconds = (performance.now() - t0) / 1000;
log(
  `loaded: one-at-a-time ${round(first.length / oneSeconds, 1)}/s, rest ${round((N - first.length) / restSeconds, 1)}/s`,
);

// ---- queries ----
const plan = queryPlan(QUERIES, WARMUP);
async function runKind(kind, ordered) {
  const lat = [];
  let rows = 0;
  let bad = 0;
  const sum = new Checksum();
  for (let i = 0; i < plan[kind].length; i++) {
    const q = plan[kind][i];
    const s = performance.now();
    const res = await impl[kind](q);
    const ms = performance.now() - s;
    rss.sample();
    if (i < WARMUP) continue;
    lat.push(ms);
    rows += res.length;
    bad += violations(kind, q, res, { ordered });
    for (const m of res) sum.add(m.index);
    sum.endQuery();
  }
  return {
    latencyMs: summarize(lat),
    avgRows: round(rows / Math.max(1, lat.length), 2),
    violations: bad,
    checksum: ordered ? sum.hex() : null,
  };
}
const q1 = await runKind('q1', true);
log(`q1 p99 ${q1.latencyMs.p99} ms, checksum ${q1.checksum}`);
const q2 = await runKind('q2', false);
log(`q2 p99 ${q2.latencyMs.p99} ms`);
const memory = { rssAfterLoadMB, ...rss.stop() };
await impl.close();

writeFileSync(
  out,
  JSON.stringify(
    {
      peer,
      n: N,
      notes: impl.notes,
      insert: {
        oneAtATime: { count: first.length, perSecond: round(first.length / oneSeconds, 1) },
        rest: {
          count: N - first.length,
          perSecond: N > first.length ? round((N - first.length) / restSeconds, 1) : null,
          mode: impl.batchMode,
        },
        afterLoadSeconds: round(afterLoadSeconds),
      },
      q1,
      q2,
      memory,
      blockedFetches,
      wallSeconds: round((performance.now() - wallStart) / 1000, 1),
    },
    null,
    2,
  ),
);
