import type { MemoryFilter, MemoryQuery, PriorityQuery } from '../../../domain/index.js';
import { MEMORY_COLUMNS } from './row-mappers.js';
import { liveCondition } from './sqlite-expiry-sql.js';
import { substringConditions } from './sqlite-substring-sql.js';
import { chooseDrivingIndex, type DrivingIndex } from '../memory-driving-index.js';
import { DRIVING_INDEX_NAME } from './sqlite-driving-index-names.js';
import { FTS_FROM, FTS_SCORE, ftsMatch } from './sqlite-search-sql.js';

export { chooseDrivingIndex, type DrivingIndex };
export { DRIVING_INDEX_NAME };

/** SQL text and its positional parameters; values are never part of the text. */
export interface BuiltSql {
  readonly sql: string;
  readonly params: readonly (string | number)[];
}

interface Plan {
  readonly drivingIndex: DrivingIndex;
  /** FROM clause; the memories row is always aliased `m`. */
  readonly from: string;
  /** FROM clause for a count that needs no column of `memories` (driving index `tag` only). */
  readonly countFromWithoutRows: string | null;
  readonly where: string[];
  readonly params: (string | number)[];
  /** Whether any condition reads `m`. */
  readonly needsRows: boolean;
  /** Alias whose (time, seq) gives the order: the driving index's own columns. */
  readonly orderAlias: 'm' | 't';
  /** Whether the full-text index drives (a search): matches come unordered, with a score. */
  readonly fts: boolean;
}

const SELECT_COLUMNS = MEMORY_COLUMNS.split(', ')
  .map((c) => `m.${c}`)
  .join(', ');

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/**
 * @param driven drive by the substring index (see `substringDriven`) unless a search drives by
 *   the full-text index: every filter is then checked on the candidate rows it gives, fetched by
 *   rowid (`NOT INDEXED` keeps the planner from walking an index instead), and the page is sorted
 */
