import { pastCondition } from './arc-keyset-sql.js';
import {
  type KeysetPosition,
  type MemoryFilter,
  type Order,
  type PriorityQuery,
} from '../../../domain/index.js';
import { sqlIdent, sqlInList, sqlNumber, sqlString } from './arc-sql.js';
import { END_MARKER, MEMORY_SELECT, tagNeedle } from './arc-wire.js';
import { CREATED_MS, REVISION, SEARCH_WORDS, SUPERSEDED_BY } from './arc-new-columns.js';
import { queryCondition, WORDS_COLUMN } from './arc-search-terms.js';
import { expiredCondition, liveCondition } from './arc-expiry-sql.js';
import { PINNED } from './arc-new-columns.js';

/**
 * Keeps one row per memory id, its latest revision: a patch or a supersede appends a row of the
 * same id and `seq` with the next `revision` (Arc has no UPDATE), and a write resent after a
 * dropped connection may have stored the same row twice (identical copies). Rows written before
 * revisions existed read as revision 0.
 */
export const ONE_ROW_PER_ID = `QUALIFY row_number() OVER (PARTITION BY "id" ORDER BY ${REVISION} DESC) = 1`;

/** Which rows by insertion sequence: all, before `seq`, or from `seq` on. */
export type SeqRange =
  { readonly kind: 'all' } | { readonly kind: 'before' | 'from'; readonly seq: bigint };

const ALL: SeqRange = { kind: 'all' };

/**
 * `sql` (ordered and limited as it says) followed by one marker row whose `arc_end` is true;
 * its rows have `arc_end` false. The marker sorts last, so an answer cut short by a failure in
 * Arc lacks it. The caller restores the row order itself.
 */
export function withEndMarker(sql: string): string {
  const end = sqlIdent(END_MARKER);
  return (
    `SELECT * FROM ((SELECT *, FALSE AS ${end} FROM (${sql})) ` +
    `UNION ALL BY NAME (SELECT TRUE AS ${end})) ORDER BY ${end}`
  );
}

export function seqCondition(range: SeqRange): string[] {
  if (range.kind === 'all') return [];
  return [`"seq" ${range.kind === 'before' ? '<' : '>='} ${sqlNumber(range.seq)}`];
}

/**
 * The WHERE conditions of a filter in one org; the same semantics as every other driver. Text
 * values go through `literal` (a delete's WHERE needs {@link sqlDeleteString}).
 */
export function filterConditions(
  orgId: string,
  f: MemoryFilter,
  literal: (value: string) => string = sqlString,
): string[] {
  const c = [`"org_id" = ${literal(orgId)}`];
  if (f.ids !== undefined) c.push(sqlInList('"id"', f.ids, literal));
  if (f.agentId !== undefined) c.push(`"agent_id" = ${literal(f.agentId)}`);
  if (f.sessionId !== undefined) c.push(`"session_id" = ${literal(f.sessionId)}`);
  if (f.memoryTypes !== undefined) c.push(sqlInList('"memory_type"', f.memoryTypes, literal));
  if (f.eventTypes !== undefined) c.push(sqlInList('"event_type"', f.eventTypes, literal));
  for (const tag of f.tags ?? []) c.push(`contains("tag_set", ${literal(tagNeedle(tag))})`);
  // contains(): case-sensitive, and % and _ are plain characters; the case-insensitive form
  // lowercases both sides first (DuckDB's lower: Unicode, one character at a time). No index.
  if (f.contentContains !== undefined) {
    c.push(
      f.contentContainsIgnoreCase === true
        ? `contains(lower("content"), lower(${literal(f.contentContains)}))`
        : `contains("content", ${literal(f.contentContains)})`,
    );
  }
  // On the words column `latest` adds when the filter has a query.
  if (f.query !== undefined) c.push(queryCondition(f.query, literal));
  if (f.minImportance !== undefined) c.push(`"importance" >= ${sqlNumber(f.minImportance)}`);
  if (f.since !== undefined) c.push(`"time_ms" >= ${sqlNumber(f.since)}`);
  if (f.until !== undefined) c.push(`"time_ms" < ${sqlNumber(f.until)}`);
  if (f.live !== undefined) c.push(liveCondition(f.live));
  if (f.pinned !== undefined) c.push(`${PINNED} = ${f.pinned ? 1 : 0}`);
  return c;
}

