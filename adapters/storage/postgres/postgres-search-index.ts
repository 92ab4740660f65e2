import type pg from 'pg';
import { hasPgState, withPg } from './pg-errors.js';
import { tableExists, withMigrationLock } from './postgres-migrator.js';
import { searchVectorSource, vectorFrom, type TextSearch } from './postgres-search-sql.js';

/** The text-search configuration memtrace uses unless told otherwise: every language works. */
export const DEFAULT_TEXT_SEARCH_CONFIG = 'simple';

/** Rows whose vector one statement computes while building the index. */
const BATCH_ROWS = 1000;

/**
 * The configuration named `name`, checked against the database: it must be an existing
 * text-search configuration (a regconfig); `simple` indexes the domain's words exactly.
 * @throws Error naming the setting when the database has no such configuration
 */
export async function resolveTextSearch(pool: pg.Pool, name: string): Promise<TextSearch> {
  try {
    const { rows } = await withPg(() =>
      pool.query<{ config: string; exact: boolean }>(
        "SELECT $1::regconfig::text AS config, $1::regconfig = 'pg_catalog.simple'::regconfig AS exact",
        [name],
      ),
    );
    const row = rows[0] as { config: string; exact: boolean };
    return { config: row.config, exact: row.exact };
  } catch (e) {
    // 42704: no such configuration; 42602: not a name at all.
    if (hasPgState(e, '42704') || hasPgState(e, '42602')) {
      throw new Error(
        `MEMTRACE_STORAGE_POSTGRES_TEXT_SEARCH_CONFIG: the database has no text search ` +
          `configuration '${name}' (psql's \\dF lists them; 'simple' works for every language)`,
        { cause: e },
      );
    }
    throw e;
  }
}

/**
 * Makes every memory searchable under `ts`, holding the migration lock so servers starting
 * together do it once. The configuration the vectors were built with is recorded in
 * `search_index` (0012):
 * - none yet (the first start after migration 0012): the rows stored before it, which have no
 *   vector, get theirs, computed here from the domain's words in batches of {@link BATCH_ROWS}
 *   (each committed on its own, so an interrupted build resumes where it stopped);
 * - another configuration: with `mayReindex` (the server migrates at start, or `memtrace
 *   migrate`) every vector is recomputed the same way; without, the start fails, since queries
 *   normalised one way would miss words indexed another way;
 * - the same: nothing to do. A schema without migration 0012 is left alone.
 * @throws Error when the configuration differs and `mayReindex` is false
 */
export async function buildSearchIndex(
  pool: pg.Pool,
  ts: TextSearch,
  mayReindex: boolean,
): Promise<void> {
  await withMigrationLock(pool, (client) => buildLocked(client, ts, mayReindex));
}

async function buildLocked(client: pg.PoolClient, ts: TextSearch, mayReindex: boolean) {
  if (!(await tableExists(client, 'search_index'))) return;
  const { rows } = await client.query<{ text_search_config: string | null }>(
    'SELECT text_search_config FROM search_index',
  );
  const recorded = rows[0]?.text_search_config ?? null;
  if (recorded === ts.config) return;
  if (recorded !== null && !mayReindex) {
    throw new Error(
      `the search index was built with text search configuration '${recorded}' but ` +
        `MEMTRACE_STORAGE_POSTGRES_TEXT_SEARCH_CONFIG is '${ts.config}': set it back, or ` +
        `re-index with 'memtrace migrate' (or start with MEMTRACE_STORAGE_POSTGRES_MIGRATE=true) ` +
        'after stopping every server',
    );
  }
  await computeVectors(client, ts, recorded !== null);
  await client.query(
    'INSERT INTO search_index (only_row, text_search_config) VALUES (true, $1) ' +
      'ON CONFLICT (only_row) DO UPDATE SET text_search_config = excluded.text_search_config',
    [ts.config],
  );
}

/** Computes the vectors of the rows without one (`all`: of every row), in `seq` order. */
async function computeVectors(client: pg.PoolClient, ts: TextSearch, all: boolean) {
  const pending = all ? '' : ' AND search_vector IS NULL';
  const update =
    `UPDATE memories AS m SET search_vector = ${vectorFrom('u.src', ts, '$3')} ` +
    'FROM unnest($1::bigint[], $2::text[]) AS u(seq, src) WHERE m.seq = u.seq';
  let after = '0';
  for (;;) {
    const { rows } = await client.query<{ seq: string; content: Buffer }>(
      `SELECT seq::text AS seq, content FROM memories WHERE seq > $1::bigint${pending} ` +
        // memories.seq, not the text column of the same name: '1899' sorts before '2' as text
        `ORDER BY memories.seq LIMIT ${BATCH_ROWS}`,
      [after],
    );
    if (rows.length === 0) return;
    const sources = rows.map((r) => searchVectorSource(r.content.toString('utf8'), ts));
    await client.query(update, [rows.map((r) => r.seq), sources, ...(ts.exact ? [] : [ts.config])]);
    after = (rows[rows.length - 1] as { seq: string }).seq;
  }
}
