import type { MemoryStats, MemoryType } from '../../../domain/index.js';

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
