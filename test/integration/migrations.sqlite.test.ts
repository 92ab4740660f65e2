import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStorage, migrateSqlite } from '../../adapters/storage/sqlite/index.js';
import { openSqliteDatabase } from '../../adapters/storage/sqlite/sqlite-database.js';
import { SqliteMemoryStore } from '../../adapters/storage/sqlite/sqlite-memory-store.js';
import type { Memory } from '../../domain/index.js';
import {
  findSqliteMigrationsDir,
  migrateSqliteDatabase,
} from '../../adapters/storage/sqlite/sqlite-migrator.js';
import { removeSqliteFiles, tempSqlitePath } from '../support/sqlite-harness.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MIGRATIONS = path.join(ROOT, 'migrations', 'sqlite');

interface MigrationRow {
  version: number;
  name: string;
  applied_at: number;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function tempFile(): string {
  const file = tempSqlitePath('memtrace-migrations');
  cleanups.push(() => removeSqliteFiles(file));
  return file;
}

function tempMigrations(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memtrace-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function rows(file: string): MigrationRow[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare<[], MigrationRow>(
        'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
      )
      .all();
  } finally {
    db.close();
  }
}

describe('migrateSqlite', () => {
  it('records every migration file in schema_migrations when the file is fresh', async () => {
    const file = tempFile();
    const expected = readdirSync(MIGRATIONS)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .map((f) => ({ version: Number(f.slice(0, 4)), name: f.slice(5, -4) }));

    const applied = await migrateSqlite(file);

    expect(applied).toEqual(expected.map((m) => m.version));
    const recorded = rows(file);
    expect(recorded.map(({ version, name }) => ({ version, name }))).toEqual(expected);
    expect(recorded.every((r) => Number.isInteger(r.applied_at) && r.applied_at > 0)).toBe(true);
  });

  it('changes nothing when the schema is already up to date', async () => {
    const file = tempFile();
    await migrateSqlite(file);
    const before = rows(file);

    const applied = await migrateSqlite(file);

    expect(applied).toEqual([]);
    expect(rows(file)).toEqual(before);
  });

  it('leaves the database in WAL mode when the database is a file', async () => {
    const file = tempFile();
    await migrateSqlite(file);

    const db = new Database(file, { readonly: true });
    const mode = db.pragma('journal_mode', { simple: true });
    db.close();

    expect(mode).toBe('wal');
  });

  it('creates the parent directory when it does not exist yet', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'memtrace-dir-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'nested', 'data', 'memtrace.db');

    expect(await migrateSqlite(file)).not.toEqual([]);
    expect(rows(file).length).toBeGreaterThan(0);
  });
});

describe('migrateSqliteDatabase', () => {
  it('applies only the pending files in version order when new files appear', () => {
    const db = openSqliteDatabase({ path: ':memory:' });
    const dir = tempMigrations({
      '0002_second.sql': 'INSERT INTO log (step) VALUES (2);',
      '0001_first.sql': 'CREATE TABLE log (step INTEGER NOT NULL);',
      'README.md': 'not a migration',
    });

    expect(migrateSqliteDatabase(db, dir)).toEqual([1, 2]);
    writeFileSync(path.join(dir, '0003_third.sql'), 'INSERT INTO log (step) VALUES (3);');
    expect(migrateSqliteDatabase(db, dir)).toEqual([3]);

    expect(db.prepare('SELECT step FROM log ORDER BY rowid').pluck().all()).toEqual([2, 3]);
    db.close();
  });

  it('keeps nothing of a migration when one of its statements fails', () => {
    const db = openSqliteDatabase({ path: ':memory:' });
    const dir = tempMigrations({
      '0001_first.sql': 'CREATE TABLE a (x INTEGER);',
      '0002_broken.sql': 'CREATE TABLE b (x INTEGER); INSERT INTO missing VALUES (1);',
    });

    expect(() => migrateSqliteDatabase(db, dir)).toThrow(/missing/);

    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(['a', 'schema_migrations']);
    expect(db.prepare('SELECT version FROM schema_migrations').pluck().all()).toEqual([1]);
    db.close();
  });
});

