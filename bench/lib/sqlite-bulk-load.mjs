// Loads a SQLite read store the way a bulk import would: memtrace's migrations first (through its
// own adapter, so the server finds the schema it wrote), then the rows with the memories table's
// secondary indexes and full-text triggers dropped, then the indexes built again and both FTS5
// tables rebuilt from the rows, then the triggers back. Row by row through MemoryStore.insert the
// FTS5 tables' merges make a 5M load slow down to a few hundred rows/s; built this way the store
// holds the same rows, tags, indexes and full-text entries. Runs under tsx (imports the adapter's
// row mappers, so the rows are what MemoryStore.insert writes).
/* global console */
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';

const { MEMORY_COLUMNS, memoryToParams } =
  await import('../../adapters/storage/sqlite/row-mappers.ts');
const { LINE_TOKENIZER, lineTokensOf } = await import('../../domain/index.ts');
const { GptTokenCounter } = await import('../../adapters/tokenizer/gpt-token-counter.ts');
// Each memory's line tokens (0015), counted as the server counts them when it writes one.
const lineTokens = lineTokensOf(new GptTokenCounter(LINE_TOKENIZER));

/**
 * Fills `file` (already migrated, holding no memories) with `items`, memory objects as
 * MemoryStore.insert takes them. Returns the seconds each step took.
 */
export function bulkLoadSqlite(file, items, { log = console.error } = {}) {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1000000');
    const objects = db
      .prepare(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'memories' AND type IN ('index', 'trigger') AND sql IS NOT NULL",
      )
      .all();
    for (const o of objects) db.exec(`DROP ${o.type.toUpperCase()} ${o.name}`);
    const cols = [...MEMORY_COLUMNS.split(', '), 'line_tokens'];
    const insert = db.prepare(
      `INSERT INTO memories (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
    );
    // As SqliteMemoryCorrections.writeTags writes them (0013's expiry and pin included).
    const insertTag = db.prepare(
      'INSERT INTO memory_tags (org_id, tag, time, seq, importance, superseded, expires_at, pinned) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const many = db.transaction((batch) => {
      for (const m of batch) {
        const { lastInsertRowid } = insert.run(...memoryToParams(m), lineTokens(m.content));
        const superseded = m.supersededBy === null ? 0 : 1;
        for (const t of m.tags) {
          insertTag.run(
            m.orgId,
            t,
            m.time,
            lastInsertRowid,
            m.importance,
            superseded,
            m.expiresAt,
            m.pinned ? 1 : 0,
          );
        }
      }
    });
    const t0 = performance.now();
    let batch = [];
    let done = 0;
    for (const m of items) {
      batch.push(m);
      if (batch.length === 10_000) {
        many(batch);
        done += batch.length;
        batch = [];
        if (done % 1_000_000 === 0) log(`bulk: ${done} rows in ${seconds(t0)} s`);
      }
    }
    if (batch.length) many(batch);
    const rowsSeconds = seconds(t0);
    const t1 = performance.now();
    for (const o of objects.filter((x) => x.type === 'index')) db.exec(o.sql);
    const indexSeconds = seconds(t1);
    log(`bulk: indexes built in ${indexSeconds} s`);
    const t2 = performance.now();
    db.exec("INSERT INTO memory_trigrams (memory_trigrams) VALUES ('rebuild')");
    db.exec("INSERT INTO memories_fts (memories_fts) VALUES ('rebuild')");
    const ftsSeconds = seconds(t2);
    log(`bulk: full-text tables rebuilt in ${ftsSeconds} s`);
    for (const o of objects.filter((x) => x.type === 'trigger')) db.exec(o.sql);
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { rowsSeconds, indexSeconds, ftsSeconds };
  } finally {
    db.close();
  }
}

const seconds = (t) => Math.round((performance.now() - t) / 100) / 10;
