import type { MemoryFilter, MemoryQuery, PriorityQuery } from '../../../domain/index.js';
import { MEMORY_COLUMNS } from './row-mappers.js';
import { substringConditions } from './postgres-substring-sql.js';
import { chooseDrivingIndex, type DrivingIndex } from '../memory-driving-index.js';
import { liveCondition } from './postgres-expiry-sql.js';
import { Params, type BuiltSql } from './postgres-sql-params.js';
import { searchSql, SIMPLE_TEXT_SEARCH, type TextSearch } from './postgres-search-sql.js';

export { chooseDrivingIndex, type DrivingIndex };
export { buildMemoryStats } from './postgres-stats-sql.js';

export type { BuiltSql };

/**
 * The SQL index of each driving index; `tag` walks the primary key of `memory_tags`, `id` the
 * unique index on `memories.id`.
 */
export const DRIVING_INDEX_NAME: Readonly<Record<DrivingIndex, string>> = {
  id: 'memories_id_key',
  session: 'idx_memories_org_session_time',
  tag: 'memory_tags_pkey',
  agent: 'idx_memories_org_agent_time',
  memory_type: 'idx_memories_org_type_time',
  event_type: 'idx_memories_org_event_time',
  org: 'idx_memories_org_time',
};

interface Plan {
  readonly drivingIndex: DrivingIndex;
  /** FROM clause; the memories row is always aliased `m`. */
  readonly from: string;
  /** FROM clause for a count that needs no column of `memories` (driving index `tag` only). */
  readonly countFromWithoutRows: string | null;
  /** Conditions on the driving index's table (alias `m` or `t`). */
  readonly where: string[];
  /** Conditions that read the memory row `m` (beyond what the driving index holds). */
  readonly rowWhere: string[];
  readonly params: Params;
  /** Alias whose (time, seq) gives the order: the driving index's own columns. */
  readonly orderAlias: 'm' | 't';
  /** The search score of the row `m` (float8), when the filter has a query. */
  readonly score: string | null;
}

const SELECT_COLUMNS = MEMORY_COLUMNS.split(', ')
  .map((c) => `m.${c}`)
  .join(', ');

