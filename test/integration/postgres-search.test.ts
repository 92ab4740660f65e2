import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStorage, migratePostgres } from '../../adapters/storage/postgres/index.js';
import { createPgPool } from '../../adapters/storage/postgres/pg-pool.js';
import { migratePostgresDatabase } from '../../adapters/storage/postgres/postgres-migrator.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import {
  matchesSearch,
  parseSearchQuery,
  tokenizeWords,
  type KeysetPosition,
  type Memory,
  type MemoryFilter,
} from '../../domain/index.js';
import { aMemory, BASE_TIME } from '../support/builders.js';
import {
  createSchema,
  dropSchema,
  POSTGRES_SKIP_REASON,
  randomSchemaName,
  TEST_POSTGRES_URL,
} from '../support/postgres-harness.js';

const ORG = 'org_a';
const URL = TEST_POSTGRES_URL as string;
const MIGRATIONS = path.resolve(import.meta.dirname, '../../migrations/postgres');

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function tempSchema(): Promise<string> {
  const schema = randomSchemaName('search');
  await createSchema(schema);
  cleanups.push(() => dropSchema(schema));
  return schema;
}

async function open(schema: string, more: { textSearchConfig?: string; migrate?: boolean } = {}) {
  const storage = await createPostgresStorage({ url: URL, schema, poolSize: 3, ...more });
  cleanups.push(() => storage.close());
  return storage;
}

function rawPool(schema: string): pg.Pool {
  const pool = createPgPool({ url: URL, schema, statementTimeoutMs: 60_000 });
  cleanups.push(() => pool.end());
  return pool;
}

const ids = (ms: readonly Memory[]) => ms.map((m) => m.id).sort();

async function search(s: StorageBundle, text: string, more: MemoryFilter = {}) {
  const filter = { ...more, query: parseSearchQuery(text) };
  const found = await s.memories.find(ORG, { filter, order: 'asc', limit: null, offset: 0 });
  expect(await s.memories.count(ORG, filter)).toBe(found.length);
  return ids(found);
}

