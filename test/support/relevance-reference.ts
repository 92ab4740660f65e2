/**
 * A reference reading of memtrace's documented query language, written only to check the
 * relevance set (test/unit/support/relevance-set.test.ts), never used by memtrace itself: words
 * are runs of letters, digits and marks, case-insensitive, no stemming; terms are ANDed; `OR`
 * separates alternatives (AND binds tighter: `a b OR c` is (a AND b) OR c); "a phrase"; `word*`
 * a prefix; a chunk of several words (`foo-bar`) is a phrase of them. And several rankings a
 * driver could reasonably use.
 */

export const tokenize = (text: string): string[] =>
  (text.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []).map((w) => w.toLowerCase());

/** One term of a query: a word, a prefix, or a phrase (words in a row). */
export interface Term {
  readonly words: readonly string[];
  readonly prefix: boolean;
}

/** The query as alternatives (ORed), each a group of terms ANDed together. */
export type ParsedQuery = readonly (readonly Term[])[];

export function parseQuery(text: string): ParsedQuery {
  const parts = text.match(/"[^"]*"|\S+/g) ?? [];
  const groups: Term[][] = [[]];
  for (const p of parts) {
    if (p === 'OR') {
      groups.push([]);
      continue;
    }
    const words = tokenize(p);
    if (words.length > 0) groups[groups.length - 1]?.push({ words, prefix: p.endsWith('*') });
  }
  return groups.filter((g) => g.length > 0);
}

const wordMatches = (token: string, word: string, prefix: boolean) =>
  prefix ? token.startsWith(word) : token === word;

/** Where the term occurs in the tokens (index of its first word). */
export function occurrences(tokens: readonly string[], t: Term): number[] {
  const at: number[] = [];
  for (let i = 0; i + t.words.length <= tokens.length; i++) {
    const ok = t.words.every((w, j) =>
      wordMatches(tokens[i + j] ?? '', w, t.prefix && j === t.words.length - 1),
    );
    if (ok) at.push(i);
  }
  return at;
}

export const matches = (tokens: readonly string[], q: ParsedQuery): boolean =>
  q.some((g) => g.every((t) => occurrences(tokens, t).length > 0));

export const terms = (q: ParsedQuery): Term[] => q.flat();

export interface Doc {
  readonly key: string;
  readonly tokens: readonly string[];
}

type Scorer = (d: Doc, q: ParsedQuery, all: readonly Doc[]) => number;

function idf(t: Term, all: readonly Doc[]): { n: number; N: number } {
  return { n: all.filter((d) => occurrences(d.tokens, t).length > 0).length, N: all.length };
}

/** The scorers a driver might use: each higher is better. */
export const SCORERS: Record<string, Scorer> = {
  /** Okapi BM25 (k1 1.2, b 0.75), as SQLite FTS5 ranks. */
  bm25: (d, q, all) => {
    const avg = all.reduce((s, x) => s + x.tokens.length, 0) / all.length;
    return terms(q).reduce((s, t) => {
      const tf = occurrences(d.tokens, t).length;
      const { n, N } = idf(t, all);
      const w = Math.log((N - n + 0.5) / (n + 0.5) + 1);
      return s + (w * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * d.tokens.length) / avg));
    }, 0);
  },
  /** tf-idf with a square-root length norm, a plain-SQL ranking. */
  tfidf: (d, q, all) =>
    terms(q).reduce((s, t) => {
      const tf = occurrences(d.tokens, t).length;
      const { n, N } = idf(t, all);
      return s + (tf * Math.log(1 + N / Math.max(1, n))) / Math.sqrt(d.tokens.length);
    }, 0),
  /** Cover density without a length norm, like PostgreSQL's ts_rank_cd (normalization 0). */
  coverDensity: (d, q) => {
    const positions = terms(q).map((t) => occurrences(d.tokens, t));
    if (positions.length === 1) return positions[0]?.length ?? 0;
    // covers: for each position of any term, the shortest span from it that holds one
    // occurrence of every term that occurs in the memory at all
    const present = positions.filter((p) => p.length > 0);
    let score = 0;
    let last = -1;
    const starts = [...new Set(present.flat())].sort((a, b) => a - b);
    for (const s of starts) {
      if (s <= last) continue;
      const ends = present.map((p) => p.find((x) => x >= s));
      if (ends.some((e) => e === undefined)) break;
      const end = Math.max(...(ends as number[]));
      score += 1 / (1 + end - s);
      last = end;
    }
    return score;
  },
  /** Occurrences of the query's terms, no norm at all. */
  rawTf: (d, q) => terms(q).reduce((s, t) => s + occurrences(d.tokens, t).length, 0),
  /** Occurrences per token, the strongest length norm. */
  density: (d, q) =>
    terms(q).reduce((s, t) => s + occurrences(d.tokens, t).length, 0) / d.tokens.length,
};

/**
 * The memories that could outrank `target` under some ranking that grows with each term's
 * occurrences and shrinks with length: every other match that `target` does not strictly
 * dominate (at least as many occurrences of every term, no more tokens, and better in one).
 */
export function undominated(target: Doc, matched: readonly Doc[], q: ParsedQuery): string[] {
  const ts = terms(q);
  const tf = (d: Doc) => ts.map((t) => occurrences(d.tokens, t).length);
  const mine = tf(target);
  return matched
    .filter((d) => d.key !== target.key)
    .filter((d) => {
      const theirs = tf(d);
      const noWorse =
        mine.every((x, i) => x >= (theirs[i] ?? 0)) && target.tokens.length <= d.tokens.length;
      const better =
        mine.some((x, i) => x > (theirs[i] ?? 0)) || target.tokens.length < d.tokens.length;
      return !(noWorse && better);
    })
    .map((d) => d.key);
}
