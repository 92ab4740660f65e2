import {
  MEMORY_TYPES,
  type KeysetPosition,
  type LiveAt,
  type MemoryFilter,
  type Order,
  type PriorityQuery,
} from '../../../domain/index.js';
import { sqlIdent, sqlInList, sqlNumber, sqlString } from './arc-sql.js';
import { CREATED_MS, END_MARKER, MEMORY_SELECT, tagNeedle } from './arc-wire.js';
import { expiredCondition, liveCondition } from './arc-expiry-sql.js';

/**
 * Keeps one row per memory id: a write resent after a dropped connection may have stored the
 * same row twice, and the copies are identical (same `seq`).
 */
export const ONE_ROW_PER_ID = 'QUALIFY row_number() OVER (PARTITION BY "id" ORDER BY "seq") = 1';

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

function seqCondition(range: SeqRange): string[] {
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
  // contains(): case-sensitive, and % and _ are plain characters.
  if (f.contentContains !== undefined) {
    c.push(`contains("content", ${literal(f.contentContains)})`);
  }
  if (f.minImportance !== undefined) c.push(`"importance" >= ${sqlNumber(f.minImportance)}`);
  if (f.since !== undefined) c.push(`"time_ms" >= ${sqlNumber(f.since)}`);
  if (f.until !== undefined) c.push(`"time_ms" < ${sqlNumber(f.until)}`);
  if (f.live !== undefined) c.push(liveCondition(f.live));
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

const where = (conditions: readonly string[]) => conditions.join(' AND ');

/** Rows strictly past `after` in `order` by (time, seq); none when there is no position. */
function pastCondition(after: KeysetPosition | undefined, order: Order): string[] {
  if (after === undefined) return [];
  const op = order === 'asc' ? '>' : '<';
  const time = sqlNumber(after.time);
  return [
    `("time_ms" ${op} ${time} OR ("time_ms" = ${time} AND "seq" ${op} ${sqlNumber(BigInt(after.seq))}))`,
  ];
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
    measurement,
    [...filterConditions(orgId, filter), ...seqCondition(range), ...pastCondition(after, order)],
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
    measurement,
    [...filterConditions(orgId, query.filter), ...bound, ...seqCondition(range)],
    '"importance" DESC, "time_ms" DESC, "id" DESC',
    query.limit,
    0,
  );
}

function selectMemories(
  measurement: string,
  conditions: readonly string[],
  orderBy: string,
  limit: number | null,
  offset: number,
): string {
  const page =
    (limit === null ? '' : ` LIMIT ${sqlNumber(limit)}`) +
    (offset > 0 ? ` OFFSET ${sqlNumber(offset)}` : '');
  return withEndMarker(
    `SELECT ${MEMORY_SELECT} FROM ${sqlIdent(measurement)} WHERE ${where(conditions)} ` +
      `${ONE_ROW_PER_ID} ORDER BY ${orderBy}${page}`,
  );
}

/** `n`: how many distinct memories match. */
export function buildCount(
  measurement: string,
  orgId: string,
  filter: MemoryFilter,
  range: SeqRange = ALL,
): string {
  return (
    `SELECT count(DISTINCT "id") AS "n" FROM ${sqlIdent(measurement)} ` +
    `WHERE ${where([...filterConditions(orgId, filter), ...seqCondition(range)])}`
  );
}

/** The ids of matching memories (from one `seq` on: the few written recently). */
export function buildIds(
  measurement: string,
  orgId: string,
  filter: MemoryFilter,
  range: SeqRange,
): string {
  return withEndMarker(
    `SELECT DISTINCT "id" FROM ${sqlIdent(measurement)} ` +
      `WHERE ${where([...filterConditions(orgId, filter), ...seqCondition(range)])} ORDER BY "id"`,
  );
}

const agentCondition = (agentIds: readonly string[]) => sqlInList('"agent_id"', agentIds);

/**
 * Stats of the agents' memories: `memory_count`, `memories_since`, `errors_since`, then
 * `type_<i>` per `MEMORY_TYPES[i]`, each counting distinct ids.
 */
export function buildStats(
  measurement: string,
  orgId: string,
  agentIds: readonly string[],
  sinceMs: number,
  range: SeqRange = ALL,
  live?: LiveAt,
): string {
  const since = `"time_ms" >= ${sqlNumber(sinceMs)}`;
  const distinct = (condition?: string) =>
    `count(DISTINCT "id")${condition === undefined ? '' : ` FILTER (WHERE ${condition})`}`;
  const columns = [
    `${distinct()} AS "memory_count"`,
    `${distinct(since)} AS "memories_since"`,
    `${distinct(`${since} AND "event_type" = 'error'`)} AS "errors_since"`,
    ...MEMORY_TYPES.map(
      (type, i) => `${distinct(`"memory_type" = ${sqlString(type)}`)} AS "type_${i}"`,
    ),
  ];
  const conditions = [
    `"org_id" = ${sqlString(orgId)}`,
    agentCondition(agentIds),
    ...seqCondition(range),
    ...(live === undefined ? [] : [liveCondition(live)]),
  ];
  return `SELECT ${columns.join(', ')} FROM ${sqlIdent(measurement)} WHERE ${where(conditions)}`;
}

/** The rows stats need, one per id, of the agents' memories (from one `seq` on). */
export function buildStatsRows(
  measurement: string,
  orgId: string,
  agentIds: readonly string[],
  range: SeqRange,
  live?: LiveAt,
): string {
  const conditions = [
    `"org_id" = ${sqlString(orgId)}`,
    agentCondition(agentIds),
    ...seqCondition(range),
    ...(live === undefined ? [] : [liveCondition(live)]),
  ];
  return withEndMarker(
    `SELECT "id", "time_ms", "event_type", "memory_type" FROM ${sqlIdent(measurement)} ` +
      `WHERE ${where(conditions)} ${ONE_ROW_PER_ID} ORDER BY "id"`,
  );
}

/** One memory by id in one org. */
export function buildFindById(measurement: string, orgId: string, id: string): string {
  return withEndMarker(
    `SELECT ${MEMORY_SELECT} FROM ${sqlIdent(measurement)} ` +
      `WHERE "org_id" = ${sqlString(orgId)} AND "id" = ${sqlString(id)} ` +
      `ORDER BY "seq" LIMIT 1`,
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

/** The ids written with `seq` in [from, to]: which recent writes Arc shows already. */
export function buildVisibleIds(measurement: string, from: bigint, to: bigint): string {
  return withEndMarker(
    `SELECT DISTINCT "id" FROM ${sqlIdent(measurement)} ` +
      `WHERE "seq" >= ${sqlNumber(from)} AND "seq" <= ${sqlNumber(to)} ORDER BY "id"`,
  );
}

/**
 * Memory ids start with their kind's prefix and 12 hex digits of the time in ms (see the id
 * generator): ids sharing that much were made in one millisecond, so few stored ids lie between.
 */
const TIME_ORDERED_PREFIX = 'mem_'.length + 12;

/**
 * The first and last of `ids` when they were made in one millisecond (the ids of one batch
 * follow each other): one statement then finds what is stored between them, where a taken one
 * can only be, instead of one statement per list of ids that Arc's SQL length allows.
 */
export function sameMillisecondRange(ids: readonly string[]): [string, string] | null {
  if (ids.length < 2) return null;
  const sorted = [...ids].sort();
  const first = sorted[0] as string;
  const last = sorted[sorted.length - 1] as string;
  let n = 0;
  while (n < first.length && first[n] === last[n]) n++;
  return n >= TIME_ORDERED_PREFIX ? [first, last] : null;
}
