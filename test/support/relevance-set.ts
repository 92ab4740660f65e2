import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The relevance set in test/fixtures/relevance/: memories written for memtrace, queries, and the
 * memories each query must find in its top 5. Also recall@5 and MRR over a run's answers.
 */
export interface RelevanceMemory {
  readonly key: string;
  readonly agent_id: string;
  readonly session_id: string;
  readonly memory_type: 'episodic' | 'session' | 'decision' | 'entity';
  readonly event_type: string;
  readonly importance: number;
  readonly tags: readonly string[];
  readonly content: string;
}

export interface RelevanceQuery {
  readonly query: string;
  /** Keys of the memories the query must rank in its top 5 (1 to 3 of them). */
  readonly expected: readonly string[];
}

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/relevance');

export function loadRelevanceSet(): {
  memories: RelevanceMemory[];
  queries: RelevanceQuery[];
} {
  const read = <T>(f: string): T => JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as T;
  return {
    memories: read<RelevanceMemory[]>('memories.json'),
    queries: read<RelevanceQuery[]>('queries.json'),
  };
}

/** How one query did: where each expected key came (1-based), null when not in the answer. */
export interface QueryOutcome {
  readonly query: string;
  readonly expected: readonly string[];
  readonly ranks: readonly (number | null)[];
}

export function outcome(q: RelevanceQuery, rankedKeys: readonly string[]): QueryOutcome {
  return {
    query: q.query,
    expected: q.expected,
    ranks: q.expected.map((k) => {
      const i = rankedKeys.indexOf(k);
      return i < 0 ? null : i + 1;
    }),
  };
}

/**
 * recall@5: the share of expected keys (over every query) ranked 1 to 5. MRR: the mean over the
 * queries of 1 / the rank of the first expected key found (0 when none is in the answer).
 */
export function relevanceMetrics(outcomes: readonly QueryOutcome[]): {
  recallAt5: number;
  mrr: number;
} {
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
