import { MEMORY_TYPES, type LiveAt } from '../../../domain/index.js';
import { liveCondition } from './postgres-expiry-sql.js';
import { Params, type BuiltSql } from './postgres-sql-params.js';

/**
 * The aggregate behind `MemoryStore.stats`: one walk of (org_id, agent_id, time) for the given
 * agents' current memories with a filtered count per figure. Columns: `memory_count`, `memories_since`,
 * `errors_since`, then one `type_<i>` per `MEMORY_TYPES[i]`.
 */
export function buildMemoryStats(
  orgId: string,
  agentIds: readonly string[],
  sinceMs: number,
  live?: LiveAt,
): BuiltSql {
  const p = new Params();
  const alive = live === undefined ? '' : ` AND ${liveCondition('memories', live, p)}`;
  const since = p.add(sinceMs, '::bigint');
  const typeColumns = MEMORY_TYPES.map(
    (type, i) => `count(*) FILTER (WHERE memory_type = ${p.add(type)}) AS type_${i}`,
  );
  const sql =
    'SELECT count(*) AS memory_count, ' +
    `count(*) FILTER (WHERE time >= ${since}) AS memories_since, ` +
    `count(*) FILTER (WHERE time >= ${since} AND event_type = 'error') AS errors_since, ` +
    `${typeColumns.join(', ')} ` +
    `FROM memories WHERE org_id = ${p.add(orgId)} ` +
    `AND agent_id = ANY(${p.add([...agentIds], '::text[]')}) AND superseded_by IS NULL${alive}`;
  return { sql, params: p.values };
}
