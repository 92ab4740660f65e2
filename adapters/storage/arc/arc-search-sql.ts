import type { KeysetPosition, MemoryFilter, Order, SearchTerm } from '../../../domain/index.js';
import { pastCondition } from './arc-keyset-sql.js';
import { seqCondition, split, where, withEndMarker, type SeqRange } from './arc-memory-query.js';
import {
  B,
  doubled,
  doubleLiteral,
  K1,
  K1_PLUS_1,
  ONE_MINUS_B,
  termNeedle,
  WORDS_COLUMN,
  type SearchConstants,
} from './arc-search-terms.js';
import { sqlNumber, sqlString } from './arc-sql.js';
import { MEMORY_SELECT } from './arc-wire.js';

// The SQL of keyword search on Arc (plain DuckDB over each row's `search_words`, see
// arc-search-terms.ts): the collection's numbers, its rows one by one, and a ranked page.

const WORDS = `"${WORDS_COLUMN}"`;
const DOUBLED = '"arc_doubled"';
const LENGTH = '"arc_length"';
const NORM = '"arc_norm"';
/** The score column a search page carries. */
export const SCORE_COLUMN = 'arc_score';
const SCORE = `"${SCORE_COLUMN}"`;
/** The column of how often the i-th term occurs in a row. */
export const countColumn = (i: number): string => `arc_f${i}`;

const bytes = (text: string): number => new TextEncoder().encode(text).length;

/** Words in a row: its spaces less one (` a b ` has three spaces, two words). */
const lengthSql = `(strlen(${WORDS}) - strlen(replace(${WORDS}, ' ', '')) - 1)`;

/** Occurrences of the term (doubled needle in the doubled words), left to right. */
function countSql(t: SearchTerm): string {
  const needle = doubled(termNeedle(t));
  return (
    `((strlen(${DOUBLED}) - strlen(replace(${DOUBLED}, ${sqlString(needle)}, ''))) ` +
    `// ${sqlNumber(bytes(needle))})`
  );
}

/**
 * The rows of the collection with their length and term counts, as a FROM item: the latest
 * revision of each memory matching the filter (its query too, when it has one) in `range`, plus
 * `extra` conditions on the stored columns.
 */
function counted(
  measurement: string,
  orgId: string,
  filter: MemoryFilter,
  terms: readonly SearchTerm[],
  range: SeqRange,
  extra: readonly string[] = [],
): string {
  const { from, revised } = split(
    measurement,
    orgId,
    filter,
    [...seqCondition(range), ...extra],
    true,
  );
  const counts = terms.map((t, i) => `${countSql(t)} AS "${countColumn(i)}"`);
  return (
    `(SELECT *, ${lengthSql} AS ${LENGTH}, ${counts.join(', ')} FROM ` +
    `(SELECT *, replace(${WORDS}, ' ', '  ') AS ${DOUBLED} FROM ${from} WHERE ${where(revised)}))`
  );
}

/**
 * One row: `n` memories in the collection (the filter without its query), `words` their words,
 * and `d<i>` how many hold the i-th term.
 */
export function buildSearchStats(
  measurement: string,
  orgId: string,
  collection: MemoryFilter,
  terms: readonly SearchTerm[],
  range: SeqRange,
): string {
  const { from, revised } = split(measurement, orgId, collection, seqCondition(range), true);
  const having = terms.map(
    (t, i) => `count(*) FILTER (WHERE contains(${WORDS}, ${sqlString(termNeedle(t))})) AS "d${i}"`,
  );
  return (
    `SELECT count(*) AS "n", CAST(coalesce(sum(${lengthSql}), 0) AS BIGINT) AS "words", ` +
    `${having.join(', ')} FROM ${from} WHERE ${where(revised)}`
  );
}

/** Every memory of the collection in `range`, with its length and term counts, by id. */
export function buildSearchRows(
  measurement: string,
  orgId: string,
  collection: MemoryFilter,
  terms: readonly SearchTerm[],
  range: SeqRange,
): string {
  const counts = terms.map((_, i) => `"${countColumn(i)}"`);
  return withEndMarker(
    `SELECT ${MEMORY_SELECT}, ${LENGTH}, ${counts.join(', ')} ` +
      `FROM ${counted(measurement, orgId, collection, terms, range)} ORDER BY "id"`,
  );
}

/**
 * The BM25 score of a row, as `scoreOf` computes it: norm = k1 · ((1 - b) + (b · len) / avg),
 * then the sum over the terms, in order, of ((idf · f) · (k1 + 1)) / (f + norm).
 */
function scoreSql(
  terms: readonly SearchTerm[],
  c: SearchConstants,
): { norm: string; score: string } {
  const norm =
    `${doubleLiteral(K1)} * (${doubleLiteral(ONE_MINUS_B)} + ` +
    `${doubleLiteral(B)} * ${LENGTH} / ${doubleLiteral(c.avg)})`;
  const parts = terms.map((_, i) => {
    const f = `"${countColumn(i)}"`;
    return `${doubleLiteral(c.idf[i] as number)} * ${f} * ${doubleLiteral(K1_PLUS_1)} / (${f} + ${NORM})`;
  });
  return { norm, score: parts.join(' + ') };
}

/** Rows strictly past `after` in relevance order (score desc, time desc, seq desc). */
function pastByRelevance(after: KeysetPosition | undefined): string[] {
  if (after?.score === undefined) return [];
  const score = doubleLiteral(after.score);
  return [`(${SCORE} < ${score} OR (${SCORE} = ${score} AND ${pastCondition(after, 'desc')[0]}))`];
}

/**
 * A page of the memories matching the filter (its query included), each with its score: by
 * relevance (score desc, time desc, seq desc) or by time in `order`, past `after` in that
 * order, after `offset` and at most `limit` (null: all), among the rows in `range`.
 */
export function buildSearchPage(
  measurement: string,
  orgId: string,
  filter: MemoryFilter,
  terms: readonly SearchTerm[],
  constants: SearchConstants,
  order: Order | 'relevance',
  page: { limit: number | null; offset: number; after?: KeysetPosition },
  range: SeqRange,
): string {
  const { norm, score } = scoreSql(terms, constants);
  const byTime = order === 'relevance' ? [] : pastCondition(page.after, order);
  const rows = counted(measurement, orgId, filter, terms, range, byTime);
  const past = order === 'relevance' ? pastByRelevance(page.after) : [];
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const orderBy =
    order === 'relevance'
      ? `${SCORE} DESC, "time_ms" DESC, "seq" DESC`
      : `"time_ms" ${dir}, "seq" ${dir}`;
  const limit =
    (page.limit === null ? '' : ` LIMIT ${sqlNumber(page.limit)}`) +
    (page.offset > 0 ? ` OFFSET ${sqlNumber(page.offset)}` : '');
  return withEndMarker(
    `SELECT ${MEMORY_SELECT}, ${SCORE} FROM (SELECT *, ${score} AS ${SCORE} FROM ` +
      `(SELECT *, ${norm} AS ${NORM} FROM ${rows})) WHERE ${where(past)} ` +
      `ORDER BY ${orderBy}${limit}`,
  );
}
