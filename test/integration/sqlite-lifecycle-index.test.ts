import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../adapters/storage/sqlite/sqlite-database.js';
import { SqliteMemoryStore } from '../../adapters/storage/sqlite/sqlite-memory-store.js';
import { migrateSqliteDatabase } from '../../adapters/storage/sqlite/sqlite-migrator.js';
import type { MemoryFilter } from '../../domain/index.js';
import { aMemory, BASE_TIME } from '../support/builders.js';

const MIGRATIONS = path.resolve(import.meta.dirname, '../../migrations/sqlite');
const ORG = 'org_a';
const DAY = 86_400_000;
/** Live a day after BASE_TIME, under a 30-day retention. */
const LIVE = { at: BASE_TIME + DAY, retentionMs: 30 * DAY };

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function openMigrated(before?: string): { db: Database.Database; dir: string } {
  const db = openSqliteDatabase({ path: ':memory:' });
  cleanups.push(() => db.close());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memtrace-migrations-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql'))) {
    if (before === undefined || f < before)
      copyFileSync(path.join(MIGRATIONS, f), path.join(dir, f));
  }
  migrateSqliteDatabase(db, dir);
  return { db, dir };
}

/** The ids a tag-driven find and its count return, which walk memory_tags (0013). */
async function byTag(store: SqliteMemoryStore, filter: MemoryFilter) {
  const found = await store.find(ORG, { filter, order: 'asc', limit: 50, offset: 0 });
  return { ids: found.map((m) => m.id), count: await store.count(ORG, filter) };
}

describe('SqliteMemoryStore: a tag filter reads the expiry and the pin on the tag rows', () => {
  it('hides an expired tagged memory and shows a pinned one, as written and as patched', async () => {
    // Arrange: one memory past its expiry, one past the retention but pinned, one that patches make expire
    const store = new SqliteMemoryStore(openMigrated().db);
    const expired = aMemory({ tags: ['t'], time: BASE_TIME - 2 * DAY, expiresAt: BASE_TIME });
    const pinned = aMemory({ tags: ['t'], time: BASE_TIME - 40 * DAY, pinned: true });
    const plain = aMemory({ tags: ['t'], time: BASE_TIME - 40 * DAY });
    await store.insert([expired, pinned, plain], null);

    // Act / Assert: as written
    expect(await byTag(store, { tags: ['t'], live: LIVE })).toEqual({ ids: [pinned.id], count: 1 });
    expect(await byTag(store, { tags: ['t'], pinned: true })).toEqual({
      ids: [pinned.id],
      count: 1,
    });

    // Act / Assert: as patched (the pin moves, an expiry is lifted)
    await store.update(ORG, pinned.id, { pinned: false });
    await store.update(ORG, plain.id, { pinned: true });
    await store.update(ORG, expired.id, { expiresAt: null });
    expect(await byTag(store, { tags: ['t'], live: LIVE })).toEqual({
      ids: [expired.id, plain.id].sort((a, b) => (a < b ? -1 : 1)),
      count: 2,
    });
    expect(await byTag(store, { tags: ['t'], pinned: false, live: LIVE })).toEqual({
      ids: [expired.id],
      count: 1,
    });
  });
});

describe('migration 0013_lifecycle_in_indexes', () => {
  it('copies the expiry and the pin of memories stored before it into their tag rows', async () => {
    // Arrange: a database at 0012 holding tagged memories (one expired, one pinned)
    const { db, dir } = openMigrated('0013');
    const insert = db.prepare(
      'INSERT INTO memories (id, org_id, agent_id, memory_type, event_type, content, tags, time, ' +
        "created_at, expires_at, pinned) VALUES (?, 'org_a', 'agent', 'episodic', 'general', 'c', " +
        '\'["t"]\', ?, ?, ?, ?)',
    );
    const tag = db.prepare(
      "INSERT INTO memory_tags (org_id, tag, time, seq) VALUES ('org_a', 't', ?, ?)",
    );
    const rows: [string, number, number | null, number][] = [
      ['mem_old_expired', BASE_TIME - 2 * DAY, BASE_TIME, 0],
      ['mem_old_pinned', BASE_TIME - 40 * DAY, null, 1],
      ['mem_old_plain', BASE_TIME - DAY, null, 0],
    ];
    for (const [id, time, expiresAt, pinned] of rows) {
      const { lastInsertRowid } = insert.run(id, time, time, expiresAt, pinned);
      tag.run(time, lastInsertRowid);
    }
    const later = readdirSync(MIGRATIONS).filter((f) => f >= '0013' && f.endsWith('.sql'));
    for (const f of later) copyFileSync(path.join(MIGRATIONS, f), path.join(dir, f));

    // Act: 0013 and every migration after it
    expect(migrateSqliteDatabase(db, dir)).toEqual(later.map((f) => Number(f.slice(0, 4))));

    // Assert
    expect(db.prepare('SELECT expires_at, pinned FROM memory_tags ORDER BY seq').all()).toEqual([
      { expires_at: BASE_TIME, pinned: 0 },
      { expires_at: null, pinned: 1 },
      { expires_at: null, pinned: 0 },
    ]);
    const store = new SqliteMemoryStore(db);
    expect(await byTag(store, { tags: ['t'], live: LIVE })).toEqual({
      ids: ['mem_old_pinned', 'mem_old_plain'],
      count: 2,
    });
  });

  it('keeps no dedup index entry for a memory without a dedup key', () => {
    const { db } = openMigrated();
    const list = db.prepare('PRAGMA index_list(memories)').all() as {
      name: string;
      partial: number;
    }[];
    expect(list.find((i) => i.name === 'idx_memories_org_dedup_created')?.partial).toBe(1);
  });
});
