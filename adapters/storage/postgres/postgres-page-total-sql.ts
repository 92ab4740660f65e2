import type { MemoryQuery } from '../../../domain/index.js';
import {
  buildCountMemories,
  buildFindMemories,
  type BuiltSql,
  type DrivingIndex,
} from './postgres-memory-query.js';
import { SIMPLE_TEXT_SEARCH, type TextSearch } from './postgres-search-sql.js';

/**
 * The page of {@link buildFindMemories} and the count of {@link buildCountMemories} in one
 * statement: one round trip, and one snapshot, so the count always agrees with the page. Each
 * part keeps the plan it has alone (the page walks its driving index in order and stops at
 * LIMIT; the count reads the same index), and an empty page still gives the count.
 *
 * Each row is a row of the page with `page_ord` (its place, from 1) and `page_total`; an empty
 * page is one row whose columns are null but `page_total`.
 *
 * When the page ends before its limit with no `after` (and is not past the end of an offset
 * read), it holds the last match: the count is then `offset` + its rows, and the counting
 * subquery (an initplan, run only when CASE reaches it) never runs.
 */
export function buildFindMemoriesWithTotal(
  orgId: string,
  query: MemoryQuery,
  ts: TextSearch = SIMPLE_TEXT_SEARCH,
): BuiltSql & { drivingIndex: DrivingIndex } {
  const page = buildFindMemories(orgId, query, ts);
  // Both are built from one plan of the filter, parameter by parameter in the same order: the
  // count's parameters are the page's first ones (the page adds its position, limit and offset).
  const count = buildCountMemories(orgId, query.filter, ts);
  const params = [...page.params];
  const add = (value: unknown): string => {
    params.push(value);
    return `$${params.length}::bigint`;
  };
  let total = `(${count.sql})`;
  if (query.after === undefined) {
    const limit = add(query.limit);
    const offset = add(query.offset);
    total =
      `CASE WHEN (${limit} IS NULL OR pc.n < ${limit}) AND (pc.n > 0 OR ${offset} = 0) ` +
      `THEN ${offset} + pc.n ELSE ${total} END`;
  }
  const sql =
    `WITH page AS (SELECT q.*, row_number() OVER () AS page_ord FROM (${page.sql}) AS q) ` +
    `SELECT page.*, t.page_total FROM (SELECT ${total} AS page_total ` +
    'FROM (SELECT count(*) AS n FROM page) AS pc) AS t LEFT JOIN page ON true';
  return { sql, params, drivingIndex: page.drivingIndex };
}
