import { tokenizeWords, type SearchQuery, type SearchTerm } from '../../../domain/index.js';
import { sqlIdent, sqlString } from './arc-sql.js';

// Keyword search on Arc, the part shared by the SQL and by this process: what a term looks for in
// a row's `search_words` (` a b c `), how often it occurs, and the BM25 formula with its numbers.
// The SQL (arc-search-sql.ts) and `scoreOf` below compute the same doubles by the same operations
// in the same order, so a memory scores the same whether Arc or this process scores it.

/**
 * The column a search reads a row's words from (`search_words` or its stand-in). The columns a
 * search adds start with `_`, as no stored column does (Arc drops such columns from writes).
 */
export const WORDS_COLUMN = '_w';

/**
 * What a term looks for in ` a b c `: ` w ` for a word, ` a b ` for a phrase (adjacent, in
 * order), ` a b` for a prefix term (the last word starts with `b`). Words never hold a space.
 */
export const termNeedle = (t: SearchTerm): string =>
  ` ${t.words.join(' ')}${t.kind === 'prefix' ? '' : ' '}`;

/** The text with every space doubled. */
export const doubled = (text: string): string => text.replaceAll(' ', '  ');

/**
 * What a term looks for in the words with every space doubled (`  a  b  c  `), to count its
 * occurrences: {@link termNeedle} with the spaces between its words doubled (` a  b `). There two
 * neighbouring words no longer share the space between them, so repeats are counted each (a
 * plain count of ` t ` in ` t t ` finds one, of ` t ` in `  t  t  ` two).
 */
export const countNeedle = (t: SearchTerm): string =>
  ` ${t.words.join('  ')}${t.kind === 'prefix' ? '' : ' '}`;

/** The condition that a row's words (`WORDS_COLUMN`) match the query: an OR of AND-groups. */
export function queryCondition(q: SearchQuery, literal: (v: string) => string = sqlString): string {
  const words = sqlIdent(WORDS_COLUMN);
  const groups = q.groups.map(
    (g) => `(${g.map((t) => `contains(${words}, ${literal(termNeedle(t))})`).join(' AND ')})`,
  );
  return `(${groups.join(' OR ')})`;
}

/** BM25's numbers, as the in-memory `bm25Scores` uses them. */
export const K1 = 1.2;
export const B = 0.75;
export const K1_PLUS_1 = K1 + 1;
export const ONE_MINUS_B = 1 - B;

/**
 * A DOUBLE literal exactly equal to `x`: JavaScript's shortest round-trip digits with an exponent
 * (a literal with one is a DOUBLE in DuckDB, and DuckDB reads it correctly rounded).
 * @throws Error when `x` is not finite
 */
export function doubleLiteral(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  const s = String(x);
  return s.includes('e') ? s : `${s}e0`;
}

/** The collection a ranking reads: how many memories, their words, and how many have each term. */
export interface SearchStats {
  readonly n: number;
  readonly words: number;
  readonly having: readonly number[];
}

/** The numbers of one ranking: each term's idf and the average length in words. */
export interface SearchConstants {
  readonly idf: readonly number[];
  /** The average length, 1 when it is 0 (as `bm25Scores`). */
  readonly avg: number;
}

/** The sum of several parts of a collection. */
export const addStats = (a: SearchStats, b: SearchStats): SearchStats => ({
  n: a.n + b.n,
  words: a.words + b.words,
  having: a.having.map((h, i) => h + (b.having[i] as number)),
});

/** idf(t) = ln(1 + (N - n + 0.5) / (n + 0.5)) and the average length, as `bm25Scores`. */
export function constantsOf(stats: SearchStats): SearchConstants {
  const { n } = stats;
  const avg = n === 0 ? 0 : stats.words / n;
  return {
    idf: stats.having.map((having) => Math.log(1 + (n - having + 0.5) / (having + 0.5))),
    avg: avg || 1,
  };
}

/** A row's length in words and how often each term occurs in it. */
export interface TermCounts {
  readonly length: number;
  readonly counts: readonly number[];
}

/**
 * The counts of a row from its `search_words`, as the SQL counts them: occurrences of the
 * doubled needle in the doubled words, left to right without overlap (a phrase whose end can
 * start it again, `"a a"` in `a a a`, counts once where the in-memory rank counts twice).
 */
export function countsOf(searchWords: string, terms: readonly SearchTerm[]): TermCounts {
  const text = doubled(searchWords);
  return {
    length: searchWords.split(' ').length - 2,
    counts: terms.map((t) => text.split(countNeedle(t)).length - 1),
  };
}

/** The counts of a content not written yet: its words by the domain's rule. */
export function countsOfContent(content: string, terms: readonly SearchTerm[]): TermCounts {
  const words = tokenizeWords(content);
  return countsOf(words.length === 0 ? ' ' : ` ${words.join(' ')} `, terms);
}

/** Stats of a few rows (those read one by one, and acknowledged writes). */
export const statsOf = (rows: readonly TermCounts[], terms: number): SearchStats => ({
  n: rows.length,
  words: rows.reduce((sum, r) => sum + r.length, 0),
  having: Array.from({ length: terms }, (_, i) => rows.filter((r) => r.counts[i]! > 0).length),
});

/** A term's identity (`distinctTerms` keeps one term per key). */
export const termKey = (t: SearchTerm): string => `${t.kind}\u0000${t.words.join(' ')}`;

/** Whether a row with these counts of `terms` matches the query. */
export function matchesCounts(
  q: SearchQuery,
  terms: readonly SearchTerm[],
  counts: readonly number[],
): boolean {
  const at = new Map(terms.map((t, i) => [termKey(t), i]));
  return q.groups.some((g) => g.every((t) => counts[at.get(termKey(t)) as number]! > 0));
}

/**
 * The BM25 score, operation for operation as the SQL computes it (see `scoreSql`): the sum over
 * the terms, in order, of idf · f · (k1 + 1) / (f + k1 · (1 - b + b · len / avg)); a term that
 * does not occur adds 0.
 */
export function scoreOf(row: TermCounts, c: SearchConstants): number {
  const norm = K1 * (ONE_MINUS_B + (B * row.length) / c.avg);
  let score = 0;
  row.counts.forEach((f, i) => {
    score += ((c.idf[i] as number) * f * K1_PLUS_1) / (f + norm);
  });
  return score;
}