/** The ids of at most `limit` memories of the org not live at `nowMs` (for the purge). */
export function buildExpiredIds(
  measurement: string,
  orgId: string,
  nowMs: number,
  retentionMs: number | null,
  limit: number,
): string {
  const expired = expiredCondition(nowMs, retentionMs);
  return withEndMarker(
    `SELECT DISTINCT "id" FROM ${sqlIdent(measurement)} ` +
      `WHERE "org_id" = ${sqlString(orgId)} AND ${expired} ORDER BY "id" LIMIT ${sqlNumber(limit)}`,
  );
}

export const where = (conditions: readonly string[]) =>
  conditions.length === 0 ? 'TRUE' : conditions.join(' AND ');

/**
 * A filter's conditions on what never changes of a memory (org, ids, agent, session, types,
 * content, time): they hold for every revision of it, so they narrow the rows before the latest
 * revision of each id is picked.
 */
function fixedConditions(orgId: string, f: MemoryFilter): string[] {
  const fixed: MemoryFilter = { ...f };
  delete (fixed as { tags?: unknown }).tags;
  delete (fixed as { minImportance?: unknown }).minImportance;
  delete (fixed as { live?: unknown }).live;
  delete (fixed as { pinned?: unknown }).pinned;
  return filterConditions(orgId, fixed);
}

/**
 * A filter's conditions on what a patch or a supersede changes (tags, importance, whether a
 * correction retired it, expiry): they are tested on the latest revision only.
 */
function revisedConditions(f: MemoryFilter): string[] {
  const c: string[] = [];
  for (const tag of f.tags ?? []) c.push(`contains("tag_set", ${sqlString(tagNeedle(tag))})`);
  if (f.minImportance !== undefined) c.push(`"importance" >= ${sqlNumber(f.minImportance)}`);
  if (f.includeSuperseded !== true) c.push(`${SUPERSEDED_BY} IS NULL`);
  if (f.live !== undefined) c.push(liveCondition(f.live));
  if (f.pinned !== undefined) c.push(`${PINNED} = ${f.pinned ? 1 : 0}`);
  return c;
}

/**
 * The latest revision of each memory of `measurement` meeting `fixed`, as a FROM item with
 * every column (and with `words`, the row's search words as {@link WORDS_COLUMN}, which a
 * search condition reads); the revised conditions go in the WHERE of the query around it.
 */
export function latest(measurement: string, fixed: readonly string[], words = false): string {
  const source = words
    ? `(SELECT *, ${SEARCH_WORDS} AS ${sqlIdent(WORDS_COLUMN)} FROM ${sqlIdent(measurement)})`
    : sqlIdent(measurement);
  return `(SELECT * FROM ${source} WHERE ${where(fixed)} ${ONE_ROW_PER_ID})`;
}

/**
 * `latest(...)` of the filter's fixed conditions plus `extra` (with the search words when the
 * filter has a query, or `words`), and its revised conditions.
 */
export function split(
  measurement: string,
  orgId: string,
  f: MemoryFilter,
  extra: readonly string[] = [],
  words = false,
): { from: string; revised: string[] } {
  return {
    from: latest(
      measurement,
      [...fixedConditions(orgId, f), ...extra],
      words || f.query !== undefined,
    ),
    revised: revisedConditions(f),
  };
}

/**
 * Matching memories ordered by (time, insertion order), ascending or descending, past `after`
 * (when given) in that order, after `offset` and at most `limit` (null: all).
 */
export function buildFind(
  measurement: string,
  orgId: string,
  filter: MemoryFilter,
  order: Order,
  limit: number | null,
  offset: number,
  range: SeqRange = ALL,
  after?: KeysetPosition,
): string {
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  return selectMemories(
    split(measurement, orgId, filter, [...seqCondition(range), ...pastCondition(after, order)]),
    `"time_ms" ${dir}, "seq" ${dir}`,
    limit,
    offset,
  );
}

/**
 * Matching memories in context priority (importance, then time, then id, each highest first),
 * at most `limit` (null: all), only those whose content has at most `maxContentLength`
 * characters when it is given (DuckDB's `length` counts Unicode characters, never more than
 * UTF-16 code units).
 */
