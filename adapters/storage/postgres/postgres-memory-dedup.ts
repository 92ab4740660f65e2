import type pg from 'pg';
import type { DedupPolicy, Memory } from '../../../domain/index.js';
import {
  CLAIM_DEDUP_KEYS_SQL,
  HELD_DEDUP_KEYS_SQL,
  RECORD_DEDUP_KEYS_SQL,
} from './postgres-memory-write-sql.js';

/*
 * How PostgreSQL writes of memories are cut into statements, and how their dedup keys are
 * claimed (`dedup_keys` holds the newest memory per (org, key), so dedup is a unique
 * constraint, not a read-then-write). Each function runs inside the caller's transaction.
 */

const keyOf = (orgId: string, dedupKey: string): string => `${orgId}\u0000${dedupKey}`;

/**
 * The most rows (a memory counts one, and one per tag) one insert statement writes, and the
 * most keys one dedup statement claims. A large batch is several statements in one transaction,
 * so each stays far inside the statement timeout whatever the batch's size.
 */
export const ROWS_PER_STATEMENT = 4000;

/** `items` cut, in order, into runs of at most {@link ROWS_PER_STATEMENT} rows by `rows`. */
export function chunkByRows<T>(items: readonly T[], rows: (item: T) => number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let weight = 0;
  for (const item of items) {
    const w = rows(item);
    if (current.length > 0 && weight + w > ROWS_PER_STATEMENT) {
      chunks.push(current);
      current = [];
      weight = 0;
    }
    current.push(item);
    weight += w;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Indexes of keyed memories split into rounds: round k holds the k-th occurrence of each
 * (org, key), so no statement touches one dedup row twice; each round is sorted by key, so
 * concurrent batches lock keys in one order and cannot deadlock each other.
 */
function dedupRounds(memories: readonly Memory[]): number[][] {
  const seen = new Map<string, number>();
  const rounds: number[][] = [];
  memories.forEach((m, i) => {
    if (m.dedupKey === null) return;
    const key = keyOf(m.orgId, m.dedupKey);
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    (rounds[k] ??= []).push(i);
  });
  const sortKey = (i: number) => {
    const m = memories[i] as Memory;
    return keyOf(m.orgId, m.dedupKey as string);
  };
  return rounds.map((r) => r.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1)));
}

/**
 * Claims the keys of `memories` round by round (see {@link dedupRounds}) for a dedup policy.
 * @returns input index -> the id of the memory it duplicates
 */
export async function claimDedupKeys(
  client: pg.PoolClient,
  memories: readonly Memory[],
  dedup: DedupPolicy,
): Promise<Map<number, string>> {
  const duplicateOf = new Map<number, string>();
  // A round is sorted by key, so its chunks still lock keys in one order.
  for (const round of dedupRounds(memories).flatMap((r) => chunkByRows(r, () => 1))) {
    const items = round.map((i) => memories[i] as Memory);
    const orgs = items.map((m) => m.orgId);
    const keys = items.map((m) => m.dedupKey as string);
    const claimed = await client.query<{ org_id: string; dedup_key: string }>(
      CLAIM_DEDUP_KEYS_SQL,
      [orgs, keys, items.map((m) => m.id), items.map((m) => m.createdAt), dedup.windowMs],
    );
    if (claimed.rowCount === round.length) continue;
    const won = new Set(claimed.rows.map((r) => keyOf(r.org_id, r.dedup_key)));
    const lost = round.filter((i) => {
      const m = memories[i] as Memory;
      return !won.has(keyOf(m.orgId, m.dedupKey as string));
    });
    const lostItems = lost.map((i) => memories[i] as Memory);
    const held = await client.query<{ org_id: string; dedup_key: string; memory_id: string }>(
      HELD_DEDUP_KEYS_SQL,
      [lostItems.map((m) => m.orgId), lostItems.map((m) => m.dedupKey as string)],
    );
    const holder = new Map(held.rows.map((r) => [keyOf(r.org_id, r.dedup_key), r.memory_id]));
    for (const i of lost) {
      const m = memories[i] as Memory;
      duplicateOf.set(i, holder.get(keyOf(m.orgId, m.dedupKey as string)) as string);
    }
  }
  return duplicateOf;
}

/**
 * Records the keys of memories stored unchecked: the one recorded last per (org, key), later
 * in the call wins ties.
 */
export async function recordDedupKeys(
  client: pg.PoolClient,
  memories: readonly Memory[],
): Promise<void> {
  const newest = new Map<string, Memory>();
  for (const m of memories) {
    if (m.dedupKey === null) continue;
    const key = keyOf(m.orgId, m.dedupKey);
    const held = newest.get(key);
    if (held === undefined || held.createdAt <= m.createdAt) newest.set(key, m);
  }
  if (newest.size === 0) return;
  const sorted = [...newest.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, m]) => m);
  for (const items of chunkByRows(sorted, () => 1)) {
    await client.query(RECORD_DEDUP_KEYS_SQL, [
      items.map((m) => m.orgId),
      items.map((m) => m.dedupKey),
      items.map((m) => m.id),
      items.map((m) => m.createdAt),
    ]);
  }
}
