import type pg from 'pg';
import type { LineTokens } from '../../../domain/index.js';
import { withPg } from './pg-errors.js';
import { tableExists, withMigrationLock } from './postgres-migrator.js';

/** Memories one transaction of the recount counts. */
const BATCH_ROWS = 1000;

/**
 * Counts the line tokens of every memory once after migration 0017 marked them for it (see that
 * migration), with `lineTokens`, holding the migration lock so servers starting together do it
 * once: in `seq` order, a batch per transaction that also records the seq it reached, so an
 * interrupted recount resumes there; a count that is already right is not written again. Does
 * nothing once the mark is gone.
 * @returns how many memories were counted now
 */
export async function recountLineTokens(pool: pg.Pool, lineTokens: LineTokens): Promise<number> {
  return withMigrationLock(pool, (client) => recountLocked(client, lineTokens));
}

/**
 * Whether memories are still marked for the recount (0017's mark is there): read on any pool,
 * so a start with nothing left to count opens no connection of its own for it.
 */
export async function recountPending(pool: pg.Pool): Promise<boolean> {
  return withPg(async () => {
    if (!(await tableExists(pool, 'line_tokens_recount'))) return false;
    const marks = await pool.query('SELECT 1 FROM line_tokens_recount LIMIT 1');
    return marks.rows.length > 0;
  });
}

async function recountLocked(client: pg.PoolClient, lineTokens: LineTokens): Promise<number> {
  if (!(await tableExists(client, 'line_tokens_recount'))) return 0;
  let counted = 0;
  for (;;) {
    await client.query('BEGIN');
    try {
      const { rows: marks } = await client.query<{ after: string }>(
        'SELECT after_seq::text AS after FROM line_tokens_recount',
      );
      const mark = marks[0];
      if (mark === undefined) {
        await client.query('COMMIT');
        return counted;
      }
      const { rows } = await client.query<{ seq: string; content: Buffer }>(
        // memories.seq, not the text column of the same name: '1899' sorts before '2' as text
        `SELECT seq::text AS seq, content FROM memories WHERE seq > $1::bigint ` +
          `ORDER BY memories.seq LIMIT ${BATCH_ROWS}`,
        [mark.after],
      );
      if (rows.length === 0) {
        await client.query('DELETE FROM line_tokens_recount');
        await client.query('COMMIT');
        return counted;
      }
      await client.query(
        'UPDATE memories AS m SET line_tokens = u.n FROM unnest($1::bigint[], $2::int[]) AS u(seq, n) ' +
          'WHERE m.seq = u.seq AND m.line_tokens <> u.n',
        [rows.map((r) => r.seq), rows.map((r) => lineTokens(r.content.toString('utf8')))],
      );
      const last = (rows[rows.length - 1] as { seq: string }).seq;
      await client.query('UPDATE line_tokens_recount SET after_seq = $1::bigint', [last]);
      await client.query('COMMIT');
      counted += rows.length;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }
}
