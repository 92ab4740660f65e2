import type { LiveAt } from '../../../domain/index.js';
import type { BuiltSql, Params } from './postgres-sql-params.js';

/**
 * The condition that a memory (alias `a`: its row, or its memory_tags row, which repeats
 * expires_at, pinned and time since 0014) is live at `live.at` (see `isLive`): its own expiry
 * is later, or it has none and is pinned, or no retention applies, or it is younger than that.
 */
export function liveCondition(a: string, live: LiveAt, p: Params): string {
  const at = p.add(live.at, '::bigint');
  if (live.retentionMs === null) return `(${a}.expires_at IS NULL OR ${a}.expires_at > ${at})`;
  const from = p.add(live.at - live.retentionMs, '::bigint');
  return (
    `(${a}.expires_at > ${at} OR ` +
    `(${a}.expires_at IS NULL AND (${a}.pinned OR ${a}.time > ${from})))`
  );
}

/**
 * The `seq` of at most `limit` memories of the org ($1) not live at `nowMs`, for
 * `buildDeleteMemories`: those past their own expiry on idx_memories_org_expires (0009), those
 * past the retention on idx_memories_org_time. `FOR UPDATE SKIP LOCKED`: a purge running in
 * another server at the same time takes other rows instead of waiting for these, so concurrent
 * purges share the work and delete each memory once.
 */
export function buildExpiredSeqs(
  orgId: string,
  nowMs: number,
  retentionMs: number | null,
  limit: number,
): BuiltSql {
  const params: unknown[] = [orgId, nowMs, limit];
  const expired =
    retentionMs === null
      ? '(expires_at <= $2::bigint)'
      : '(expires_at <= $2::bigint OR ' +
        '(expires_at IS NULL AND NOT pinned AND time <= $4::bigint))';
  if (retentionMs !== null) params.push(nowMs - retentionMs);
  return {
    sql:
      `SELECT seq FROM memories WHERE org_id = $1 AND ${expired} ` +
      'LIMIT $3::int FOR UPDATE SKIP LOCKED',
    params,
  };
}
