import type { LineTokens, Memory } from '../../../domain/index.js';
import { MEMORY_COLUMNS, memoriesToColumnArrays } from './row-mappers.js';
import { searchVectorSource, vectorFrom, type TextSearch } from './postgres-search-sql.js';
import type { BuiltSql } from './postgres-memory-query.js';

// The statements that write memories: dedup claims, inserts and deletes.

/**
 * Claims dedup keys for memories about to be stored, one row per (org, key): a key is claimed
 * when it is new or the memory holding it was recorded before the window (`$5` ms). Returns the
 * keys claimed; the others are duplicates. Parameters: org ids, keys, memory ids, the memories'
 * created_at (kept in `dedup_keys.time`, see migration 0008), window.
 * Each key may appear once per statement (PostgreSQL cannot update one row twice).
 */
export const CLAIM_DEDUP_KEYS_SQL =
  'INSERT INTO dedup_keys AS d (org_id, dedup_key, memory_id, time) ' +
  'SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) ' +
  'ON CONFLICT (org_id, dedup_key) DO UPDATE ' +
  'SET memory_id = excluded.memory_id, time = excluded.time ' +
  'WHERE d.time < excluded.time - $5::bigint ' +
  'RETURNING d.org_id, d.dedup_key';

/** The memory ids now holding these (org, key) pairs: the stored originals of duplicates. */
export const HELD_DEDUP_KEYS_SQL =
  'SELECT d.org_id, d.dedup_key, d.memory_id FROM dedup_keys AS d ' +
  'JOIN unnest($1::text[], $2::text[]) AS k(org_id, dedup_key) ' +
  'ON d.org_id = k.org_id AND d.dedup_key = k.dedup_key';

/**
 * Records keys of memories stored without a dedup policy, keeping the newest per (org, key), so
 * a later checked insert still sees them. Same parameters as {@link CLAIM_DEDUP_KEYS_SQL} minus
 * the window.
 */
export const RECORD_DEDUP_KEYS_SQL =
  'INSERT INTO dedup_keys AS d (org_id, dedup_key, memory_id, time) ' +
  'SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) ' +
  'ON CONFLICT (org_id, dedup_key) DO UPDATE ' +
  'SET memory_id = excluded.memory_id, time = excluded.time WHERE d.time <= excluded.time';

/**
 * Inserts memories (parameters: the column arrays of `memoriesToColumnArrays`, then the
 * `searchVectorSource` of each content, then the line tokens of each (0015), then, unless
 * `ts.exact`, the configuration) in input
 * order, so `seq` follows it, and their tags into `memory_tags` (with what a tag walk checks
 * without the memory row: importance, the retired flag, the expiry and the pin), in one statement.
 */
export function insertMemoriesSql(ts: TextSearch): string {
  return (
    'WITH rows AS (' +
    'SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], ' +
    '$6::text[], $7::bytea[], $8::text[], $9::text[], $10::float8[], $11::text[], $12::text[], ' +
    '$13::bigint[], $14::text[], $15::text[], $16::int[], $17::bigint[], $18::bigint[], ' +
    '$19::bool[], $20::text[], $21::int[]) WITH ORDINALITY AS u(id, org_id, agent_id, ' +
    'session_id, memory_type, event_type, content, metadata, tags, importance, dedup_key, ' +
    'parent_id, time, supersedes, superseded_by, content_chars, created_at, expires_at, pinned, ' +
    'search_source, line_tokens, ord)' +
    '), inserted AS (' +
    `INSERT INTO memories (${MEMORY_COLUMNS}, content_chars, line_tokens, search_vector) ` +
    'SELECT id, org_id, agent_id, session_id, memory_type, event_type, content, ' +
    'metadata::json, ARRAY(SELECT e FROM jsonb_array_elements_text(tags::jsonb) ' +
    'WITH ORDINALITY AS j(e, n) ORDER BY n), importance, ' +
    'dedup_key, parent_id, time, created_at, expires_at, pinned, supersedes, superseded_by, ' +
    `content_chars, line_tokens, ${vectorFrom('search_source', ts, '$22')} FROM rows ORDER BY ord ` +
    'RETURNING seq, org_id, time, tags, importance, superseded_by, expires_at, pinned' +
    ') INSERT INTO memory_tags (org_id, tag, time, seq, importance, superseded, expires_at, ' +
    'pinned) SELECT DISTINCT i.org_id, tag, i.time, i.seq, i.importance, ' +
    'i.superseded_by IS NOT NULL, i.expires_at, i.pinned FROM inserted AS i, unnest(i.tags) AS tag'
  );
}

/** The parameters of {@link insertMemoriesSql} for these memories. */
export function insertMemoriesParams(
  memories: readonly Memory[],
  ts: TextSearch,
  lineTokens: LineTokens,
): unknown[] {
  return [
    ...memoriesToColumnArrays(memories),
    memories.map((m) => searchVectorSource(m.content, ts)),
    memories.map((m) => lineTokens(m.content)),
    ...(ts.exact ? [] : [ts.config]),
  ];
}