function plan(orgId: string, filter: MemoryFilter, driven = false): Plan {
  const fts = filter.query !== undefined;
  const drive = driven && !fts;
  const chosen = chooseDrivingIndex(filter);
  // A search is driven by the full-text index: every other filter is checked on the row.
  const drivingIndex = drive || (fts && chosen === 'tag') ? 'org' : chosen;
  const where: string[] = fts ? [`memories_fts MATCH ?`] : [];
  const params: (string | number)[] = fts ? [ftsMatch(filter.query)] : [];
  let needsRows = false;
  const rowCondition = (sql: string, ...values: (string | number)[]): void => {
    where.push(sql);
    params.push(...values);
    needsRows = true;
  };

  // The driving index: org, its equality column, then the time range.
  const a = drivingIndex === 'tag' ? 't' : 'm';
  where.push(`${a}.org_id = ?`);
  params.push(orgId);
  const tags = filter.tags ?? [];
  switch (drivingIndex) {
    case 'id':
      // One parameter (a JSON array) whatever the number of ids: the statement text, and so its
      // cache entry, stays the same, and SQLite's limit on bound variables is never near.
      where.push('m.id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.ids));
      break;
    case 'session':
      where.push('m.session_id = ?');
      params.push(filter.sessionId as string);
      break;
    case 'tag':
      where.push('t.tag = ?');
      params.push(tags[0] as string);
      break;
    case 'agent':
      where.push('m.agent_id = ?');
      params.push(filter.agentId as string);
      break;
    case 'memory_type':
      where.push('m.memory_type = ?');
      params.push(filter.memoryTypes?.[0] as string);
      break;
    case 'event_type':
      where.push('m.event_type = ?');
      params.push(filter.eventTypes?.[0] as string);
      break;
    case 'org':
      break;
  }
  if (filter.since !== undefined) {
    where.push(`${a}.time >= ?`);
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    where.push(`${a}.time < ?`);
    params.push(filter.until);
  }

  // Further tags: one count of point lookups on the tag table's primary key per row. One
  // subquery whatever the number of tags, so preparing the statement stays cheap (an EXISTS per
  // tag makes the planner's work grow steeply with the count).
  const further = tags.slice(drivingIndex === 'tag' ? 1 : 0);
  if (further.length > 0) {
    where.push(
      `(SELECT count(*) FROM memory_tags AS x WHERE x.org_id = ${a}.org_id ` +
        `AND x.tag IN (${placeholders(further.length)}) ` +
        `AND x.time = ${a}.time AND x.seq = ${a}.seq) = ?`,
    );
    params.push(...further, further.length);
  }

  // Residual conditions on the memory row.
  if (filter.sessionId !== undefined && drivingIndex !== 'session') {
    rowCondition('m.session_id = ?', filter.sessionId);
  }
  if (filter.agentId !== undefined && drivingIndex !== 'agent') {
    rowCondition('m.agent_id = ?', filter.agentId);
  }
  if (filter.memoryTypes !== undefined && drivingIndex !== 'memory_type') {
    // SQLite accepts `IN ()`, which matches nothing, as the filter says for an empty list.
    rowCondition(
      `m.memory_type IN (${placeholders(filter.memoryTypes.length)})`,
      ...filter.memoryTypes,
    );
  }
  if (filter.eventTypes !== undefined && drivingIndex !== 'event_type') {
    rowCondition(
      `m.event_type IN (${placeholders(filter.eventTypes.length)})`,
      ...filter.eventTypes,
    );
  }
  if (filter.contentContains !== undefined) {
    const ignoreCase = filter.contentContainsIgnoreCase === true;
    for (const c of substringConditions(filter.contentContains, ignoreCase, drive)) {
      rowCondition(c.sql, c.param);
    }
  }
  // The pin and the expiry are copied into memory_tags (0013) and end the other driving
  // indexes, so either walk checks them without the row. The pin is written in the text, so the
  // planner may use an index on pinned memories only (0016).
  if (filter.pinned !== undefined) where.push(`${a}.pinned = ${filter.pinned ? 1 : 0}`);
  if (filter.minImportance !== undefined) {
    // Importance is copied into memory_tags (0004), so a tag walk checks it without the row.
    if (drivingIndex === 'tag') {
      where.push('t.importance >= ?');
      params.push(filter.minImportance);
    } else {
      rowCondition('m.importance >= ?', filter.minImportance);
    }
  }

  const live = filter.live === undefined ? null : liveCondition(a, filter.live);
  if (live) {
    where.push(live.sql);
    params.push(...live.params);
  }

  if (filter.includeSuperseded !== true) {
    // The flag is copied into memory_tags (0010), so a tag walk checks it without the row.
    where.push(drivingIndex === 'tag' ? 't.superseded = 0' : 'm.superseded_by IS NULL');
  }

  if (drivingIndex === 'tag') {
    return {
      drivingIndex,
      // CROSS JOIN fixes the loop order: walk the tag index, then fetch each row by rowid.
      from: 'memory_tags AS t CROSS JOIN memories AS m ON m.seq = t.seq',
      countFromWithoutRows: 'memory_tags AS t',
      where,
      params,
      needsRows,
      orderAlias: 't',
      fts,
    };
  }
  return {
    drivingIndex,
    from: fts
      ? FTS_FROM
      : drive
        ? 'memories AS m NOT INDEXED'
        : `memories AS m INDEXED BY ${DRIVING_INDEX_NAME[drivingIndex]}`,
    countFromWithoutRows: null,
    where,
    params,
    needsRows,
    orderAlias: 'm',
    fts,
  };
}

/**
 * The SELECT behind `MemoryStore.find`: newest or oldest first by (time, insertion order),
 * past `after` when given (column `keyset_seq` carries each row's seq), served entirely by the
 * driving index (see {@link chooseDrivingIndex}). A search (`filter.query`) is driven by the
 * full-text index, sorted, and adds column `score`; with `byRelevance` it is ordered by score,
 * then time, then seq, all descending, and `after` compares all three.
 */
export function buildFindMemories(
  orgId: string,
  query: MemoryQuery,
  driven = false,
): BuiltSql & { drivingIndex: DrivingIndex } {
  const p = plan(orgId, query.filter, driven);
  const relevance = p.fts && query.byRelevance === true;
  const dir = query.order === 'asc' && !relevance ? 'ASC' : 'DESC';
  const a = p.orderAlias;
  const where = [...p.where];
  const params = [...p.params];
  const after = query.after;
  if (after !== undefined && !relevance) {
    // A row value comparison: one range on the index's (time, seq), still no sort.
    where.push(`(${a}.time, ${a}.seq) ${dir === 'ASC' ? '>' : '<'} (?, ?)`);
    params.push(after.time, Number(after.seq));
  }
  const score = p.fts ? `, ${FTS_SCORE} AS score` : '';
  let sql =
    `SELECT ${SELECT_COLUMNS}, m.seq AS keyset_seq${score} FROM ${p.from} ` +
    `WHERE ${where.join(' AND ')}`;
  if (relevance) {
    // The score is a column of the inner SELECT, so the keyset condition and order can read it.
    sql = `SELECT * FROM (${sql})`;
    if (after?.score !== undefined) {
      sql += ' WHERE score < ? OR (score = ? AND (time, keyset_seq) < (?, ?))';
      params.push(after.score, after.score, after.time, Number(after.seq));
    }
    sql += ' ORDER BY score DESC, time DESC, keyset_seq DESC';
  } else {
    sql += ` ORDER BY ${a}.time ${dir}, ${a}.seq ${dir}`;
  }
  // LIMIT -1 is SQLite's "no limit".
  return {
    sql: `${sql} LIMIT ? OFFSET ?`,
    params: [...params, query.limit ?? -1, query.offset],
    drivingIndex: p.drivingIndex,
  };
}

/** The index that gives a session's memories in context priority (0005). */
export const SESSION_PRIORITY_INDEX = 'idx_memories_org_session_priority';
/** The same order over the pinned memories only (0016): the context's first phase. */
export const SESSION_PINNED_PRIORITY_INDEX = 'idx_memories_org_session_pinned_priority';

/**
 * The SELECT behind `MemoryStore.findByPriority`: highest importance, then time, then id first.
 * Within a session it walks {@link SESSION_PRIORITY_INDEX} (for pinned memories only,
 * {@link SESSION_PINNED_PRIORITY_INDEX}) in order, checking the memory types,
 * the content length bound and the line token bound on the index (`length` counts characters, never more than UTF-16
 * code units, and stops at a NUL); any other filter walks its driving index and sorts.
 */
export function buildFindByPriority(orgId: string, query: PriorityQuery): BuiltSql {
  const p = plan(orgId, query.filter);
  const index =
    query.filter.pinned === true ? SESSION_PINNED_PRIORITY_INDEX : SESSION_PRIORITY_INDEX;
  const from =
    p.drivingIndex === 'session' && !p.fts ? `memories AS m INDEXED BY ${index}` : p.from;
  const where = [...p.where];
  const params: (string | number)[] = [...p.params];
  if (query.maxContentLength !== null) {
    where.push('length(m.content) <= ?');
    params.push(query.maxContentLength);
  }
  // On the index too (0015): a memory whose line cannot fit is passed over without its row.
  if (query.maxLineTokens !== undefined && query.maxLineTokens !== null) {
    where.push('m.line_tokens <= ?');
    params.push(query.maxLineTokens);
  }
  const sql =
    `SELECT ${SELECT_COLUMNS} FROM ${from} WHERE ${where.join(' AND ')} ` +
    'ORDER BY m.importance DESC, m.time DESC, m.id DESC LIMIT ?';
  return { sql, params: [...params, query.limit ?? -1] };
}

/** The COUNT behind `MemoryStore.count`, on the same driving index as {@link buildFindMemories}. */
export function buildCountMemories(
  orgId: string,
  filter: MemoryFilter,
  driven = false,
): BuiltSql & { drivingIndex: DrivingIndex } {
  const p = plan(orgId, filter, driven);
  const from = !p.needsRows && p.countFromWithoutRows !== null ? p.countFromWithoutRows : p.from;
  return {
    sql: `SELECT COUNT(*) AS n FROM ${from} WHERE ${p.where.join(' AND ')}`,
    params: p.params,
    drivingIndex: p.drivingIndex,
  };
}

/**
 * The SELECT of the rows `MemoryStore.delete` removes: the rowid, time and tags (JSON) of each
 * match, which key its `memory_tags` rows, through the same driving index as
 * {@link buildFindMemories}.
 */
export function buildDeletionTargets(orgId: string, filter: MemoryFilter): BuiltSql {
  const p = plan(orgId, filter);
  return {
    sql: `SELECT m.seq AS seq, m.time AS time, m.tags AS tags FROM ${p.from} WHERE ${p.where.join(' AND ')}`,
    params: p.params,
  };
}
