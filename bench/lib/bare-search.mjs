// The bare driver's ranked keyword search (q4) on memtrace's own schema: the full-text table or
// column memtrace's migrations create, found in the schema, and hand-written SQL over it. The
// words of a q4 query are plain vocabulary words, so they go to the engine as quoted terms.
//   SQLite: FTS5 MATCH, ordered by bm25() (lower is better), then time and seq, newest first.
//   PostgreSQL: tsvector @@ tsquery ('simple'), ordered by ts_rank_cd, then time and seq.

/** The FTS5 word table of a memtrace SQLite file (not the trigram one), or null. */
export function sqliteWordTable(db) {
  const tables = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'",
    )
    .all();
  const fts = tables.find((t) => /using\s+fts5/i.test(t.sql) && !/trigram/i.test(t.sql));
  if (!fts) return null;
  return { name: fts.name, rowid: /content_rowid\s*=\s*'?(\w+)/i.exec(fts.sql)?.[1] ?? 'seq' };
}

/** Every FTS5 table of a memtrace SQLite file and the triggers that feed them. */
export function sqliteSearchObjects(db) {
  const tables = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'",
    )
    .all()
    .filter((t) => /using\s+fts5/i.test(t.sql));
  const names = tables.map((t) => t.name);
  const triggers = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    .all()
    .filter((t) => names.some((n) => t.sql.includes(n)));
  return { tables: names, triggers: triggers.map((t) => t.name) };
}

/**
 * Prepared q4 statements (`q4`: the page of 50, `q4count`: the exact count; both take
 * `(match, orgId)`), or `{reason}` when the file has no FTS5 word table.
 */
export function bareSearchSqlite(db, cols) {
  const t = sqliteWordTable(db);
  if (!t) return { reason: 'no FTS5 word table in this schema' };
  // CROSS JOIN keeps SQLite from reading memories first: the index yields the matches.
  const from = `${t.name} CROSS JOIN memories AS m ON m.${t.rowid} = ${t.name}.rowid WHERE ${t.name} MATCH ? AND m.org_id = ?`;
  return {
    q4: db.prepare(
      `SELECT ${cols} FROM ${from} ORDER BY bm25(${t.name}), m.time DESC, m.${t.rowid} DESC LIMIT 50`,
    ),
    q4count: db.prepare(`SELECT count(*) AS n FROM ${from}`),
    match: (words) => words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' '),
  };
}

/** The tsvector column of memtrace's memories table in the client's schema, or null. */
export async function pgWordColumn(c) {
  const { rows } = await c.query(
    "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'memories' AND udt_name = 'tsvector'",
  );
  return rows[0]?.name ?? null;
}

/**
 * q4 statement texts (`$1` org, `$2` the tsquery text) and how to build the tsquery, or
 * `{reason}` when the schema has no tsvector column.
 */
export async function bareSearchPostgres(c, cols) {
  const col = await pgWordColumn(c);
  if (!col) return { reason: 'no tsvector column in this schema' };
  const where = `m.org_id = $1 AND m.${col} @@ to_tsquery('simple', $2)`;
  return {
    q4: `SELECT ${cols} FROM memories m WHERE ${where} ORDER BY ts_rank_cd(m.${col}, to_tsquery('simple', $2), 1) DESC, m.time DESC, m.seq DESC LIMIT 50`,
    q4count: `SELECT count(*) AS n FROM memories m WHERE ${where}`,
    tsquery: (words) => words.map((w) => `'${w.replaceAll("'", "''")}'`).join(' & '),
  };
}
