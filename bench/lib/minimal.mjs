// The bare driver on a MINIMAL memories table: the yardstick of what a store of these rows must
// at least cost, next to memtrace's own schema. One table with a primary key on the id, a unique
// (org, dedup key) and two (org, …, time) indexes (agent and session); tags stay in the row (no
// tag table). With `search`, it also carries the full-text and trigram indexes memtrace has:
//   SQLite: an FTS5 unicode61 table (as migration 0012) and an FTS5 trigram table (as 0011), both
//           external content over the table's rowid, fed by AFTER INSERT/DELETE triggers, with
//           secure-delete on;
//   PostgreSQL: a tsvector column filled at insert with to_tsvector('simple', content) under a
//           GIN index (as 0012), and a pg_trgm GIN index over the content (as 0011).
// So "minimal with search" against "minimal without" is the search indexes' own write cost, and
// memtrace against "minimal with search" is what memtrace's other indexes and its own code cost.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { memoryValues, PG_URL, pgAdmin, resetSchema } from './memtrace.mjs';

const COLUMNS = [
  'id',
  'org_id',
  'agent_id',
  'session_id',
  'memory_type',
  'event_type',
  'content',
  'metadata',
  'tags',
  'importance',
  'dedup_key',
  'parent_id',
  'time',
  'created_at',
];

export const MINIMAL_SQLITE = `
CREATE TABLE memories (
  id          TEXT    PRIMARY KEY,
  org_id      TEXT    NOT NULL,
  agent_id    TEXT    NOT NULL,
  session_id  TEXT,
  memory_type TEXT    NOT NULL,
  event_type  TEXT    NOT NULL,
  content     TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  tags        TEXT    NOT NULL,
  importance  REAL    NOT NULL,
  dedup_key   TEXT,
  parent_id   TEXT,
  time        INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (org_id, dedup_key)
);
CREATE INDEX memories_org_agent_time ON memories (org_id, agent_id, time);
CREATE INDEX memories_org_session_time ON memories (org_id, session_id, time);`;

export const MINIMAL_SQLITE_SEARCH = ['fts', 'trigrams']
  .map((t) => {
    const tokenize =
      t === 'fts'
        ? 'unicode61 remove_diacritics 0'
        : 'trigram case_sensitive 0 remove_diacritics 0';
    return `
CREATE VIRTUAL TABLE memories_${t} USING fts5(content, content = 'memories', tokenize = '${tokenize}');
INSERT INTO memories_${t} (memories_${t}, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER memories_${t}_insert AFTER INSERT ON memories BEGIN
  INSERT INTO memories_${t} (rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER memories_${t}_delete AFTER DELETE ON memories BEGIN
  INSERT INTO memories_${t} (memories_${t}, rowid, content) VALUES ('delete', old.rowid, old.content);
END;`;
  })
  .join('\n');

/** better-sqlite3 on a minimal table (± search indexes), WAL + synchronous FULL as memtrace. */
export async function openMinimalSqlite(file, { search = false } = {}) {
  const Database = (await import('better-sqlite3')).default;
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(MINIMAL_SQLITE);
  if (search) db.exec(MINIMAL_SQLITE_SEARCH);
  const stmt = db.prepare(
    `INSERT INTO memories (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
  );
  const many = db.transaction((ms) => {
    for (const m of ms) {
      stmt.run(...memoryValues(m), m.createdAt);
    }
  });
  return { db, insert: async (ms) => many.immediate(ms), close: async () => db.close() };
}

/** The schema pg_trgm is installed in (memtrace's migration 0011 creates it), or null. */
async function trigramSchema() {
  const { rows } = await pgAdmin(
    "SELECT n.nspname AS s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'",
  );
  return rows[0]?.s ?? null;
}

/** The minimal table's DDL for PostgreSQL (± search indexes). */
export function minimalPostgresSql(schema, { search = false, trgmSchema = 'public' } = {}) {
  const t = `"${schema}".memories`;
  return [
    `CREATE TABLE ${t} (
      id text PRIMARY KEY, org_id text NOT NULL, agent_id text NOT NULL, session_id text,
      memory_type text NOT NULL, event_type text NOT NULL, content text NOT NULL,
      metadata jsonb NOT NULL, tags text[] NOT NULL, importance double precision NOT NULL,
      dedup_key text, parent_id text, time bigint NOT NULL, created_at bigint NOT NULL,
      ${search ? 'search_vector tsvector,' : ''}
      UNIQUE (org_id, dedup_key))`,
    `CREATE INDEX memories_org_agent_time ON ${t} (org_id, agent_id, time DESC)`,
    `CREATE INDEX memories_org_session_time ON ${t} (org_id, session_id, time DESC)`,
    ...(search
      ? [
          `CREATE INDEX memories_search ON ${t} USING gin (search_vector)`,
          `CREATE INDEX memories_content_trgm ON ${t} USING gin (content "${trgmSchema}".gin_trgm_ops)`,
        ]
      : []),
  ];
}

/**
 * pg on a minimal table: one prepared multi-row INSERT per call, autocommit, on a pool of
 * `poolSize` connections (memtrace's default pool is 10).
 */
export async function openMinimalPg(schema, { search = false, poolSize = 10 } = {}) {
  const pg = (await import('pg')).default;
  await resetSchema(schema);
  const trgm = search ? await trigramSchema() : null;
  if (search && !trgm) throw new Error('pg_trgm is not installed (run memtrace migrations once)');
  for (const sql of minimalPostgresSql(schema, { search, trgmSchema: trgm })) await pgAdmin(sql);
  const pool = new pg.Pool({
    connectionString: PG_URL,
    max: poolSize,
    options: `-c search_path=${schema} -c jit=off`,
  });
  pool.on('error', () => undefined);
  const width = COLUMNS.length + (search ? 1 : 0);
  const cols = `${COLUMNS.join(', ')}${search ? ', search_vector' : ''}`;
  const texts = new Map();
  const sqlFor = (n) => {
    const cell = (r, c) => {
      const p = `$${r * width + c + 1}`;
      if (c === COLUMNS.length) return `to_tsvector('simple', ${p})`;
      return c === 7 ? `${p}::jsonb` : p;
    };
    const rows = Array.from(
      { length: n },
      (_, r) => `(${Array.from({ length: width }, (_, c) => cell(r, c)).join(', ')})`,
    );
    return `INSERT INTO memories (${cols}) VALUES ${rows.join(', ')}`;
  };
  return {
    pool,
    insert: async (ms) => {
      if (!texts.has(ms.length)) texts.set(ms.length, sqlFor(ms.length));
      const values = [];
      for (const m of ms) {
        values.push(
          ...memoryValues(m, { tags: m.tags }),
          m.createdAt,
          ...(search ? [m.content] : []),
        );
      }
      await pool.query({
        name: `minimal_insert_${ms.length}`,
        text: texts.get(ms.length),
        values,
      });
    },
    close: () => pool.end(),
  };
}