export function buildFindByPriority(
  measurement: string,
  orgId: string,
  query: PriorityQuery,
  range: SeqRange = ALL,
): string {
  const bound =
    query.maxContentLength === null
      ? []
      : [`length("content") <= ${sqlNumber(query.maxContentLength)}`];
  return selectMemories(
    split(measurement, orgId, query.filter, [...bound, ...seqCondition(range)]),
    '"importance" DESC, "time_ms" DESC, "id" DESC',
    query.limit,
    0,
  );
}

function selectMemories(
  { from, revised }: { from: string; revised: string[] },
  orderBy: string,
  limit: number | null,
  offset: number,
): string {
  const page =
    (limit === null ? '' : ` LIMIT ${sqlNumber(limit)}`) +
    (offset > 0 ? ` OFFSET ${sqlNumber(offset)}` : '');
  return withEndMarker(
    `SELECT ${MEMORY_SELECT} FROM ${from} WHERE ${where(revised)} ORDER BY ${orderBy}${page}`,
  );
}

/** `n`: how many distinct memories match. */
export function buildCount(
  measurement: string,
  orgId: string,
  filter: MemoryFilter,
  range: SeqRange = ALL,
): string {
  const { from, revised } = split(measurement, orgId, filter, seqCondition(range));
  return `SELECT count(*) AS "n" FROM ${from} WHERE ${where(revised)}`;
}

/** The ids of matching memories (from one `seq` on: the few written recently). */
export function buildIds(
  measurement: string,
  orgId: string,
  filter: MemoryFilter,
  range: SeqRange,
): string {
  const { from, revised } = split(measurement, orgId, filter, seqCondition(range));
  return withEndMarker(`SELECT "id" FROM ${from} WHERE ${where(revised)} ORDER BY "id"`);
}

/** One memory by id in one org. */
export function buildFindById(measurement: string, orgId: string, id: string): string {
  return withEndMarker(
    `SELECT ${MEMORY_SELECT} FROM ${sqlIdent(measurement)} ` +
      `WHERE "org_id" = ${sqlString(orgId)} AND "id" = ${sqlString(id)} ` +
      `ORDER BY ${REVISION} DESC LIMIT 1`,
  );
}

/** Which of `ids` are stored (in any org of the database: ids are unique). */
export function buildExistingIds(measurement: string, ids: readonly string[]): string {
  return withEndMarker(
    `SELECT DISTINCT "id" FROM ${sqlIdent(measurement)} WHERE ${sqlInList('"id"', ids)} ORDER BY "id"`,
  );
}

/** Stored ids from `first` to `last` (both included), whichever org holds them. */
export function buildIdsBetween(measurement: string, first: string, last: string): string {
  return withEndMarker(
    `SELECT DISTINCT "id" FROM ${sqlIdent(measurement)} WHERE "id" >= ${sqlString(first)} AND "id" <= ${sqlString(last)} ORDER BY "id"`,
  );
}

/** Stored memories of the org with one of `keys` recorded at or after `fromMs`, for dedup. */
export function buildDedupCandidates(
  measurement: string,
  orgId: string,
  keys: readonly string[],
  fromMs: number,
): string {
  return withEndMarker(
    `SELECT "id", "dedup_key", ${CREATED_MS} AS "created_ms", CAST("seq" AS VARCHAR) AS "seq_text" ` +
      `FROM ${sqlIdent(measurement)} WHERE "org_id" = ${sqlString(orgId)} ` +
      `AND ${CREATED_MS} >= ${sqlNumber(fromMs)} AND ${sqlInList('"dedup_key"', keys)} ` +
      `${ONE_ROW_PER_ID} ORDER BY "created_ms" DESC, "seq" DESC`,
  );
}

/**
 * The ids written with `seq` in [from, to], each with the latest `revision` Arc shows of it:
 * which recent writes Arc shows already.
 */
export function buildVisibleIds(measurement: string, from: bigint, to: bigint): string {
  return withEndMarker(
    `SELECT "id", max(${REVISION}) AS "revision" FROM ${sqlIdent(measurement)} ` +
      `WHERE "seq" >= ${sqlNumber(from)} AND "seq" <= ${sqlNumber(to)} GROUP BY "id" ORDER BY "id"`,
  );
}
