import { MEMORY_TYPES, type LiveAt } from '../../../domain/index.js';
import { liveCondition } from './sqlite-expiry-sql.js';
import { DRIVING_INDEX_NAME, type BuiltSql } from './sqlite-memory-query.js';

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/**
 * The aggregate behind `MemoryStore.stats`: one walk of (org_id, agent_id, time) for the given
 * agents' current memories, counting per type with conditional sums (a GROUP BY would sort all matches).
 * Columns: `memory_count`, `memories_since`, `errors_since`, then one `type_<i>` per
 * `MEMORY_TYPES[i]`.
 */
export function buildMemoryStats(
  orgId: string,
  agentIds: readonly string[],
  sinceMs: number,
  live?: LiveAt,
): BuiltSql {
  const alive = live === undefined ? null : liveCondition('memories', live);
  const typeColumns = MEMORY_TYPES.map((_, i) => `COALESCE(SUM(memory_type = ?), 0) AS type_${i}`);
  const sql =
    'SELECT COUNT(*) AS memory_count, ' +
    'COALESCE(SUM(time >= ?), 0) AS memories_since, ' +
    "COALESCE(SUM(time >= ? AND event_type = 'error'), 0) AS errors_since, " +
    `${typeColumns.join(', ')} ` +
    `FROM memories INDEXED BY ${DRIVING_INDEX_NAME.agent} ` +
    `WHERE org_id = ? AND agent_id IN (${placeholders(agentIds.length)}) ` +
    'AND superseded_by IS NULL' +
    (alive === null ? '' : ` AND ${alive.sql}`);
  return {
    sql,
    params: [sinceMs, sinceMs, ...MEMORY_TYPES, orgId, ...agentIds, ...(alive?.params ?? [])],
  };
}
