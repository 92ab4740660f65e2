import { MEMORY_TYPES, type MemoryStats, type MemoryType } from '../../../domain/index.js';
import { latest, seqCondition, withEndMarker, type SeqRange } from './arc-memory-query.js';
import { sqlInList, sqlNumber, sqlString } from './arc-sql.js';

// The statements behind `MemoryStore.stats` on Arc: current memories only.

const ALL: SeqRange = { kind: 'all' };

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
    'WHERE "superseded_by" IS NULL'
  );
}

/** The rows stats need, one per id, of the agents' memories (from one `seq` on). */
export function buildStatsRows(
  measurement: string,
  orgId: string,
  agentIds: readonly string[],
  range: SeqRange,
): string {
  const conditions = [
    `"org_id" = ${sqlString(orgId)}`,
    agentCondition(agentIds),
    ...seqCondition(range),
  ];
  return withEndMarker(
    `SELECT "id", "time_ms", "event_type", "memory_type" ` +
      `FROM ${latest(measurement, conditions)} WHERE "superseded_by" IS NULL ORDER BY "id"`,
  );
}

/** What stats need of a memory written since the oldest pending write. */
export interface StatsRow {
  readonly time: number;
  readonly eventType: string;
  readonly memoryType: string;
}

/** `stats` (of the rows before the oldest pending write) with the newer `rows` added. */
export function addRecent(
  stats: MemoryStats,
  rows: Iterable<StatsRow>,
  sinceMs: number,
): MemoryStats {
  const types: Partial<Record<MemoryType, number>> = { ...stats.memoryTypes };
  let count = 0;
  let recentCount = 0;
  let recentErrors = 0;
  for (const r of rows) {
    count++;
    const type = r.memoryType as MemoryType;
    types[type] = (types[type] ?? 0) + 1;
    if (r.time >= sinceMs) {
      recentCount++;
      if (r.eventType === 'error') recentErrors++;
    }
  }
  return {
    memoryCount: stats.memoryCount + count,
    memoriesSince: stats.memoriesSince + recentCount,
    errorsSince: stats.errorsSince + recentErrors,
    memoryTypes: types,
  };
}
