// Search quality on a running memtrace server: the relevance set of test/fixtures/relevance/
// (313 memories written for memtrace, 40 queries, the 1-3 memories each must rank in its top 5),
// loaded through the HTTP API into a fresh org, then every query through POST /api/v1/search.
// recall@5 = the share of expected memories ranked 1 to 5; MRR = the mean over the queries of
// 1 / the rank of the first expected memory (0 when none is in the first 10).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT } from './memtrace.mjs';
import { httpClient, round } from './measure.mjs';

const DIR = path.join(ROOT, 'test', 'fixtures', 'relevance');

export function relevanceSet() {
  const read = (f) => JSON.parse(readFileSync(path.join(DIR, f), 'utf8'));
  return { memories: read('memories.json'), queries: read('queries.json') };
}

/** recall@5 and MRR over `outcomes` = [{expected, ranks}] (ranks 1-based, null when absent). */
export function relevanceMetrics(outcomes) {
  let expected = 0;
  let found = 0;
  let rr = 0;
  for (const o of outcomes) {
    expected += o.ranks.length;
    found += o.ranks.filter((r) => r !== null && r <= 5).length;
    const best = Math.min(...o.ranks.map((r) => r ?? Infinity));
    rr += Number.isFinite(best) ? 1 / best : 0;
  }
  return { recallAt5: found / Math.max(1, expected), mrr: rr / Math.max(1, outcomes.length) };
}

/**
 * Creates an org with the server's bootstrap key (an admin of the default org), loads the set
 * into it and runs every query.
 * @returns `{ org, memories, queries, recallAt5, mrr, misses, queryMs }`
 */
export async function runRelevance(port, adminKey) {
  const { memories, queries } = relevanceSet();
  const admin = httpClient(port, adminKey, 1);
  let client;
  try {
    const name = `relevance-${Date.now()}`;
    const res = await admin.request('POST', '/api/v1/orgs', JSON.stringify({ name }));
    if (res.status !== 201) throw new Error(`create org: HTTP ${res.status}: ${res.body}`);
    const created = JSON.parse(res.body);
    client = httpClient(port, created.api_key, 1);
    for (let i = 0; i < memories.length; i += 100) {
      const body = {
        memories: memories.slice(i, i + 100).map((m) => ({
          agent_id: m.agent_id,
          session_id: m.session_id,
          memory_type: m.memory_type,
          event_type: m.event_type,
          content: m.content,
          metadata: { key: m.key },
          tags: m.tags,
          importance: m.importance,
        })),
      };
      const r = await client.request('POST', '/api/v1/memories', JSON.stringify(body));
      if (r.status !== 201) throw new Error(`load: HTTP ${r.status}: ${r.body.slice(0, 300)}`);
    }
    const outcomes = [];
    const misses = [];
    let ms = 0;
    for (const q of queries) {
      const t0 = performance.now();
      const r = await client.request(
        'POST',
        '/api/v1/search',
        JSON.stringify({ query: q.query, limit: 10 }),
      );
      ms += performance.now() - t0;
      if (r.status !== 200)
        throw new Error(`${q.query}: HTTP ${r.status}: ${r.body.slice(0, 300)}`);
      const keys = JSON.parse(r.body).results.map((m) => m.metadata?.key ?? m.id);
      const ranks = q.expected.map((k) => {
        const i = keys.indexOf(k);
        return i < 0 ? null : i + 1;
      });
      outcomes.push({ expected: q.expected, ranks });
      ranks.forEach((rank, i) => {
        if (rank === null || rank > 5) {
          misses.push(`${q.query} → ${q.expected[i]} at ${rank ?? '>10'}`);
        }
      });
    }
    const { recallAt5, mrr } = relevanceMetrics(outcomes);
    return {
      org: created.org?.id ?? created.org_id ?? name,
      memories: memories.length,
      queries: queries.length,
      recallAt5: round(recallAt5, 4),
      mrr: round(mrr, 4),
      misses,
      queryMsAvg: round(ms / queries.length, 2),
    };
  } finally {
    admin.close();
    client?.close();
  }
}
