import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStorage } from '../../adapters/storage/postgres/index.js';
import { createSqliteStorage } from '../../adapters/storage/sqlite/index.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import type { LineTokens } from '../../domain/index.js';
import { aMemory, BASE_TIME } from '../support/builders.js';
import { TEST_LINE_TOKENS } from '../support/line-tokens.js';
import {
  createSchema,
  dropSchema,
  POSTGRES_SKIP_REASON,
  randomSchemaName,
  TEST_POSTGRES_URL,
  withAdminClient,
} from '../support/postgres-harness.js';
import { removeSqliteFiles, tempSqlitePath } from '../support/sqlite-harness.js';

/** More than one batch of the recount (1,000). */
const SIZE = 2_345;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

interface Driver {
  readonly name: string;
  readonly enabled: boolean;
  /** The column that orders the recount, and the mark's column that records where it is. */
  readonly position: string;
  readonly mark: string;
  /** A new empty database: how to open it, and how to read or change it by SQL (`?` params). */
  make(): Promise<{
    open: (lineTokens?: LineTokens) => Promise<StorageBundle>;
    sql: (text: string, params?: readonly (string | number)[]) => Promise<unknown[]>;
  }>;
}

const drivers: Driver[] = [
  {
    name: 'sqlite',
    enabled: true,
    position: 'rowid',
    mark: 'after_rowid',
    make: async () => {
      const file = tempSqlitePath('line-tokens-recount');
      cleanups.push(() => removeSqliteFiles(file));
      return {
        open: (lineTokens) => createSqliteStorage({ path: file, lineTokens }),
        sql: async (text, params = []) => {
          const db = new Database(file);
          try {
            const stmt = db.prepare(text);
            return stmt.reader ? stmt.all(...params) : (stmt.run(...params), []);
          } finally {
            db.close();
          }
        },
      };
    },
  },
  {
    name: `postgres${TEST_POSTGRES_URL === undefined ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
    enabled: TEST_POSTGRES_URL !== undefined,
    position: 'seq',
    mark: 'after_seq',
    make: async () => {
      const schema = randomSchemaName('recount');
      await createSchema(schema);
      cleanups.push(() => dropSchema(schema));
      return {
        open: (lineTokens) =>
          createPostgresStorage({ url: TEST_POSTGRES_URL as string, schema, lineTokens }),
        sql: (text, params = []) =>
          withAdminClient(async (c) => {
            await c.query(`SET search_path TO ${schema}`);
            let i = 0;
            const { rows } = await c.query(
              text.replace(/\?/g, () => `$${++i}`),
              params as unknown[],
            );
            return rows as unknown[];
          }),
      };
    },
  },
];

/** Memories of many contents, some ending in a full stop, stored with no line tokens. */
const memories = () =>
  Array.from({ length: SIZE }, (_, i) =>
    aMemory({
      id: `mem_${String(i).padStart(5, '0')}`,
      time: BASE_TIME + i,
      content: `${'word '.repeat(1 + (i % 30))}number ${i}${i % 3 === 0 ? '.' : ''}`,
    }),
  );

/** Each memory's stored line tokens, by id. */
async function stored(sql: (text: string) => Promise<unknown[]>): Promise<Map<string, number>> {
  const rows = (await sql('SELECT id, line_tokens FROM memories')) as {
    id: string;
    line_tokens: number;
  }[];
  return new Map(rows.map((r) => [r.id, Number(r.line_tokens)]));
}

describe.each(drivers)(
  'the line tokens recount (0017) on $name',
  ({ enabled, make, position, mark }) => {
    it.skipIf(!enabled)(
      'counts every memory stored without line tokens when a counting server opens the database, once',
      async () => {
        // Arrange: a database written by a store that does not count, and one wrong count
        const db = await make();
        const writer = await db.open();
        const all = memories();
        await writer.memories.insert(all, null);
        await writer.close();
        await db.sql('UPDATE memories SET line_tokens = 999 WHERE id = ?', ['mem_00007']);
        expect([...(await stored(db.sql)).values()].filter((n) => n === 0)).toHaveLength(SIZE - 1);

        // Act
        const server = await db.open(TEST_LINE_TOKENS);
        await server.close();

        // Assert: every count is the server's, and the mark is gone
        const after = await stored(db.sql);
        for (const m of all) expect(after.get(m.id), m.id).toBe(TEST_LINE_TOKENS(m.content));
        expect(await db.sql('SELECT * FROM line_tokens_recount')).toEqual([]);

        // Once done, opening again counts nothing
        await db.sql('UPDATE memories SET line_tokens = 7 WHERE id = ?', ['mem_00009']);
        const again = await db.open(TEST_LINE_TOKENS);
        await again.close();
        expect((await stored(db.sql)).get('mem_00009')).toBe(7);
      },
      120_000,
    );

    it.skipIf(!enabled)(
      'resumes after the memory it had reached, and waits for a server that counts',
      async () => {
        // Arrange: an opening that does not count leaves the mark; then a mark half way
        const db = await make();
        const writer = await db.open();
        await writer.memories.insert(memories(), null);
        await writer.close();
        const reopened = await db.open();
        await reopened.close();
        expect(await db.sql('SELECT * FROM line_tokens_recount')).toHaveLength(1);
        const [reached] = (await db.sql(`SELECT ${position} AS p FROM memories WHERE id = ?`, [
          'mem_01000',
        ])) as { p: number | string }[];
        await db.sql(`UPDATE line_tokens_recount SET ${mark} = ?`, [Number(reached?.p)]);

        // Act
        const server = await db.open(TEST_LINE_TOKENS);
        await server.close();

        // Assert: counted after the mark, left before it
        const after = await stored(db.sql);
        expect(after.get('mem_00100')).toBe(0);
        expect(after.get('mem_01000')).toBe(0);
        expect(after.get('mem_02000')).toBeGreaterThan(0);
      },
      120_000,
    );
  },
);
