import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../adapters/storage/sqlite/sqlite-database.js';
import { SqliteMemoryStore } from '../../adapters/storage/sqlite/sqlite-memory-store.js';
import { migrateSqliteDatabase } from '../../adapters/storage/sqlite/sqlite-migrator.js';
import { ftsMatch } from '../../adapters/storage/sqlite/sqlite-search-sql.js';
import {
  buildCountMemories,
  buildFindMemories,
  type BuiltSql,
} from '../../adapters/storage/sqlite/sqlite-memory-query.js';
import { DomainError, parseSearchQuery, type SearchQuery } from '../../domain/index.js';

const MIGRATIONS = path.resolve(import.meta.dirname, '../../migrations/sqlite');

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

describe('migration 0012_full_text', () => {
  it('indexes the memories stored before it, and keeps the index in step after', async () => {
    // Arrange: a database before 0012 holding memories
    const db = openSqliteDatabase({ path: ':memory:' });
    cleanups.push(() => db.close());
    const dir = mkdtempSync(path.join(os.tmpdir(), 'memtrace-migrations-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const copy = (f: string) => copyFileSync(path.join(MIGRATIONS, f), path.join(dir, f));
    const files = readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql'));
    files.filter((f) => f < '0012').forEach(copy);
    migrateSqliteDatabase(db, dir);
    const insert = db.prepare(
      'INSERT INTO memories (id, org_id, agent_id, memory_type, event_type, content, time, ' +
        "created_at) VALUES (?, 'org_a', 'agent', 'episodic', 'general', ?, ?, ?)",
    );
    insert.run('mem_old_1', 'Deploy failed on staging', 1_000, 1_000);
    insert.run('mem_old_2', 'deploy succeeded', 2_000, 2_000);
    insert.run('mem_old_3', 'nothing to see', 3_000, 3_000);
    files.filter((f) => f >= '0012').forEach(copy);

    // Act
    migrateSqliteDatabase(db, dir);

    // Assert
    const store = new SqliteMemoryStore(db);
    const search = async (text: string) =>
      (
        await store.find('org_a', {
          filter: { query: parseSearchQuery(text) },
          order: 'asc',
          limit: null,
          offset: 0,
        })
      ).map((m) => m.id);
    expect(await search('deploy')).toEqual(['mem_old_1', 'mem_old_2']);
    expect(await search('"deploy failed"')).toEqual(['mem_old_1']);
    expect(await store.delete('org_a', { ids: ['mem_old_1'] })).toBe(1);
    expect(await search('deploy')).toEqual(['mem_old_2']);
    const check = db.prepare("INSERT INTO memories_fts (memories_fts) VALUES ('integrity-check')");
    expect(() => check.run()).not.toThrow();
  });
});

describe('ftsMatch', () => {
  it('quotes every term, so no text of a query is FTS5 syntax', () => {
    const match = (text: string) => ftsMatch(parseSearchQuery(text));
    expect(match('deploy staging')).toBe('("deploy" AND "staging")');
    expect(match('a b OR c')).toBe('("a" AND "b") OR ("c")');
    expect(match('"deploy failed" deploy*')).toBe('("deploy failed" AND "deploy"*)');
    expect(match('NEAR(a b) col:x ^y AND NOT')).toBe(
      '("near a" AND "b" AND "col x" AND "y" AND "and" AND "not")',
    );
  });
});

describe('SQLite search on hostile queries', () => {
  it('answers or refuses as invalid every query of FTS5 syntax, never failing', async () => {
    const db = openSqliteDatabase({ path: ':memory:' });
    cleanups.push(() => db.close());
    migrateSqliteDatabase(db);
    const store = new SqliteMemoryStore(db);
    const pieces = [
      '"',
      '(',
      ')',
      '*',
      ':',
      '^',
      '-',
      '+',
      'NEAR(',
      'AND',
      'OR',
      'NOT',
      ' ',
      'a',
      'é',
      '中',
      '😀',
      "'",
      '\\',
      '{',
      '}',
      ',',
      '""',
      'x*',
      '0',
      '\u0301',
      '\u0000',
    ];
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    let answered = 0;
    for (let i = 0; i < 400; i++) {
      const text = Array.from(
        { length: 1 + Math.floor(next() * 12) },
        () => pieces[Math.floor(next() * pieces.length)],
      ).join('');
      let query: SearchQuery;
      try {
        query = parseSearchQuery(text);
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        continue;
      }
      const filter = { query };
      await store.find('org_a', { filter, order: 'desc', limit: 5, offset: 0, byRelevance: true });
      await store.count('org_a', filter);
      answered++;
    }
    expect(answered).toBeGreaterThan(200);
  });
});

describe('SQLite search query plans', () => {
  it('are driven by the full-text index and read each memory by rowid, whatever the filters', () => {
    const db = openSqliteDatabase({ path: ':memory:' });
    cleanups.push(() => db.close());
    migrateSqliteDatabase(db);
    const planOf = ({ sql, params }: BuiltSql): string[] =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map(
        (r) => r.detail,
      );
    const query = parseSearchQuery('deploy OR "staging failed" rollout*');
    for (const filter of [
      { query },
      { query, tags: ['a', 'b'], agentId: 'x' },
      { query, sessionId: 's', ids: ['mem_1'] },
      { query, live: { at: 1, retentionMs: 5 }, includeSuperseded: true },
    ]) {
      for (const byRelevance of [false, true]) {
        const find = buildFindMemories('org_a', {
          filter,
          order: 'desc',
          limit: 10,
          offset: 0,
          after: { time: 1, seq: '2', score: 0.5 },
          byRelevance,
        });
        for (const plan of [planOf(find), planOf(buildCountMemories('org_a', filter))]) {
          expect(plan.some((d) => /^SCAN memories_fts VIRTUAL TABLE INDEX/.test(d))).toBe(true);
          expect(plan).toContain('SEARCH m USING INTEGER PRIMARY KEY (rowid=?)');
          expect(plan.filter((d) => /^SCAN m\b/.test(d))).toEqual([]);
        }
      }
    }
  });
});
