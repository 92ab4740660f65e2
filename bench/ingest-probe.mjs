// The bare driver's ingest into a loaded SQLite read store: 20 timed batches of 1,000 (after 2
// untimed) into a fresh org, one transaction each, WAL + synchronous=FULL as memtrace runs, with
// SQLite's default page cache or `cache_size` KiB. No HTTP and no memtrace code on the write
// path (its row mapping only): how fast the store itself takes rows at its size. Writes into the
// store given (a fresh org each time).
//   node --import tsx bench/ingest-probe.mjs bench/data/read-5000000-ctx10000.db [cacheKiB]
/* global console, process */
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { dataset, toMemory } from './lib/dataset.mjs';

const { MEMORY_COLUMNS, memoryToParams } =
  await import('../adapters/storage/sqlite/row-mappers.ts');

const [file, cacheKiB] = process.argv.slice(2);
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
if (cacheKiB) db.pragma(`cache_size = -${Number(cacheKiB)}`);
const cols = MEMORY_COLUMNS.split(', ');
const insert = db.prepare(
  `INSERT INTO memories (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
);
const insertTag = db.prepare(
  'INSERT INTO memory_tags (org_id, tag, time, seq, importance, superseded, expires_at, pinned) VALUES (?, ?, ?, ?, ?, 0, NULL, 0)',
);
const stamp = Date.now().toString(36);
const org = `org_ingest_probe_${stamp}`;
const many = db.transaction((batch) => {
  for (const m of batch) {
    const { lastInsertRowid } = insert.run(...memoryToParams(m));
    for (const t of m.tags) insertTag.run(m.orgId, t, m.time, lastInsertRowid, m.importance);
  }
});
const items = [...dataset(22_000)].map((m) =>
  toMemory(m, { orgId: org, id: `mem_probe_${stamp}_${m.index}` }),
);
many(items.slice(0, 2000));
const t0 = performance.now();
for (let i = 2000; i < items.length; i += 1000) many(items.slice(i, i + 1000));
const seconds = (performance.now() - t0) / 1000;
db.close();
console.log(
  JSON.stringify({
    store: file,
    cacheKiB: cacheKiB ? Number(cacheKiB) : 'default (2,000)',
    rowsPerSecond: Math.round(20_000 / seconds),
  }),
);
