import type {
  KeysetPosition,
  MemoryFilter,
  Order,
  SearchQuery,
  SearchTerm,
} from '../../../domain/index.js';
import { pastCondition } from './arc-keyset-sql.js';
import { seqCondition, split, where, withEndMarker, type SeqRange } from './arc-memory-query.js';
import {
  B,
  countNeedle,
  doubleLiteral,
  K1,
  K1_PLUS_1,
  ONE_MINUS_B,
  termKey,
  termNeedle,
  WORDS_COLUMN,
  type SearchConstants,
} from './arc-search-terms.js';
import { sqlNumber, sqlString } from './arc-sql.js';
import { MEMORY_SELECT } from './arc-wire.js';

// The SQL of keyword search on Arc (plain DuckDB over each row's `search_words`, see
// arc-search-terms.ts): the collection's numbers, its rows one by one, and a ranked page.

// Short column names (Arc takes 10,000 characters of SQL and a query may have 32 terms); they
// start with `_`, as no stored column does.
const WORDS = `"${WORDS_COLUMN}"`;
const DOUBLED = '"_dw"';
/** The column of a row's length in words. */
export const LENGTH_COLUMN = '_len';
const LENGTH = `"${LENGTH_COLUMN}"`;
const NORM = '"_nrm"';
/** The score column a search page carries. */
export const SCORE_COLUMN = '_score';
const SCORE = `"${SCORE_COLUMN}"`;
/** The column of how often the i-th term occurs in a row. */
export const countColumn = (i: number): string => `_f${i}`;

/** Words in a row: its spaces less one (` a b ` has three spaces, two words). */
const lengthSql = `(strlen(${WORDS}) - strlen(replace(${WORDS}, ' ', '')) - 1)`;

/**
 * Occurrences of the term (its count needle in the doubled words), left to right without
 * overlap, as JavaScript's `split` counts them in `countsOf`.
 */
const countSql = (t: SearchTerm): string =>
  `len(string_split(${DOUBLED}, ${sqlString(countNeedle(t))}))-1`;

/** The condition that a row's counts match the query (every term of one group occurs). */
function matchSql(q: SearchQuery, terms: readonly SearchTerm[]): string {
  const at = new Map(terms.map((t, i) => [termKey(t), i]));
  const group = (g: readonly SearchTerm[]) =>
    g.map((t) => `"${countColumn(at.get(termKey(t)) as number)}">0`).join(' AND ');
  return `((${q.groups.map(group).join(') OR (')}))`;
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
    return `${doubleLiteral(c.idf[i] as number)}*${f}*${doubleLiteral(K1_PLUS_1)}/(${f}+${NORM})`;
  });
  return { norm, score: parts.join('+') };
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
  // The query matches on the counts, so each needle is written once.
  const collection: MemoryFilter = { ...filter };
  delete (collection as { query?: unknown }).query;
  const rows = counted(measurement, orgId, collection, terms, range, byTime);
  const matches = matchSql(filter.query as SearchQuery, terms);
  const past = [matches, ...(order === 'relevance' ? pastByRelevance(page.after) : [])];
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
