import type { LiveAt } from '../../../domain/index.js';

/** SQL text and its positional parameters (as `BuiltSql` of sqlite-memory-query). */
interface ExpirySql {
  readonly sql: string;
  readonly params: readonly number[] | readonly (string | number)[];
}

/**
 * The condition that a memory (alias `a`: its row, or its memory_tags row, which repeats
 * expires_at, pinned and time since 0013) is live at `live.at` (see `isLive`): its own expiry
 * is later, or it has none and is pinned, or no retention applies, or it is younger than that.
 */
export function liveCondition(a: string, live: LiveAt): ExpirySql {
  if (live.retentionMs === null) {
    return { sql: `(${a}.expires_at IS NULL OR ${a}.expires_at > ?)`, params: [live.at] };
  }
  return {
    sql:
      `(${a}.expires_at > ? OR ` +
      `(${a}.expires_at IS NULL AND (${a}.pinned = 1 OR ${a}.time > ?)))`,
    params: [live.at, live.at - live.retentionMs],
  };
}

/**
 * The rows `MemoryStore.purgeExpired` deletes (as {@link buildDeletionTargets} selects them):
 * at most `limit` memories of the org that are not live at `nowMs`, those past their own expiry
 * found on idx_memories_org_expires, those past the retention on idx_memories_org_time.
 */
export function buildExpiredTargets(
  orgId: string,
  nowMs: number,
  retentionMs: number | null,
  limit: number,
): ExpirySql {
  const own =
    'SELECT seq, time, tags FROM memories INDEXED BY idx_memories_org_expires ' +
    'WHERE org_id = ? AND expires_at IS NOT NULL AND expires_at <= ?';
  if (retentionMs === null) return { sql: `${own} LIMIT ?`, params: [orgId, nowMs, limit] };
  const retained =
    'SELECT seq, time, tags FROM memories INDEXED BY idx_memories_org_time ' +
    'WHERE org_id = ? AND time <= ? AND expires_at IS NULL AND pinned = 0';
  return {
    sql: `SELECT seq, time, tags FROM (${own} UNION ALL ${retained}) LIMIT ?`,
    params: [orgId, nowMs, orgId, nowMs - retentionMs, limit],
  };
}
