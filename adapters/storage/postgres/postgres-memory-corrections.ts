import type pg from 'pg';
import {
  alreadySuperseded,
  applyMemoryPatch,
  supersededNotFound,
  type Memory,
  type MemoryPatch,
} from '../../../domain/index.js';
import { RETIRE_MEMORIES_SQL } from './postgres-memory-write-sql.js';
import { MEMORY_COLUMNS, rowToMemory, toJsonb, type MemoryRow } from './row-mappers.js';

/**
 * Retires the memories that `created` (just inserted, in the caller's transaction) supersede.
 * A target must be stored before the call or come earlier in it: one naming itself or a later
 * memory of the call is refused as unknown, so no cycle can form.
 * @throws DomainError `not_found` for a target the org does not have; `conflict` for one
 *   already retired by another memory, or named twice (the transaction then rolls back)
 */
export async function retireSuperseded(
  client: pg.PoolClient,
  created: readonly Memory[],
): Promise<void> {
  const retiring = created.filter((m) => m.supersedes !== null);
  if (retiring.length === 0) return;
  const position = new Map(created.map((m, i) => [m.id, i]));
  const byTarget = new Map<string, Memory>();
  for (const m of retiring) {
    const target = m.supersedes as string;
    const key = `${m.orgId}\u0000${target}`;
    const first = byTarget.get(key);
    if (first) throw alreadySuperseded(target, first.id);
    if ((position.get(target) ?? -1) >= (position.get(m.id) as number)) {
      throw supersededNotFound(target);
    }
    byTarget.set(key, m);
  }
  const { rows } = await client.query<{
    id: string;
    found: boolean;
    held_by: string | null;
    ok: boolean;
  }>(RETIRE_MEMORIES_SQL, [
    retiring.map((m) => m.orgId),
    retiring.map((m) => m.supersedes),
    retiring.map((m) => m.id),
  ]);
  for (const row of rows) {
    if (!row.found) throw supersededNotFound(row.id);
    if (!row.ok) throw alreadySuperseded(row.id, row.held_by);
  }
}

/** Locks, patches and writes back the org's memory with its tag rows; null when there is none. */
export async function patchMemory(
  client: pg.PoolClient,
  orgId: string,
  id: string,
  patch: MemoryPatch,
): Promise<Memory | null> {
  const { rows } = await client.query<MemoryRow & { seq: string }>(
    `SELECT seq, ${MEMORY_COLUMNS} FROM memories WHERE id = $1 AND org_id = $2 FOR UPDATE`,
    [id, orgId],
  );
  const row = rows[0];
  if (!row) return null;
  const current = rowToMemory(row);
  const next = applyMemoryPatch(current, patch);
  await client.query(
    'UPDATE memories SET importance = $1, tags = $2::text[], metadata = $3::json, ' +
      'expires_at = $4, pinned = $5 WHERE seq = $6',
    [next.importance, [...next.tags], toJsonb(next.metadata), next.expiresAt, next.pinned, row.seq],
  );
  // Tag rows repeat importance, the retired flag, the expiry and the pin (0014): rewritten
  // whole, each by its primary key.
  await client.query(
    'DELETE FROM memory_tags WHERE org_id = $1 AND tag = ANY($2::text[]) AND time = $3 AND seq = $4',
    [orgId, [...current.tags], current.time, row.seq],
  );
  await client.query(
    'INSERT INTO memory_tags (org_id, tag, time, seq, importance, superseded, expires_at, pinned) ' +
      'SELECT $1, tag, $3, $4, $5, $6, $7, $8 FROM unnest($2::text[]) AS tag',
    [
      orgId,
      [...next.tags],
      next.time,
      row.seq,
      next.importance,
      next.supersededBy !== null,
      next.expiresAt,
      next.pinned,
    ],
  );
  return next;
}
