import type { KeysetPosition, Order } from '../../../domain/index.js';
import { sqlNumber } from './arc-sql.js';

/** Rows strictly past `after` in `order` by (time, seq); none when there is no position. */
export function pastCondition(after: KeysetPosition | undefined, order: Order): string[] {
  if (after === undefined) return [];
  const op = order === 'asc' ? '>' : '<';
  const time = sqlNumber(after.time);
  return [
    `("time_ms" ${op} ${time} OR ("time_ms" = ${time} AND "seq" ${op} ${sqlNumber(BigInt(after.seq))}))`,
  ];
}