describe('migration 0003_arc_instances', () => {
  /** A database migrated up to 0002 holding one org, and the folder to migrate it further. */
  function migratedTo0002() {
    const dir = tempMigrations({});
    const copy = (f: string) => copyFileSync(path.join(MIGRATIONS, f), path.join(dir, f));
    readdirSync(MIGRATIONS)
      .filter((f) => /^000[12]_/.test(f))
      .forEach(copy);
    const db = openSqliteDatabase({ path: ':memory:' });
    cleanups.push(() => db.close());
    expect(migrateSqliteDatabase(db, dir)).toEqual([1, 2]);
    db.prepare("INSERT INTO orgs (id, name, created_at) VALUES ('org_a', 'a', 1)").run();
    readdirSync(MIGRATIONS)
      .filter((f) => f.startsWith('0003_'))
      .forEach(copy);
    return { db, dir };
  }

  it('adds arc_instances to a database that already holds orgs', () => {
    const { db, dir } = migratedTo0002();

    expect(migrateSqliteDatabase(db, dir)).toEqual([3]);

    const columns = db
      .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('arc_instances')")
      .all()
      .map((c) => c.name);
    expect(columns).toEqual([
      'org_id',
      'url',
      'database',
      'measurement',
      'api_key_sealed',
      'created_at',
      'updated_at',
    ]);
  });

  it("keeps one instance per org, defaults the measurement to 'events', and refuses an unknown org", () => {
    const { db, dir } = migratedTo0002();
    migrateSqliteDatabase(db, dir);
    const insert = db.prepare(
      'INSERT INTO arc_instances (org_id, url, database, created_at, updated_at) ' +
        "VALUES (?, 'http://127.0.0.1:8000', 'db', 1, 1)",
    );

    insert.run('org_a');

    expect(db.prepare('SELECT measurement FROM arc_instances').pluck().get()).toBe('events');
    expect(() => insert.run('org_a')).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert.run('org_nope')).toThrow(/FOREIGN KEY/);
  });

  it("removes an org's instance with the org (ON DELETE CASCADE)", () => {
    const { db, dir } = migratedTo0002();
    migrateSqliteDatabase(db, dir);
    db.prepare(
      'INSERT INTO arc_instances (org_id, url, database, created_at, updated_at) ' +
        "VALUES ('org_a', 'http://127.0.0.1:8000', 'db', 1, 1)",
    ).run();

    db.prepare("DELETE FROM orgs WHERE id = 'org_a'").run();

    expect(db.prepare('SELECT count(*) FROM arc_instances').pluck().get()).toBe(0);
  });

  it('has the same number and name in migrations/postgres', () => {
    const name = (backend: string) =>
      readdirSync(path.join(ROOT, 'migrations', backend)).find((f) => f.startsWith('0003_'));
    expect(name('sqlite')).toBe('0003_arc_instances.sql');
    expect(name('postgres')).toBe('0003_arc_instances.sql');
  });
});

describe('findSqliteMigrationsDir', () => {
  it('finds migrations/sqlite when called from the sources', () => {
    expect(findSqliteMigrationsDir()).toBe(MIGRATIONS);
  });

  it('finds migrations/sqlite when called from the build output', () => {
    const built = pathToFileURL(path.join(ROOT, 'dist/adapters/storage/sqlite/sqlite-migrator.js'));
    expect(findSqliteMigrationsDir(built.href)).toBe(MIGRATIONS);
  });
});

describe('openSqliteDatabase', () => {
  it('sets full sync, foreign keys and a 5 s busy timeout when no option is given', () => {
    const db = openSqliteDatabase({ path: tempFile() });
    const pragmas = {
      journal: db.pragma('journal_mode', { simple: true }),
      synchronous: db.pragma('synchronous', { simple: true }),
      foreignKeys: db.pragma('foreign_keys', { simple: true }),
      busyTimeout: db.pragma('busy_timeout', { simple: true }),
    };
    db.close();
    expect(pragmas).toEqual({ journal: 'wal', synchronous: 2, foreignKeys: 1, busyTimeout: 5000 });
  });

  it('uses normal sync when synchronous is normal', () => {
    const db = openSqliteDatabase({ path: tempFile(), synchronous: 'normal' });
    const synchronous = db.pragma('synchronous', { simple: true });
    db.close();
    expect(synchronous).toBe(1);
  });
});

describe('createSqliteStorage', () => {
  it('serves a migrated schema when the path is :memory:', async () => {
    const s = await createSqliteStorage({ path: ':memory:' });
    await expect(s.memories.count('org_a', {})).resolves.toBe(0);
    await s.close();
  });

  it('rejects ping as unavailable and closes again quietly when it is already closed', async () => {
    const s = await createSqliteStorage({ path: ':memory:' });
    await s.close();

    await expect(s.close()).resolves.toBeUndefined();
    await expect(s.ping()).rejects.toMatchObject({
      kind: 'unavailable',
      code: 'STORAGE_UNAVAILABLE',
    });
  });

  it('rejects a write as unavailable when another connection holds the write lock', async () => {
    const file = tempFile();
    const s = await createSqliteStorage({ path: file, busyTimeoutMs: 50 });
    const other = new Database(file);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(
        s.auth.bootstrap(
          { id: 'org_default', name: 'Default', createdAt: 1, retentionMs: null },
          {
            id: 'key_1',
            orgId: 'org_default',
            name: 'admin',
            keyHash: 'a'.repeat(64),
            permissions: ['admin'],
            createdAt: 1,
            revokedAt: null,
          },
        ),
      ).rejects.toMatchObject({ kind: 'unavailable', code: 'STORAGE_UNAVAILABLE' });
    } finally {
      other.exec('ROLLBACK');
      other.close();
      await s.close();
    }
  });
});

