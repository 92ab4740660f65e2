import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStorage } from '../../adapters/storage/postgres/index.js';
import { createSqliteStorage } from '../../adapters/storage/sqlite/index.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import type { LineTokens, Memory, MemoryStore, PriorityQuery } from '../../domain/index.js';
import { createMemtrace } from '../../src/core.js';
import { aMemory, BASE_TIME } from '../support/builders.js';
import { FixedClock } from '../support/fixed-clock.js';
import { TEST_LINE_TOKENS } from '../support/line-tokens.js';
import {
  createSchema,
  dropSchema,
  POSTGRES_SKIP_REASON,
  randomSchemaName,
  TEST_POSTGRES_URL,
} from '../support/postgres-harness.js';
import { SequentialIds } from '../support/sequential-ids.js';

const ORG = 'org_a';
const SESSION = 'sess_big';
const SIZE = 3000;
const WORDS = ['crawler', 'staging', 'deployed', 'retry', 'budget', 'token', 'index', 'page'];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A session of SIZE memories of 5 to 60 words, with importances and times spread. */
function session(): Memory[] {
  let seed = 7;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  return Array.from({ length: SIZE }, (_, i) =>
    aMemory({
      sessionId: SESSION,
      importance: Math.round(next() * 10) / 10,
      time: BASE_TIME + i * 1000,
      content: Array.from(
        { length: 5 + Math.floor(next() * 56) },
        () => WORDS[Math.floor(next() * WORDS.length)],
      ).join(' '),
    }),
  );
}

/** The bundle with its memory store counting the memories `findByPriority` returns. */
function counting(storage: StorageBundle): { storage: StorageBundle; read: () => number } {
  let read = 0;
  const store = storage.memories;
  const memories: MemoryStore = Object.create(store, {
    findByPriority: {
      value: async (orgId: string, query: PriorityQuery) => {
        const found = await store.findByPriority(orgId, query);
        read += found.length;
        return found;
      },
    },
  }) as MemoryStore;
  return { storage: { ...storage, memories }, read: () => read };
}

async function contextOf(storage: StorageBundle) {
  const { storage: counted, read } = counting(storage);
  const memtrace = createMemtrace({
    storage: counted,
    clock: new FixedClock(BASE_TIME + 86_400_000),
    ids: new SequentialIds(),
  });
  const got = await memtrace.context.forSession(ORG, SESSION, { maxTokens: 2000 });
  return { got, read: read() };
}

const drivers: {
  name: string;
  enabled: boolean;
  open: (lineTokens?: LineTokens) => Promise<StorageBundle>;
}[] = [
  {
    name: 'sqlite',
    enabled: true,
    open: (lineTokens) => createSqliteStorage({ path: ':memory:', lineTokens }),
  },
  {
    name: `postgres${TEST_POSTGRES_URL === undefined ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
    enabled: TEST_POSTGRES_URL !== undefined,
    open: async (lineTokens) => {
      const schema = randomSchemaName('line_tokens');
      await createSchema(schema);
      cleanups.push(() => dropSchema(schema));
      return createPostgresStorage({ url: TEST_POSTGRES_URL as string, schema, lineTokens });
    },
  },
];

describe.each(drivers)('a context within max_tokens on $name', ({ enabled, open }) => {
  it.skipIf(!enabled)(
    'reads only the memories whose line could still fit, and picks what reading them all picks',
    async () => {
      // Arrange: the same session in a store that keeps line tokens and in one that does not
      const withCounts = await open(TEST_LINE_TOKENS);
      const without = await open();
      for (const s of [withCounts, without]) {
        cleanups.push(() => s.close());
        await s.memories.insert(session(), null);
      }

      // Act
      const pruned = await contextOf(withCounts);
      const whole = await contextOf(without);

      // Assert: the same context, from a fraction of the reads
      expect(pruned.got).toEqual(whole.got);
      expect(pruned.got.truncated).toBe(true);
      expect(whole.read).toBeGreaterThanOrEqual(SIZE);
      expect(pruned.read).toBeLessThan(SIZE / 3);
    },
    60_000,
  );
});
