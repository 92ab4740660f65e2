import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../adapters/storage/sqlite/sqlite-database.js';
import { SqliteMemoryStore } from '../../adapters/storage/sqlite/sqlite-memory-store.js';
import { migrateSqliteDatabase } from '../../adapters/storage/sqlite/sqlite-migrator.js';
import { aMemory } from '../support/builders.js';
import { removeSqliteFiles, tempSqlitePath } from '../support/sqlite-harness.js';

const ORG = 'org_a';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** Which of `needles` occur in the bytes of the database file or its WAL. */
function foundOnDisk(file: string, needles: readonly string[]): string[] {
  const files = [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
  return needles.filter((n) => files.some((bytes) => bytes.includes(Buffer.from(n, 'utf8'))));
}

/** Moves the WAL into the database file and truncates it, from a second connection. */
function checkpoint(file: string): void {
  const other = new Database(file);
  try {
    const [result] = other.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    expect(result?.busy).toBe(0);
  } finally {
    other.close();
  }
}

/**
 * Stores memories holding unique strings (in the content, a long content on overflow pages, the
 * metadata, a tag and the dedup key) among others, deletes them through the store and (unless
 * `checkpointAfter` is false) checkpoints. @returns the unique strings still in the files
 */
async function leftoversOfDelete(
  secureDelete: 'default' | 'off',
  { checkpointAfter = true }: { checkpointAfter?: boolean } = {},
): Promise<string[]> {
  const file = tempSqlitePath('memtrace-secure-delete');
  cleanups.push(() => removeSqliteFiles(file));
  const db = openSqliteDatabase({ path: file });
  cleanups.push(() => db.close());
  migrateSqliteDatabase(db);
  db.exec(
    "CREATE VIRTUAL TABLE temp.memories_fts_vocab USING fts5vocab(main, memories_fts, 'row')",
  );
  if (secureDelete === 'off') db.pragma('secure_delete = OFF');
  const store = new SqliteMemoryStore(db);
  const secret = (what: string) => `forget-${what}-${randomBytes(8).toString('hex')}`;
  const [content, long, meta, tag, key] = ['content', 'long', 'meta', 'tag', 'key'].map(secret);
  // One word for the full-text index (migration 0012), sorting after every other word, so the
  // index stores it whole (it shares no prefix with the word before it).
  const word = `zzword${randomBytes(8).toString('hex')}`;
  const doomed = [
    aMemory({ content: `the user said ${content as string} ${word}` }),
    aMemory({ content: `${'x'.repeat(20_000)} ${long as string} ${'y'.repeat(20_000)}` }),
    aMemory({ metadata: { note: meta }, tags: ['kept', tag as string], dedupKey: key as string }),
  ];
  const kept = Array.from({ length: 20 }, () => aMemory({ tags: ['kept'] }));
  await store.insert([...kept.slice(0, 10), ...doomed, ...kept.slice(10)], null);
  const secrets = [content, long, meta, tag, key, word] as string[];
  checkpoint(file);
  // The scan sees what was written, so an absence below means overwritten.
  expect(foundOnDisk(file, secrets)).toEqual(secrets);

  // Written again after the checkpoint: the WAL holds them too.
  await store.insert(
    doomed.map((m) => ({ ...m, id: `${m.id}_again`, dedupKey: null })),
    null,
  );
  expect(await store.delete(ORG, { ids: doomed.flatMap((m) => [m.id, `${m.id}_again`]) })).toBe(6);
  if (checkpointAfter) checkpoint(file);
  // The word is gone from the index itself, not only hidden behind a delete marker.
  const terms = db.prepare('SELECT count(*) AS n FROM memories_fts_vocab WHERE term = ?');
  expect(terms.get(word)).toEqual({ n: 0 });

  expect(await store.count(ORG, {})).toBe(kept.length);
  return foundOnDisk(file, secrets);
}

describe('SQLite deletes overwrite what they delete (secure_delete)', () => {
  it('runs every connection it opens with secure_delete on', () => {
    const file = tempSqlitePath('memtrace-secure-delete');
    cleanups.push(() => removeSqliteFiles(file));
    const db = openSqliteDatabase({ path: file });
    const memory = openSqliteDatabase({ path: ':memory:' });
    const values = [db, memory].map((d) => d.pragma('secure_delete', { simple: true }));
    db.close();
    memory.close();
    expect(values).toEqual([1, 1]);
  });

  it('leaves no byte of a deleted memory in the database or the WAL once checkpointed', async () => {
    expect(await leftoversOfDelete('default')).toEqual([]);
  });

  it('leaves none of it in the WAL either once the delete resolves, with no checkpoint of ours', async () => {
    expect(await leftoversOfDelete('default', { checkpointAfter: false })).toEqual([]);
  });

  it('neither waits for nor fails on a reader that keeps the WAL from being emptied', async () => {
    const file = tempSqlitePath('memtrace-secure-delete');
    cleanups.push(() => removeSqliteFiles(file));
    const db = openSqliteDatabase({ path: file });
    cleanups.push(() => db.close());
    migrateSqliteDatabase(db);
    const store = new SqliteMemoryStore(db);
    const m = aMemory();
    await store.insert([m], null);
    const reader = new Database(file);
    cleanups.push(() => reader.close());
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM memories').get();

    const started = Date.now();
    expect(await store.delete(ORG, { ids: [m.id] })).toBe(1);

    expect(Date.now() - started).toBeLessThan(1000);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    reader.exec('COMMIT');
  });

  it('would leave deleted content in the file without secure_delete (the scan detects it)', async () => {
    expect((await leftoversOfDelete('off')).length).toBeGreaterThan(0);
  });

  it("would leave a deleted memory's words in the full-text index without its secure-delete (the scan detects it)", async () => {
    const file = tempSqlitePath('memtrace-secure-delete');
    cleanups.push(() => removeSqliteFiles(file));
    const db = openSqliteDatabase({ path: file });
    cleanups.push(() => db.close());
    migrateSqliteDatabase(db);
    db.exec("INSERT INTO memories_fts (memories_fts, rank) VALUES ('secure-delete', 0)");
    const store = new SqliteMemoryStore(db);
    const word = `zzword${randomBytes(8).toString('hex')}`;
    const doomed = aMemory({ content: `the user said ${word}` });
    await store.insert([aMemory(), doomed, aMemory()], null);
    expect(await store.delete(ORG, { ids: [doomed.id] })).toBe(1);
    checkpoint(file);
    expect(foundOnDisk(file, [word])).toEqual([word]);
  });
});