function plan(orgId: string, filter: MemoryFilter, ts: TextSearch): Plan {
  const drivingIndex = chooseDrivingIndex(filter);
  const p = new Params();
  const where: string[] = [];
  const rowWhere: string[] = [];
  const rowCondition = (sql: string): void => {
    rowWhere.push(sql);
  };

  // The driving index: org, its equality column, then the time range.
  const a = drivingIndex === 'tag' ? 't' : 'm';
  // First, so the org id is $1.
  where.push(`${a}.org_id = ${p.add(orgId)}`);
  let idsFrom = '';
  const tags = filter.tags ?? [];
  switch (drivingIndex) {
    case 'id':
      // One array parameter whatever the number of ids, looked up in a subquery that OFFSET 0
      // keeps apart: joined into the outer query, the planner may rather walk the org's time
      // index, in order but through every memory of the org, to skip sorting the matches.
      idsFrom =
        'memories WHERE org_id = $1 ' +
        `AND id = ANY(${p.add([...(filter.ids ?? [])], '::text[]')}) OFFSET 0`;
      break;
    case 'session':
      where.push(`m.session_id = ${p.add(filter.sessionId)}`);
      break;
    case 'tag':
      where.push(`t.tag = ${p.add(tags[0])}`);
      break;
    case 'agent':
      where.push(`m.agent_id = ${p.add(filter.agentId)}`);
      break;
    case 'memory_type':
      where.push(`m.memory_type = ${p.add(filter.memoryTypes?.[0])}`);
      break;
    case 'event_type':
      where.push(`m.event_type = ${p.add(filter.eventTypes?.[0])}`);
      break;
    case 'org':
      break;
  }
  if (filter.since !== undefined) where.push(`${a}.time >= ${p.add(filter.since, '::bigint')}`);
  if (filter.until !== undefined) where.push(`${a}.time < ${p.add(filter.until, '::bigint')}`);

  // Further tags: containment in the memory row's own tag array, one condition and one array
  // parameter whatever their number. (Per-tag lookups in memory_tags cost planning time that
  // grows with the count, and the planner may probe the tag index without its tag column.)
  // Wrapped in coalesce (a no-op: tags is never null) so the planner takes its default
  // selectivity: estimated from independent tags, a combination looks so rare that it would scan
  // every memory of the org rather than walk the driving index, even when most of them match.
  const further = tags.slice(drivingIndex === 'tag' ? 1 : 0);
  if (further.length > 0) {
    rowCondition(`coalesce(m.tags @> ${p.add([...further], '::text[]')}, false)`);
  }
  // Importance (0001), the expiry and the pin (0014) are copied into memory_tags, so a tag walk
  // checks them without the row.
  const onTagRow = (sql: string): void => {
    if (drivingIndex === 'tag') where.push(sql);
    else rowCondition(sql);
  };
  if (filter.minImportance !== undefined) {
    onTagRow(`${a}.importance >= ${p.add(filter.minImportance, '::float8')}`);
  }
  if (filter.live !== undefined) onTagRow(liveCondition(a, filter.live, p));
  if (filter.pinned !== undefined) onTagRow(filter.pinned ? `${a}.pinned` : `NOT ${a}.pinned`);

  // Residual conditions on the memory row.
  if (filter.agentId !== undefined && drivingIndex !== 'agent') {
    rowCondition(`m.agent_id = ${p.add(filter.agentId)}`);
  }
  if (filter.sessionId !== undefined && drivingIndex !== 'session') {
    rowCondition(`m.session_id = ${p.add(filter.sessionId)}`);
  }
  if (filter.memoryTypes !== undefined && drivingIndex !== 'memory_type') {
    // = ANY of an empty array matches nothing, as the filter says for an empty list.
    rowCondition(`m.memory_type = ANY(${p.add([...filter.memoryTypes], '::text[]')})`);
  }
  if (filter.eventTypes !== undefined && drivingIndex !== 'event_type') {
    rowCondition(`m.event_type = ANY(${p.add([...filter.eventTypes], '::text[]')})`);
  }
  if (filter.contentContains !== undefined) {
    const ignoreCase = filter.contentContainsIgnoreCase === true;
    const useIndex = drivingIndex === 'org';
    for (const c of substringConditions(p, filter.contentContains, ignoreCase, useIndex)) {
      rowCondition(c);
    }
  }

  // The keyword search: the GIN index on search_vector (0012) can drive it.
  const search = filter.query === undefined ? null : searchSql(filter.query, ts, p);
  if (search !== null) rowCondition(search.match);

  if (filter.includeSuperseded !== true) {
    // The flag is copied into memory_tags (0010), so a tag walk checks it without the row.
    if (drivingIndex === 'tag') where.push('NOT t.superseded');
    else rowCondition('m.superseded_by IS NULL');
  }

  if (drivingIndex === 'tag') {
    return {
      drivingIndex,
      from: 'memory_tags AS t JOIN memories AS m ON m.seq = t.seq',
      countFromWithoutRows: 'memory_tags AS t',
      where,
      rowWhere,
      params: p,
      orderAlias: 't',
      score: search?.score ?? null,
    };
  }
  return {
    drivingIndex,
    from: drivingIndex === 'id' ? `(SELECT * FROM ${idsFrom}) AS m` : 'memories AS m',
    countFromWithoutRows: null,
    where,
    rowWhere,
    params: p,
    orderAlias: 'm',
    score: search?.score ?? null,
  };
}

/**
 * The SELECT behind `MemoryStore.find`: newest or oldest first by (time, insertion order), in
 * the order of the driving index (see {@link chooseDrivingIndex}), so LIMIT stops the walk. With
 * a search query each row carries its `score`; with `byRelevance` too, the order is (score,
 * time, seq) descending, and `after` compares the three with the same float8 expression.
 */
export function buildFindMemories(
  orgId: string,
  query: MemoryQuery,
  ts: TextSearch = SIMPLE_TEXT_SEARCH,
): BuiltSql & { drivingIndex: DrivingIndex } {
  const p = plan(orgId, query.filter, ts);
  const dir = query.order === 'asc' ? 'ASC' : 'DESC';
  const a = p.orderAlias;
  const where = [...p.where, ...p.rowWhere];
  const relevance = p.score !== null && query.byRelevance === true;
  const after = query.after;
  if (after !== undefined && !relevance) {
    // A row comparison on the index's (time, seq): a range of the same walk, no sort.
    const time = p.params.add(after.time, '::bigint');
    const seq = p.params.add(after.seq, '::bigint');
    where.push(`(${a}.time, ${a}.seq) ${query.order === 'asc' ? '>' : '<'} (${time}, ${seq})`);
  }
  // A relevance position without a score stands before every row.
  if (after?.score !== undefined && relevance) {
    const at = [
      p.params.add(after.score, '::float8'),
      p.params.add(after.time, '::bigint'),
      p.params.add(after.seq, '::bigint'),
    ];
    where.push(`(${p.score}, m.time, m.seq) < (${at.join(', ')})`);
  }
  // LIMIT NULL is PostgreSQL's "no limit".
  const limit = p.params.add(query.limit, '::bigint');
  const offset = p.params.add(query.offset, '::bigint');
  const order = relevance
    ? 'score DESC, m.time DESC, m.seq DESC'
    : `${a}.time ${dir}, ${a}.seq ${dir}`;
  const sql =
    `SELECT ${SELECT_COLUMNS}, ${a}.seq::text AS keyset_seq` +
    `${p.score === null ? '' : `, ${p.score} AS score`} FROM ${p.from} ` +
    `WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`;
  return { sql, params: p.params.values, drivingIndex: p.drivingIndex };
}