/**
 * Retires the memories the new ones supersede, checked in the same statement: each target must
 * be a memory of the org that is current, or already retired by the very memory that names it
 * (an import restoring both). The row lock makes a concurrent retire of the same target wait
 * and then see it retired. Parameters: org ids, target ids, new ids (each target once). Returns
 * one row per target: `found` false when the org has no such memory, `ok` false when another
 * memory retired it first (`held_by`, as the statement's snapshot saw it).
 */
export const RETIRE_MEMORIES_SQL =
  'WITH wanted AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS w(org_id, id, by_id)), ' +
  'retired AS (UPDATE memories AS m SET superseded_by = w.by_id FROM wanted AS w ' +
  'WHERE m.org_id = w.org_id AND m.id = w.id ' +
  'AND (m.superseded_by IS NULL OR m.superseded_by = w.by_id) ' +
  'RETURNING m.id, m.org_id, m.seq, m.time, m.tags), ' +
  'tag_rows AS (UPDATE memory_tags AS x SET superseded = true FROM retired AS r, unnest(r.tags) AS u(tag) ' +
  'WHERE x.org_id = r.org_id AND x.tag = u.tag AND x.time = r.time AND x.seq = r.seq) ' +
  'SELECT w.id, m.id IS NOT NULL AS found, m.superseded_by AS held_by, r.id IS NOT NULL AS ok ' +
  'FROM wanted AS w ' +
  'LEFT JOIN retired AS r ON r.org_id = w.org_id AND r.id = w.id ' +
  'LEFT JOIN memories AS m ON m.org_id = w.org_id AND m.id = w.id';

/**
 * The DELETE behind `MemoryStore.delete`, one statement: the memories whose `seq` the `matches`
 * query (see `buildMatchingSeqs`) selects, their `memory_tags` rows (keyed by the tags and time
 * the deleted rows return) and the `dedup_keys` rows they held. Returns `n`, the count deleted,
 * and `keys`, the dedup keys whose holder went (see {@link REPOINT_DEDUP_KEYS_SQL}).
 *
 * The matches are collected into an array first (an InitPlan), so the planner deletes each
 * memory by its primary key, and each tag row and key by theirs, rather than hash-joining whole
 * tables on an estimate of how many match.
 */
export function buildDeleteMemories(matches: BuiltSql): BuiltSql {
  const sql =
    // $1 is the org id in every match query; checked again on the rows deleted.
    'WITH gone AS (DELETE FROM memories AS d ' +
    `WHERE d.seq = ANY(ARRAY(${matches.sql})) AND d.org_id = $1 ` +
    'RETURNING d.seq, d.org_id, d.time, d.tags, d.id, d.dedup_key), ' +
    // Materialised, so each tag row is sought by its whole key (org, tag, time, seq): inlined, the
    // planner joined on (org, time, seq) and filtered the tag, walking every tag row of the org
    // for each memory (a forget of 2,000 took seconds and hit the statement timeout).
    'gone_tags AS MATERIALIZED (SELECT g.org_id, u.tag, g.time, g.seq ' +
    'FROM gone AS g, unnest(g.tags) AS u(tag)), ' +
    'tag_rows AS (DELETE FROM memory_tags AS x USING gone_tags AS t ' +
    'WHERE x.org_id = t.org_id AND x.tag = t.tag AND x.time = t.time AND x.seq = t.seq), ' +
    'keys AS (DELETE FROM dedup_keys AS k USING gone AS g ' +
    'WHERE k.org_id = g.org_id AND k.dedup_key = g.dedup_key AND k.memory_id = g.id ' +
    'RETURNING k.dedup_key) ' +
    'SELECT (SELECT count(*) FROM gone)::bigint AS n, ARRAY(SELECT dedup_key FROM keys) AS keys';
  return { sql, params: matches.params };
}

/**
 * Gives each dedup key whose holder was deleted to the memory of the org recorded last still
 * having it (ties: the last inserted), as if the deleted one had never been stored; a key no
 * memory has stays free. One seek per key in idx_memories_org_dedup_created (0008). A row an
 * older memtrace wrote without created_at is left out. Parameters: the org id, the keys (each
 * once).
 */
export const REPOINT_DEDUP_KEYS_SQL =
  'INSERT INTO dedup_keys AS d (org_id, dedup_key, memory_id, time) ' +
  'SELECT $1, k.dedup_key, h.id, h.created_at FROM unnest($2::text[]) AS k(dedup_key) ' +
  'CROSS JOIN LATERAL (SELECT m.id, m.created_at FROM memories AS m ' +
  'WHERE m.org_id = $1 AND m.dedup_key = k.dedup_key AND m.dedup_key IS NOT NULL ' +
  'AND m.created_at IS NOT NULL ORDER BY m.created_at DESC, m.seq DESC LIMIT 1) AS h ' +
  'ON CONFLICT (org_id, dedup_key) DO UPDATE ' +
  'SET memory_id = excluded.memory_id, time = excluded.time WHERE d.time <= excluded.time';
