import { MEMORY_TYPES, type LiveAt } from '../../../domain/index.js';
import { liveCondition } from './arc-expiry-sql.js';
import { SUPERSEDED_BY } from './arc-new-columns.js';
import { latest, seqCondition, withEndMarker, type SeqRange } from './arc-memory-query.js';
import { sqlInList, sqlNumber, sqlString } from './arc-sql.js';

// The statements behind `MemoryStore.stats` on Arc: current memories only.

const ALL: SeqRange = { kind: 'all' };

/** The latest revision is current (not retired by a correction) and, when asked, live. */
const current = (live?: LiveAt) =>
  `${SUPERSEDED_BY} IS NULL` + (live === undefined ? '' : ` AND ${liveCondition(live)}`);

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
    `count(*)${condition === undefined ? '' : ` FILTER (WHERE ${condition})`}`;
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
  ];
  // Current memories only (the latest revision of each id not retired by a correction).
  return (
    `SELECT ${columns.join(', ')} FROM ${latest(measurement, conditions)} ` +
    `WHERE ${current(live)}`
  );
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
  ];
  return withEndMarker(
    `SELECT "id", "time_ms", "event_type", "memory_type" ` +
      `FROM ${latest(measurement, conditions)} WHERE ${current(live)} ORDER BY "id"`,
  );
}
