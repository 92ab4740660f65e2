import type { LiveAt } from '../../../domain/index.js';
import { sqlNumber } from './arc-sql.js';
import { EXPIRES_AT, PINNED } from './arc-new-columns.js';

/** The condition that a row is live at `live.at` (see `isLive`). */
export function liveCondition(live: LiveAt): string {
  const own = `(${EXPIRES_AT} = 0 OR ${EXPIRES_AT} > ${sqlNumber(live.at)})`;
  if (live.retentionMs === null) return own;
  return (
    `(${EXPIRES_AT} > ${sqlNumber(live.at)} OR (${EXPIRES_AT} = 0 AND ` +
    `(${PINNED} = 1 OR "time_ms" > ${sqlNumber(live.at - live.retentionMs)})))`
  );
}

/** The condition that a row is not live at `nowMs` (past its own expiry, or the retention). */
export function expiredCondition(nowMs: number, retentionMs: number | null): string {
  const own = `(${EXPIRES_AT} > 0 AND ${EXPIRES_AT} <= ${sqlNumber(nowMs)})`;
  if (retentionMs === null) return own;
  return (
    `(${own} OR (${EXPIRES_AT} = 0 AND ${PINNED} = 0 AND ` +
    `"time_ms" <= ${sqlNumber(nowMs - retentionMs)}))`
  );
}