/**
 * The SELECT behind `MemoryStore.findByPriority`: highest importance, then time, then id first.
 * Within a session the planner walks idx_memories_org_session_priority (0005, 0015) in order,
 * with the length bound on `content_chars` and the token bound on `line_tokens` checked in the
 * index; any other filter sorts its matches.
 */
export function buildFindByPriority(
  orgId: string,
  query: PriorityQuery,
  ts: TextSearch = SIMPLE_TEXT_SEARCH,
): BuiltSql {
  const p = plan(orgId, query.filter, ts);
  const where = [...p.where, ...p.rowWhere];
  if (query.maxContentLength !== null) {
    where.push(`m.content_chars <= ${p.params.add(query.maxContentLength, '::int')}`);
  }
  // A scan key of the same index (0015): a memory whose line cannot fit is passed over unread.
  if (query.maxLineTokens !== undefined && query.maxLineTokens !== null) {
    where.push(`m.line_tokens <= ${p.params.add(query.maxLineTokens, '::int')}`);
  }
  const limit = p.params.add(query.limit, '::bigint');
  const sql =
    `SELECT ${SELECT_COLUMNS} FROM ${p.from} WHERE ${where.join(' AND ')} ` +
    `ORDER BY m.importance DESC, m.time DESC, m.id COLLATE "C" DESC LIMIT ${limit}`;
  return { sql, params: p.params.values };
}

/**
 * `select` (a column list) of the matches, walking the driving index. Driving index `tag`: the
 * row conditions go in a correlated scalar subquery, which PostgreSQL cannot turn into a join,
 * so the walk goes through the tag index and fetches each row by its primary key. As a join, the
 * planner (which cannot estimate position()) may hash-join a full scan of memories: seconds at
 * a million rows instead of milliseconds.
 */
function selectMatches(
  orgId: string,
  filter: MemoryFilter,
  select: string,
  ts: TextSearch,
): BuiltSql & { drivingIndex: DrivingIndex } {
  const p = plan(orgId, filter, ts);
  const { drivingIndex } = p;
  if (p.countFromWithoutRows === null) {
    const where = [...p.where, ...p.rowWhere].join(' AND ');
    return {
      sql: `SELECT ${select} FROM ${p.from} WHERE ${where}`,
      params: p.params.values,
      drivingIndex,
    };
  }
  const where =
    p.rowWhere.length === 0
      ? p.where
      : [...p.where, `(SELECT ${p.rowWhere.join(' AND ')} FROM memories AS m WHERE m.seq = t.seq)`];
  return {
    sql: `SELECT ${select} FROM ${p.countFromWithoutRows} WHERE ${where.join(' AND ')}`,
    params: p.params.values,
    drivingIndex,
  };
}

/** The COUNT behind `MemoryStore.count`, on the same driving index as {@link buildFindMemories}. */
export function buildCountMemories(
  orgId: string,
  filter: MemoryFilter,
  ts: TextSearch = SIMPLE_TEXT_SEARCH,
): BuiltSql & { drivingIndex: DrivingIndex } {
  return selectMatches(orgId, filter, 'count(*)::bigint AS n', ts);
}

/** The `seq` of each match (in no order), on the same driving index as {@link buildFindMemories}. */
export function buildMatchingSeqs(
  orgId: string,
  filter: MemoryFilter,
  ts: TextSearch = SIMPLE_TEXT_SEARCH,
): BuiltSql {
  const { sql, params } = selectMatches(
    orgId,
    filter,
    chooseDrivingIndex(filter) === 'tag' ? 't.seq' : 'm.seq',
    ts,
  );
  return { sql, params };
}
