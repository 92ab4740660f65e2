import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../adapters/storage/sqlite/sqlite-database.js';
import { buildCountMemories } from '../../adapters/storage/sqlite/sqlite-memory-query.js';
import { SqliteMemoryStore } from '../../adapters/storage/sqlite/sqlite-memory-store.js';
import {
  SUBSTRING_DRIVE_MAX,
  substringDriven,
} from '../../adapters/storage/sqlite/sqlite-substring-sql.js';
import {
  findSqliteMigrationsDir,
  migrateSqliteDatabase,
  readSqliteMigrations,
} from '../../adapters/storage/sqlite/sqlite-migrator.js';
import { findMigrationsDir, readMigrationFiles } from '../../adapters/storage/migration-files.js';
import { aMemory, BASE_TIME } from '../support/builders.js';
import { removeSqliteFiles, tempSqlitePath } from '../support/sqlite-harness.js';

const SQLITE_MIGRATIONS = findMigrationsDir('sqlite', import.meta.url);

const ORG = 'org_a';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function openStore(): { db: Database.Database; store: SqliteMemoryStore; file: string } {
  const file = tempSqlitePath('memtrace-substring');
  cleanups.push(() => removeSqliteFiles(file));
  const db = openSqliteDatabase({ path: file });
  cleanups.push(() => db.close());
  migrateSqliteDatabase(db);
  return { db, store: new SqliteMemoryStore(db), file };
}

/**
 * Secret content in Yi syllables (3-byte UTF-8), which no other memory and no index structure
 * holds: any of its characters in a shadow table's bytes is a trigram of it left behind. (The
 * index stores terms prefix-compressed, so whole trigrams need not be contiguous; the first term
 * of a leaf starting with a character holds that character whole.)
 */
const SECRET = 'ꀀꀁꀂꀃꀄꀅꀆꀇꀈꀉꀊꀋ';
const SECRET_CHARS = [...SECRET].map((c) => Buffer.from(c, 'utf8'));

/** Which shadow tables of the substring index still hold a character of {@link SECRET}. */
function shadowLeftovers(db: Database.Database): string[] {
  const shadows = db
    .prepare<[], { name: string }>(
      "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow' " +
        "AND name LIKE 'memory_trigrams_%'",
    )
    .all()
    .map((r) => r.name);
  expect(shadows).toContain('memory_trigrams_data');
  return shadows.filter((name) =>
    db
      .prepare(`SELECT * FROM "${name}"`)
      .raw()
      .all()
      .some((row) =>
        (row as unknown[]).some((v) => {
          const bytes = Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8');
          return SECRET_CHARS.some((c) => bytes.includes(c));
        }),
      ),
  );
}

/** Stores the secret among ASCII memories, deletes it by `remove`, and returns the leftovers. */
async function leftoversAfter(
  remove: (store: SqliteMemoryStore) => Promise<number>,
  { indexSecureDelete = true } = {},
): Promise<{ shadow: string[]; file: boolean }> {
  const { db, store, file } = openStore();
  if (!indexSecureDelete) {
    db.exec("INSERT INTO memory_trigrams (memory_trigrams, rank) VALUES ('secure-delete', 0)");
  }
  const kept = Array.from({ length: 30 }, (_, i) =>
    aMemory({ content: `kept memory ${i} about deploys and rollbacks` }),
  );
  const doomed = aMemory({
    content: `the user said ${SECRET} once`,
    sessionId: 'sess_doomed',
    expiresAt: BASE_TIME,
  });
  await store.insert(kept.slice(0, 15), null);
  await store.insert([doomed], null);
  await store.insert(kept.slice(15), null);
  expect(shadowLeftovers(db)).toContain('memory_trigrams_data');
  expect(await store.count(ORG, { contentContains: SECRET.slice(2, 6) })).toBe(1);

  expect(await remove(store)).toBe(1);

  expect(await store.count(ORG, { contentContains: SECRET.slice(2, 6) })).toBe(0);
  expect(await store.count(ORG, { contentContains: 'deploys' })).toBe(kept.length);
  const other = new Database(file);
  other.pragma('wal_checkpoint(TRUNCATE)');
  other.close();
  const onDisk = [file, `${file}-wal`]
    .filter((f) => existsSync(f))
    .some((f) => SECRET_CHARS.some((c) => readFileSync(f).includes(c)));
  return { shadow: shadowLeftovers(db), file: onDisk };
}

