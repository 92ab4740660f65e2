import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStorage, migratePostgres } from '../../adapters/storage/postgres/index.js';
import { createPgPool } from '../../adapters/storage/postgres/pg-pool.js';
import { migratePostgresDatabase } from '../../adapters/storage/postgres/postgres-migrator.js';
import { PostgresMemoryStore } from '../../adapters/storage/postgres/postgres-memory-store.js';
import type { Memory } from '../../domain/index.js';
import {
  createSchema,
  dropSchema,
  POSTGRES_SKIP_REASON,
  randomSchemaName,
  TEST_POSTGRES_URL,
} from '../support/postgres-harness.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MIGRATIONS = path.join(ROOT, 'migrations', 'postgres');
const URL = TEST_POSTGRES_URL as string;

interface MigrationRow {
  version: number;
  name: string;
  applied_at: string;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function tempSchema(): Promise<string> {
  const schema = randomSchemaName('migrations');
  await createSchema(schema);
  cleanups.push(() => dropSchema(schema));
  return schema;
}

function tempPool(schema: string): pg.Pool {
  const pool = createPgPool({ url: URL, schema });
  cleanups.push(() => pool.end());
  return pool;
}

function tempMigrations(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memtrace-pg-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A schema migrated by the files before `version` (e.g. `'0008'`), and `migrateRest`, which applies
 * that version and every later one: for tests of a migration on rows stored before it.
 */
async function schemaBefore(
  version: string,
): Promise<{ pool: pg.Pool; migrateRest: () => Promise<number[]> }> {
  const pool = tempPool(await tempSchema());
  const dir = tempMigrations({});
  const copy = (f: string) => copyFileSync(path.join(MIGRATIONS, f), path.join(dir, f));
  const files = readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql'));
  files.filter((f) => f < version).forEach(copy);
  await migratePostgresDatabase(pool, dir);
  return {
    pool,
    migrateRest: () => {
      files.filter((f) => f >= version).forEach(copy);
      return migratePostgresDatabase(pool, dir);
    },
  };
}

async function rows(pool: pg.Pool): Promise<MigrationRow[]> {
  const { rows } = await pool.query<MigrationRow>(
    'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
  );
  return rows;
}

describe.skipIf(TEST_POSTGRES_URL === undefined)(
  `migratePostgres${TEST_POSTGRES_URL === undefined ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    it('records every migration file in schema_migrations when the schema is empty', async () => {
      const schema = await tempSchema();
      const expected = readdirSync(MIGRATIONS)
        .filter((f) => f.endsWith('.sql'))
        .sort()
        .map((f) => ({ version: Number(f.slice(0, 4)), name: f.slice(5, -4) }));

      const applied = await migratePostgres({ url: URL, schema });

      expect(applied).toEqual(expected.map((m) => m.version));
      const recorded = await rows(tempPool(schema));
      expect(recorded.map(({ version, name }) => ({ version, name }))).toEqual(expected);
      expect(recorded.every((r) => Number(r.applied_at) > 0)).toBe(true);
    });

    it('changes nothing when the schema is already up to date', async () => {
      const schema = await tempSchema();
      await migratePostgres({ url: URL, schema });
      const before = await rows(tempPool(schema));

      const applied = await migratePostgres({ url: URL, schema });

      expect(applied).toEqual([]);
      expect(await rows(tempPool(schema))).toEqual(before);
    });

    it('adds arc_instances (one per org, cascading with it) to a schema that already holds orgs', async () => {
      // Arrange: a schema at 0002 holding one org
      const schema = await tempSchema();
      const pool = tempPool(schema);
      const dir = tempMigrations({});
      const copy = (f: string) => copyFileSync(path.join(MIGRATIONS, f), path.join(dir, f));
      readdirSync(MIGRATIONS)
        .filter((f) => /^000[12]_/.test(f))
        .forEach(copy);
      expect(await migratePostgresDatabase(pool, dir)).toEqual([1, 2]);
      await pool.query("INSERT INTO orgs (id, name, created_at) VALUES ('org_a', 'a', 1)");
      readdirSync(MIGRATIONS)
        .filter((f) => f.startsWith('0003_'))
        .forEach(copy);
      const insert = (orgId: string) =>
        pool.query(
          'INSERT INTO arc_instances (org_id, url, database, created_at, updated_at) ' +
            "VALUES ($1, 'http://127.0.0.1:8000', 'db', 1, 1)",
          [orgId],
        );

      // Act
      const applied = await migratePostgresDatabase(pool, dir);
      await insert('org_a');

      // Assert
      expect(applied).toEqual([3]);
      const { rows: stored } = await pool.query('SELECT measurement FROM arc_instances');
      expect(stored).toEqual([{ measurement: 'events' }]);
      await expect(insert('org_a')).rejects.toMatchObject({ code: '23505' });
      await expect(insert('org_nope')).rejects.toMatchObject({ code: '23503' });
      await pool.query("DELETE FROM orgs WHERE id = 'org_a'");
      const { rows: left } = await pool.query('SELECT count(*)::int AS n FROM arc_instances');
      expect(left).toEqual([{ n: 0 }]);
    });

    it('creates in 0006 the sessions only memories named, keeping the others, ids scoped to the org', async () => {
      // Arrange: a schema at 0005 with a created session and memories naming others
      const { pool, migrateRest } = await schemaBefore('0006');
      await pool.query(
        'INSERT INTO sessions (id, org_id, agent_id, status, metadata, created_at, updated_at) ' +
          `VALUES ('made', 'org_a', 'maker', 'closed', '{"k":1}', 5, 6)`,
      );
      const remember = (org: string, agent: string, session: string, time: number) =>
        pool.query(
          'INSERT INTO memories (id, org_id, agent_id, session_id, memory_type, event_type, ' +
            "content, time) VALUES ($1, $2, $3, $4, 'episodic', 'general', 'c', $5)",
          [`mem_${org}_${agent}_${time}`, org, agent, session, time],
        );
      await remember('org_a', 'maker_too', 'made', 1);
      await remember('org_a', 'later', 'named', 20);
      await remember('org_a', 'first', 'named', 10);
      await remember('org_b', 'theirs', 'named', 40);

      // Act
      await migrateRest();

      // Assert
      const { rows } = await pool.query(
        'SELECT id, org_id, agent_id, status, metadata::text AS metadata, created_at::int AS created_at ' +
          'FROM sessions ORDER BY seq',
      );
      expect(rows).toEqual([
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
          id: 'named',
          org_id: 'org_b',
          agent_id: 'theirs',
          status: 'active',
          metadata: '{}',
          created_at: 40,
        },
      ]);
      await expect(
        pool.query(
          'INSERT INTO sessions (id, org_id, agent_id, status, created_at, updated_at) ' +
            "VALUES ('named', 'org_b', 'x', 'active', 1, 1)",
        ),
      ).rejects.toMatchObject({ code: '23505' });
    });

    it('gives in 0008 every memory created_at = time, read and deduplicated by the store', async () => {
      // Arrange: a schema at 0007 holding a keyed memory (and its dedup_keys row) and a plain one
      const { pool, migrateRest } = await schemaBefore('0008');
      const insert = (id: string, key: string | null, time: number) =>
        pool.query(
          'INSERT INTO memories (id, org_id, agent_id, memory_type, event_type, content, ' +
            "dedup_key, time) VALUES ($1, 'org_a', 'agent', 'episodic', 'general', 'c', $2, $3)",
          [id, key, time],
        );
      await insert('mem_old_keyed', 'k', 1_000_000);
      await insert('mem_old_plain', null, 2_000_000);
      await pool.query(
        "INSERT INTO dedup_keys (org_id, dedup_key, memory_id, time) VALUES ('org_a', 'k', 'mem_old_keyed', 1000000)",
      );

      // Act
      await migrateRest();

      // Assert
      const { rows } = await pool.query(
        'SELECT id, time::int AS time, created_at::int AS created_at FROM memories ORDER BY seq',
      );
      expect(rows).toEqual([
        { id: 'mem_old_keyed', time: 1_000_000, created_at: 1_000_000 },
        { id: 'mem_old_plain', time: 2_000_000, created_at: 2_000_000 },
      ]);
      const { rows: indexes } = await pool.query(
        'SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() ' +
          "AND indexname LIKE '%dedup%' ORDER BY indexname",
      );
      expect(indexes.map((r: { indexname: string }) => r.indexname)).toEqual([
        'dedup_keys_pkey',
        'idx_memories_org_dedup_created',
      ]);
      const store = new PostgresMemoryStore(pool);
      const old = (await store.findById('org_a', 'mem_old_keyed')) as Memory;
      expect(old).toMatchObject({ time: 1_000_000, createdAt: 1_000_000 });
      const retry = { ...old, id: 'mem_retry', time: 0, createdAt: 1_000_000 + 3_600_000 };
      expect(await store.insert([retry], { windowMs: 2 * 3_600_000 })).toEqual([
        { status: 'duplicate', existingId: 'mem_old_keyed' },
      ]);
    });

    it('copies in 0014 the expiry and the pin of memories stored before it into their tag rows', async () => {
      // Arrange: a schema at 0013 holding tagged memories (one expired, one pinned, one plain)
      const { pool, migrateRest } = await schemaBefore('0014');
      const DAY = 86_400_000;
      const at = 100 * DAY;
      const old: [string, number, number | null, boolean][] = [
        ['mem_old_expired', at - 2 * DAY, at, false],
        ['mem_old_pinned', at - 40 * DAY, null, true],
        ['mem_old_plain', at - DAY, null, false],
      ];
      for (const [id, time, expiresAt, pinned] of old) {
        await pool.query(
          'WITH m AS (INSERT INTO memories (id, org_id, agent_id, memory_type, event_type, ' +
            "content, tags, time, created_at, expires_at, pinned) VALUES ($1, 'org_a', 'agent', " +
            "'episodic', 'general', 'c', '{t}', $2, $2, $3, $4) RETURNING seq, time, importance) " +
            "INSERT INTO memory_tags (org_id, tag, time, seq, importance) SELECT 'org_a', 't', " +
            'time, seq, importance FROM m',
          [id, time, expiresAt, pinned],
        );
      }

      // Act
      await migrateRest();

      // Assert: the tag rows carry them, and a tag read under a 30-day retention sees them
      const { rows } = await pool.query(
        'SELECT expires_at::float8 AS expires_at, pinned FROM memory_tags ORDER BY seq',
      );
      expect(rows).toEqual([
        { expires_at: at, pinned: false },
        { expires_at: null, pinned: true },
        { expires_at: null, pinned: false },
      ]);
      const store = new PostgresMemoryStore(pool);
      const live = { at: at + DAY, retentionMs: 30 * DAY };
      const found = await store.find('org_a', {
        filter: { tags: ['t'], live },
        order: 'asc',
        limit: 50,
        offset: 0,
      });
      expect(found.map((m) => m.id)).toEqual(['mem_old_pinned', 'mem_old_plain']);
      expect(await store.count('org_a', { tags: ['t'], live })).toBe(2);
    });

    it('applies each file exactly once when several processes migrate at the same moment', async () => {
      const schema = await tempSchema();
      const dir = tempMigrations({
        '0001_one.sql': 'CREATE TABLE one (x int); SELECT pg_sleep(0.2);',
        '0002_two.sql': 'CREATE TABLE two (x int);',
      });
      const pools = [tempPool(schema), tempPool(schema), tempPool(schema)];

      const results = await Promise.all(pools.map((p) => migratePostgresDatabase(p, dir)));

      expect(results.flat().sort()).toEqual([1, 2]);
      expect((await rows(pools[0] as pg.Pool)).map((r) => r.version)).toEqual([1, 2]);
    });

    it('leaves no trace of a failing file and keeps the ones before it', async () => {
      const schema = await tempSchema();
      const dir = tempMigrations({
        '0001_good.sql': 'CREATE TABLE good (x int);',
        '0002_bad.sql': 'CREATE TABLE half (x int); SELECT * FROM no_such_table;',
      });
      const pool = tempPool(schema);

      await expect(migratePostgresDatabase(pool, dir)).rejects.toThrow(/no_such_table/);

      expect((await rows(pool)).map((r) => r.version)).toEqual([1]);
      const { rows: tables } = await pool.query<{ tablename: string }>(
        'SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename',
        [schema],
      );
      expect(tables.map((t) => t.tablename)).toEqual(['good', 'schema_migrations']);
    });

    it('lets a migration run longer than the request timeouts when it rewrites a large table', async () => {
      // Request connections give up after statementTimeoutMs (+250 ms on the client); a
      // migration must not, or a server could never start on a database it has to rewrite.
      const schema = await tempSchema();
      const dir = tempMigrations({ '0001_slow.sql': 'SELECT pg_sleep(1.2);' });

      const applied = await migratePostgres({ url: URL, schema, statementTimeoutMs: 300 }, dir);

      expect(applied).toEqual([1]);
    });

    it('applies pending migrations only when asked to when the storage opens', async () => {
      const schema = await tempSchema();
      const unmigrated = await createPostgresStorage({ url: URL, schema, migrate: false });
      await unmigrated.close();
      const pool = tempPool(schema);
      const { rows: none } = await pool.query('SELECT 1 FROM pg_tables WHERE schemaname = $1', [
        schema,
      ]);
      expect(none).toEqual([]);

      const migrated = await createPostgresStorage({ url: URL, schema });
      await migrated.close();

      expect((await rows(pool)).length).toBeGreaterThan(0);
    });

    it('fails as unavailable when the database cannot be reached', async () => {
      await expect(
        createPostgresStorage({
          url: 'postgres://postgres@127.0.0.1:1/none',
          connectTimeoutMs: 500,
        }),
      ).rejects.toMatchObject({ kind: 'unavailable', code: 'STORAGE_UNAVAILABLE' });
    });
  },
);