describe.skipIf(TEST_POSTGRES_URL === undefined)(
  `PostgreSQL keyword search${TEST_POSTGRES_URL === undefined ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    it('matches exactly the words of the domain where PostgreSQL parsing would differ', async () => {
      const s = await open(await tempSchema());
      // PostgreSQL's parser splits these words (emoji, combining marks, private use), lower-cases
      // letters FTS5 keeps (Cherokee, İ) or reads them as numbers, hosts or versions.
      const contents = [
        'robot🤖arm moved',
        'cafe\u0301 ouvert',
        'naïve façade',
        'Ꭰ cherokee İstanbul',
        'abc123 456def 1e5 0x1f',
        'snake_case and kebab-case',
        'version 3.14.15 of www.example.com',
        'mail ops@example.com now',
        '日本語のテキスト 中文',
        'ΣΊΣΥΦΟΣ σίσυφος',
        '\uE000private\uE001 use',
        "it's o'clock \\ back\\slash",
      ];
      const ms = contents.map((content, i) => aMemory({ content, time: BASE_TIME + i }));
      await s.memories.insert(ms, null);
      const words = [...new Set(contents.flatMap((c) => tokenizeWords(c)))];
      for (const w of [...words, 'robot', 'arm', 'cafe', 'private', 'it', 'slash', 'com']) {
        const q = parseSearchQuery(`"${w}"`);
        const expected = ids(ms.filter((m) => matchesSearch(m.content, q)));
        expect(await search(s, `"${w}"`), w).toEqual(expected);
        expect(await search(s, `${w.slice(0, 2)}*`), `${w}*`).toEqual(
          ids(ms.filter((m) => matchesSearch(m.content, parseSearchQuery(`${w.slice(0, 2)}*`)))),
        );
      }
      expect(await search(s, '"3 14 15" www-example')).toEqual(ids([ms[6] as Memory]));
    });

    it('finds and counts what the domain matches for random queries full of FTS syntax', async () => {
      const s = await open(await tempSchema());
      const pool = ['deploy', 'Deployed', 'staging', 'the', 'a', 'b', 'OR', 'or', 'NEAR', 'and'];
      const syntax = [
        '"',
        '*',
        '(',
        ')',
        ':',
        '&',
        '|',
        '!',
        '<->',
        '<2>',
        "'",
        '\\',
        '-',
        '^',
        ' ',
      ];
      let seed = 7;
      const next = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const pick = <T>(xs: readonly T[]): T => xs[next(xs.length)] as T;
      const ms = Array.from({ length: 40 }, (_, i) =>
        aMemory({
          content: Array.from({ length: 2 + next(8) }, () => pick(pool)).join(
            pick([' ', '-', ', ']),
          ),
          time: BASE_TIME + i,
        }),
      );
      await s.memories.insert(ms, null);
      let checked = 0;
      let found = 0;
      for (let i = 0; i < 150; i++) {
        const text = Array.from({ length: 1 + next(8) }, () =>
          next(3) === 0 ? pick(syntax) : `${pick(pool)}${next(4) === 0 ? '*' : ''}`,
        ).join(pick(['', ' ', ' ', '"']));
        let q;
        try {
          q = parseSearchQuery(text);
        } catch {
          continue; // no word: a 400 before the store
        }
        const expected = ids(ms.filter((m) => matchesSearch(m.content, q)));
        expect(await search(s, text), text).toEqual(expected);
        checked++;
        if (expected.length > 0) found++;
      }
      expect(checked).toBeGreaterThan(100);
      expect(found).toBeGreaterThan(30);
    });

    it('narrows context priority reads and deletes by a query', async () => {
      const s = await open(await tempSchema());
      const a = aMemory({ content: 'lease lost on node one', importance: 0.2 });
      const b = aMemory({ content: 'lease renewed', importance: 0.9 });
      const c = aMemory({ content: 'unrelated heartbeat', importance: 1 });
      await s.memories.insert([a, b, c], null);
      const filter = { query: parseSearchQuery('lease') };
      const best = await s.memories.findByPriority(ORG, {
        filter,
        maxContentLength: null,
        limit: null,
      });
      expect(best.map((m) => m.id)).toEqual([b.id, a.id]);
      expect(await s.memories.delete(ORG, { query: parseSearchQuery('lost OR heartbeat') })).toBe(
        2,
      );
      expect(await search(s, 'lease OR heartbeat')).toEqual(ids([b]));
    });

    it('stores words PostgreSQL cannot index without failing, and never finds them', async () => {
      const s = await open(await tempSchema());
      const long = 'x'.repeat(2048);
      const cjk = '語'.repeat(700); // 2,100 bytes
      const withLong = aMemory({ content: `before ${long} after ${cjk} end` });
      // About 160,000 distinct words: more than one tsvector holds (1 MiB).
      const huge = aMemory({
        content: Array.from({ length: 160_000 }, (_, i) => `w${i.toString(36)}`).join(' '),
      });
      await s.memories.insert([withLong, huge], null);
      expect(await search(s, 'before')).toEqual(ids([withLong]));
      // Queries are at most 1000 characters: the CJK word (2,100 bytes in 700 characters) is
      // searchable in full, the long one by prefix only; neither is indexed.
      expect(await search(s, cjk)).toEqual([]);
      expect(await search(s, `${'x'.repeat(990)}*`)).toEqual([]);
      expect(await search(s, `${cjk} OR end`)).toEqual(ids([withLong]));
      // The dropped word keeps its place: the words around it are not adjacent.
      expect(await search(s, '"before after"')).toEqual([]);
      expect(await search(s, 'w0 w1')).toEqual(ids([huge]));
      expect(await search(s, 'wzz*')).toEqual(ids([huge]));
    });

    it('pages a relevance list of many distinct scores exactly by cursor', async () => {
      const s = await open(await tempSchema());
      const ms = Array.from({ length: 60 }, (_, i) =>
        aMemory({
          content: `${'lease '.repeat(1 + (i % 4))}${'filler words here '.repeat(i % 7)}`,
          time: BASE_TIME + (i % 5),
        }),
      );
      await s.memories.insert(ms, null);
      const filter = { query: parseSearchQuery('lease') };
      const read = (after?: KeysetPosition, limit: number | null = 7) =>
        s.memories.findPage(ORG, {
          filter,
          order: 'desc',
          limit,
          offset: 0,
          byRelevance: true,
          ...(after === undefined ? {} : { after }),
        });
      const whole = await read(undefined, null);
      expect(new Set(whole.scores).size).toBeGreaterThan(10);
      const seen: string[] = [];
      let after: KeysetPosition | undefined;
      for (;;) {
        const page = await read(after);
        seen.push(...page.memories.map((m) => m.id));
        if (page.memories.length < 7) break;
        after = page.positions[6];
        // A cursor carries the score as JSON: the number must survive the round trip.
        after = JSON.parse(JSON.stringify(after)) as KeysetPosition;
      }
      expect(seen).toEqual(whole.memories.map((m) => m.id));
    });

    /** A schema migrated up to 0011, before the search index, and a pool on it. */
    async function schemaBefore0012() {
      const schema = await tempSchema();
      const dir = mkdtempSync(path.join(os.tmpdir(), 'memtrace-pg-before-0012-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      for (const f of readdirSync(MIGRATIONS).filter((f) => f < '0012')) {
        copyFileSync(path.join(MIGRATIONS, f), path.join(dir, f));
      }
      const pool = rawPool(schema);
      await migratePostgresDatabase(pool, dir);
      return { schema, pool };
    }

    it('makes memories stored before migration 0012 searchable when it migrates', async () => {
      const { schema, pool } = await schemaBefore0012();
      const values = (id: string, content: string, time: number) => [
        id,
        Buffer.from(content, 'utf8'),
        time,
      ];
      for (const [i, content] of ['Old robot🤖arm note', 'another old note'].entries()) {
        await pool.query(
          'INSERT INTO memories (id, org_id, agent_id, memory_type, event_type, content, time, ' +
            "created_at) VALUES ($1, 'org_a', 'agent', 'episodic', 'note', $2, $3, $3)",
          values(`mem_old_${i}`, content, BASE_TIME + i),
        );
      }
      const s = await open(schema);
      const found = await s.memories.find(ORG, {
        filter: { query: parseSearchQuery('robot🤖arm OR another') },
        order: 'asc',
        limit: null,
        offset: 0,
      });
      expect(found.map((m) => m.id)).toEqual(['mem_old_0', 'mem_old_1']);
      const { rows } = await pool.query('SELECT text_search_config FROM search_index');
      expect(rows).toEqual([{ text_search_config: 'simple' }]);
    });

    it('makes every memory of more than a batch stored before migration 0012 searchable', async () => {
      // More rows than one batch of the build (1,000), with seqs of one to four digits
      const { schema, pool } = await schemaBefore0012();
      await pool.query(
        'INSERT INTO memories (id, org_id, agent_id, memory_type, event_type, content, time, ' +
          "created_at) SELECT 'mem_old_' || g, 'org_a', 'agent', 'episodic', 'note', " +
          "convert_to('bulk note ' || g, 'UTF8'), $1::bigint + g, $1::bigint + g " +
          'FROM generate_series(1, 2345) AS g',
        [BASE_TIME],
      );
      const s = await open(schema);
      const counted = await s.memories.count(ORG, { query: parseSearchQuery('bulk') });
      expect(counted).toBe(2345);
    });

    it('refuses a configuration the database does not have', async () => {
      const schema = await tempSchema();
      await expect(open(schema, { textSearchConfig: 'klingon' })).rejects.toThrow(
        /no text search configuration 'klingon'/,
      );
      await expect(open(schema, { textSearchConfig: 'simple; drop' })).rejects.toThrow(
        /MEMTRACE_STORAGE_POSTGRES_TEXT_SEARCH_CONFIG/,
      );
    });

    it('stems with another configuration, re-indexes when it migrates, refuses without', async () => {
      const schema = await tempSchema();
      const simple = await open(schema);
      const deployed = aMemory({ content: 'The services were deployed to the cluster' });
      const deploying = aMemory({ content: 'deploying services' });
      await simple.memories.insert([deployed, deploying], null);
      expect(await search(simple, 'deploy')).toEqual([]);
      expect(await search(simple, 'the')).toEqual(ids([deployed]));
      await simple.close();

      await expect(open(schema, { textSearchConfig: 'english', migrate: false })).rejects.toThrow(
        /built with text search configuration 'simple' but MEMTRACE_STORAGE_POSTGRES_TEXT_SEARCH_CONFIG is 'english'/,
      );
      const english = await open(schema, { textSearchConfig: 'english' });
      expect(await search(english, 'deploy')).toEqual(ids([deployed, deploying]));
      expect(await search(english, 'service* deploy')).toEqual(ids([deployed, deploying]));
      expect(await search(english, '"deployed to the cluster"')).toEqual(ids([deployed]));
      // Stop words are not indexed: a query of stop words only matches nothing, without error.
      expect(await search(english, 'the')).toEqual([]);
      expect(await search(english, 'the OR deploying')).toEqual(ids([deployed, deploying]));
      const added = aMemory({ content: 'redeploys deployments' });
      await english.memories.insert([added], null);
      expect(await search(english, 'deployment')).toEqual(ids([deployed, deploying, added]));
      expect(await search(english, 'redeploy')).toEqual(ids([added]));
      const page = await english.memories.findPage(ORG, {
        filter: { query: parseSearchQuery('deploy') },
        order: 'desc',
        limit: null,
        offset: 0,
        byRelevance: true,
      });
      expect(page.scores?.every((x) => x > 0)).toBe(true);
      await english.close();

      // Back to simple through `memtrace migrate`: every vector is computed again.
      await migratePostgres({ url: URL, schema, textSearchConfig: 'simple' });
      const again = await open(schema, { migrate: false });
      expect(await search(again, 'deploy')).toEqual([]);
      expect(await search(again, 'deployments')).toEqual(ids([added]));
    });
  },
);