describe('SQLite substring index (0011, memory_trigrams)', () => {
  it('leaves no trigram of a memory deleted by id in the index or on disk', async () => {
    const out = await leftoversAfter((s) => s.delete(ORG, { contentContains: SECRET }));
    expect(out).toEqual({ shadow: [], file: false });
  });

  it('leaves none of a session deleted, nor of a purged expired memory', async () => {
    expect(await leftoversAfter((s) => s.delete(ORG, { sessionId: 'sess_doomed' }))).toEqual({
      shadow: [],
      file: false,
    });
    expect(await leftoversAfter((s) => s.purgeExpired(ORG, BASE_TIME + 1, null, 10))).toEqual({
      shadow: [],
      file: false,
    });
  });

  it('would leave trigrams in the index without its secure-delete (the scan detects it)', async () => {
    const out = await leftoversAfter((s) => s.delete(ORG, { sessionId: 'sess_doomed' }), {
      indexSecureDelete: false,
    });
    expect(out.shadow).toContain('memory_trigrams_data');
    expect(out.file).toBe(true);
  });

  it('indexes the memories stored before the migration', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'memtrace-migrations-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const all = readSqliteMigrations(findSqliteMigrationsDir());
    for (const m of all.filter((x) => x.version < 11))
      cpSync(m.file, path.join(dir, path.basename(m.file)));
    const file = tempSqlitePath('memtrace-substring');
    cleanups.push(() => removeSqliteFiles(file));
    const db = openSqliteDatabase({ path: file });
    cleanups.push(() => db.close());
    migrateSqliteDatabase(db, dir);
    // Written as SQL: today's store prepares statements on the columns of later migrations
    // (memory_tags.expires_at, 0013), which a database at 0010 lacks.
    db.prepare(
      'INSERT INTO memories (id, org_id, agent_id, memory_type, event_type, content, time, ' +
        "created_at) VALUES ('mem_before', ?, 'agent', 'episodic', 'general', ?, 1000, 1000)",
    ).run(ORG, 'stored before the index existed');
    expect(db.prepare('SELECT count(*) AS n FROM memories').get()).toEqual({ n: 1 });

    // Every later migration runs too (0012, the full-text index; 0013, the lifecycle columns...).
    const later = readMigrationFiles('sqlite', SQLITE_MIGRATIONS).filter((m) => m.version >= 11);
    expect(migrateSqliteDatabase(db)).toEqual(later.map((m) => m.version));
    const store = new SqliteMemoryStore(db);
    expect(await store.count(ORG, { contentContains: 'before the index' })).toBe(1);
    expect(
      db
        .prepare(
          'SELECT count(*) AS n FROM memory_trigrams WHERE memory_trigrams MATCH \'"existed"\'',
        )
        .get(),
    ).toEqual({ n: 1 });
  });

  it('reads the index for patterns of three characters or more, and only then', () => {
    const { db } = openStore();
    const usesIndex = (contentContains: string, ignore = false) => {
      const filter = {
        contentContains,
        tags: ['crawling'],
        ...(ignore ? { contentContainsIgnoreCase: true } : {}),
      };
      const { sql, params } = buildCountMemories(ORG, filter, substringDriven(db, filter));
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      const details = plan.map((r) => r.detail).join('\n');
      return (
        details.includes('memory_trigrams') && /SEARCH m USING INTEGER PRIMARY KEY/.test(details)
      );
    };
    expect([usesIndex('abc'), usesIndex('ABC', true), usesIndex('🚀🚀🚀')]).toEqual([
      true,
      true,
      true,
    ]);
    expect([usesIndex('ab'), usesIndex('é', true)]).toEqual([false, false]);
  });

  it('walks the driving index instead when the pattern is too common for the index to narrow', async () => {
    const { db, store } = openStore();
    const common = Array.from({ length: SUBSTRING_DRIVE_MAX + 1 }, (_, i) =>
      aMemory({ content: `common words ${i}`, time: BASE_TIME + i }),
    );
    await store.insert([...common, aMemory({ content: 'a rare one', time: BASE_TIME - 1 })], null);
    expect(substringDriven(db, { contentContains: 'common' })).toBe(false);
    expect(substringDriven(db, { contentContains: 'rare' })).toBe(true);
    for (const contentContains of ['common', 'COMMON', 'rare']) {
      for (const ignore of [false, true]) {
        const filter = { contentContains, contentContainsIgnoreCase: ignore };
        const want = [...common, aMemory({ content: 'a rare one' })].filter((m) =>
          ignore
            ? m.content.toLowerCase().includes(contentContains.toLowerCase())
            : m.content.includes(contentContains),
        ).length;
        expect({ contentContains, ignore, n: await store.count(ORG, filter) }).toEqual({
          contentContains,
          ignore,
          n: want,
        });
        const page = await store.find(ORG, { filter, order: 'desc', limit: 10, offset: 0 });
        expect(page.length).toBe(Math.min(10, want));
      }
    }
  });
});