describe('migration 0006_implicit_sessions', () => {
  it('creates the sessions only memories named, keeps the others, and scopes ids to the org', () => {
    // Arrange: a database at 0005 with a created session and memories naming others
    const db = openSqliteDatabase({ path: ':memory:' });
    const dir = tempMigrations({});
    const copy = (f: string) => copyFileSync(path.join(MIGRATIONS, f), path.join(dir, f));
    const files = readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql'));
    files.filter((f) => f < '0006').forEach(copy);
    migrateSqliteDatabase(db, dir);
    db.exec(
      'INSERT INTO sessions (id, org_id, agent_id, status, metadata, created_at, updated_at) ' +
        `VALUES ('made', 'org_a', 'maker', 'closed', '{"k":1}', 5, 6)`,
    );
    const remember = (org: string, agent: string, session: string, time: number) =>
      db
        .prepare(
          'INSERT INTO memories (id, org_id, agent_id, session_id, memory_type, event_type, ' +
            "content, time) VALUES (?, ?, ?, ?, 'episodic', 'general', 'c', ?)",
        )
        .run(`mem_${org}_${agent}_${time}`, org, agent, session, time);
    remember('org_a', 'maker_too', 'made', 1);
    remember('org_a', 'later', 'named', 20);
    remember('org_a', 'first', 'named', 10);
    remember('org_a', 'only_one', 'tied', 30);
    remember('org_b', 'theirs', 'named', 40);
    files.filter((f) => f >= '0006').forEach(copy);

    // Act
    migrateSqliteDatabase(db, dir);

    // Assert
    const sessions = db
      .prepare(
        'SELECT id, org_id, agent_id, status, metadata, created_at FROM sessions ORDER BY seq',
      )
      .all();
    expect(sessions).toEqual([
      {
        id: 'made',
        org_id: 'org_a',
        agent_id: 'maker',
        status: 'closed',
        metadata: '{"k":1}',
        created_at: 5,
      },
      {
        id: 'named',
        org_id: 'org_a',
        agent_id: 'first',
        status: 'active',
        metadata: '{}',
        created_at: 10,
      },
      {
        id: 'tied',
        org_id: 'org_a',
        agent_id: 'only_one',
        status: 'active',
        metadata: '{}',
        created_at: 30,
      },
      {
        id: 'named',
        org_id: 'org_b',
        agent_id: 'theirs',
        status: 'active',
        metadata: '{}',
        created_at: 40,
      },
    ]);
    expect(() =>
      db.exec(
        'INSERT INTO sessions (id, org_id, agent_id, status, created_at, updated_at) ' +
          "VALUES ('named', 'org_b', 'x', 'active', 1, 1)",
      ),
    ).toThrow(/UNIQUE/);
    db.close();
  });
});

describe('migration 0008_event_time', () => {
  it('gives every memory created_at = time and lets the store read and dedup them by it', async () => {
    // Arrange: a database at 0007 holding memories, one of them keyed
    const db = openSqliteDatabase({ path: ':memory:' });
    const dir = tempMigrations({});
    const copy = (f: string) => copyFileSync(path.join(MIGRATIONS, f), path.join(dir, f));
    const files = readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql'));
    files.filter((f) => f < '0008').forEach(copy);
    migrateSqliteDatabase(db, dir);
    const insert = db.prepare(
      'INSERT INTO memories (id, org_id, agent_id, memory_type, event_type, content, dedup_key, ' +
        "time) VALUES (?, 'org_a', 'agent', 'episodic', 'general', 'c', ?, ?)",
    );
    insert.run('mem_old_keyed', 'k', 1_000_000);
    insert.run('mem_old_plain', null, 2_000_000);
    files.filter((f) => f >= '0008').forEach(copy);

    // Act
    migrateSqliteDatabase(db, dir);

    // Assert
    expect(db.prepare('SELECT id, time, created_at FROM memories ORDER BY seq').all()).toEqual([
      { id: 'mem_old_keyed', time: 1_000_000, created_at: 1_000_000 },
      { id: 'mem_old_plain', time: 2_000_000, created_at: 2_000_000 },
    ]);
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%dedup%'")
      .pluck()
      .all();
    expect(indexes).toEqual(['idx_memories_org_dedup_created']);
    const store = new SqliteMemoryStore(db);
    expect(await store.findById('org_a', 'mem_old_plain')).toMatchObject({
      time: 2_000_000,
      createdAt: 2_000_000,
    });
    const retry = {
      ...((await store.findById('org_a', 'mem_old_keyed')) as Memory),
      id: 'mem_retry',
      time: 0,
      createdAt: 1_000_000 + 3_600_000,
    };
    expect(await store.insert([retry], { windowMs: 2 * 3_600_000 })).toEqual([
      { status: 'duplicate', existingId: 'mem_old_keyed' },
    ]);
    db.close();
  });
});
