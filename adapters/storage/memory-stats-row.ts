import { MEMORY_TYPES, type MemoryStats, type MemoryType } from '../../domain/index.js';

/**
 * Decodes the row every driver's stats query returns: `memory_count`, `memories_since`,
 * `errors_since` and `type_<i>` for the i-th of MEMORY_TYPES. `toCount` turns one column's value
 * into a number the way the driver's client sends it; types counted 0 are left out.
 */
export function memoryStatsFromRow(
  row: Readonly<Record<string, unknown>>,
  toCount: (value: unknown) => number,
): MemoryStats {
  const memoryTypes: Partial<Record<MemoryType, number>> = {};
  MEMORY_TYPES.forEach((type, i) => {
    const n = toCount(row[`type_${i}`]);
    if (n > 0) memoryTypes[type] = n;
  });
  return {
    memoryCount: toCount(row['memory_count']),
    memoriesSince: toCount(row['memories_since']),
    errorsSince: toCount(row['errors_since']),
    memoryTypes,
  };
}
