// Drops the search objects of a store made by memtrace's migrations (full-text and trigram
// tables or indexes, the triggers that feed them, tsvector columns), leaving everything else: the
// schema memtrace had before ranked search, for measuring what the search indexes cost a write.
import { pgClient } from './memtrace.mjs';
import { sqliteSearchObjects } from './bare-search.mjs';

/** SQLite: drops the FTS5 tables and their triggers. @returns what it dropped */
export function dropSearchSqlite(db) {
  const { tables, triggers } = sqliteSearchObjects(db);
  for (const t of triggers) db.exec(`DROP TRIGGER "${t}"`);
  for (const t of tables) db.exec(`DROP TABLE "${t}"`);
  return [...triggers.map((t) => `trigger ${t}`), ...tables.map((t) => `table ${t}`)];
}

/**
 * PostgreSQL: drops the GIN indexes of memories over text (pg_trgm, to_tsvector), the triggers
 * of memories whose function builds a tsvector, and the tsvector columns (with their indexes).
 * @returns what it dropped
 */
export async function dropSearchPostgres(schema, { keepColumns = false } = {}) {
  const c = await pgClient();
  const dropped = [];
  try {
    const q = async (sql, params) => (await c.query(sql, params)).rows;
    for (const r of await q(
      `SELECT i.relname AS indexname FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am a ON a.oid = i.relam
       WHERE n.nspname = $1 AND t.relname = 'memories' AND a.amname = 'gin'
         AND (pg_get_indexdef(i.oid) ILIKE '%gin_trgm_ops%'
           OR pg_get_indexdef(i.oid) ILIKE '%tsvector%'
           OR EXISTS (SELECT 1 FROM pg_attribute c WHERE c.attrelid = t.oid
                        AND c.attnum = ANY (x.indkey) AND c.atttypid = 'tsvector'::regtype))`,
      [schema],
    )) {
      await c.query(`DROP INDEX "${schema}"."${r.indexname}"`);
      dropped.push(`index ${r.indexname}`);
    }
    for (const r of await q(
      `SELECT t.tgname FROM pg_trigger t JOIN pg_class k ON k.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = k.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid
       WHERE n.nspname = $1 AND k.relname = 'memories' AND NOT t.tgisinternal
         AND p.prosrc ILIKE '%tsvector%'`,
      [schema],
    )) {
      await c.query(`DROP TRIGGER "${r.tgname}" ON "${schema}".memories`);
      dropped.push(`trigger ${r.tgname}`);
    }
    // memtrace's adapter writes its tsvector column itself: its server keeps the column (and
    // still computes the vector), only the index over it goes.
    if (!keepColumns) {
      for (const r of await q(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'memories' AND udt_name = 'tsvector'",
        [schema],
      )) {
        await c.query(`ALTER TABLE "${schema}".memories DROP COLUMN "${r.column_name}" CASCADE`);
        dropped.push(`column ${r.column_name}`);
      }
    }
  } finally {
    await c.end();
  }
  return dropped;
}
