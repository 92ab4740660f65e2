import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStorage } from '../../adapters/storage/postgres/index.js';
import { createSqliteStorage } from '../../adapters/storage/sqlite/index.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import { gptTokenCounters } from '../../adapters/tokenizer/gpt-token-counter.js';
import {
  formatSessionContext,
  LINE_TOKENIZER,
  type LineTokens,
  type Memory,
  type MemoryStore,
  type PriorityQuery,
} from '../../domain/index.js';
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

async function contextOf(storage: StorageBundle, maxTokens = 2000) {
  const { storage: counted, read } = counting(storage);
  const memtrace = createMemtrace({
    storage: counted,
    clock: new FixedClock(BASE_TIME + 86_400_000),
    ids: new SequentialIds(),
  });
  const got = await memtrace.context.forSession(ORG, SESSION, { maxTokens });
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

  it.skipIf(!enabled)(
    'still finds a line that fits only as the last of the context, with no newline after it',
    async () => {
      // Arrange: the best memory (its line costs the same with or without a newline after it),
      // 70 that can never fit, and an older one whose line fits exactly when it is the last
      // line of all (shown after the best one, without the newline its line tokens count):
      // the budget is the tokens of the context of the two
      const storage = await open(TEST_LINE_TOKENS);
      cleanups.push(() => storage.close());
      const at = (i: number) => BASE_TIME + i * 1000;
      const best = aMemory({
        sessionId: SESSION,
        importance: 1,
        time: at(100),
        content: 'best one.',
      });
      const never = Array.from({ length: 70 }, (_, i) =>
        aMemory({
          sessionId: SESSION,
          importance: 0.9,
          time: at(i + 1),
          content: 'word '.repeat(800),
        }),
      );
      const last = aMemory({
        sessionId: SESSION,
        importance: 0.1,
        time: at(0),
        content: 'chose the last line',
      });
      await storage.memories.insert([best, ...never, last], null);
      const counter = gptTokenCounters()(LINE_TOKENIZER);
      const exact = formatSessionContext(SESSION, [best, last], { maxTokens: null, counter });

      // Act
      const { got } = await contextOf(storage, exact.tokens);

      // Assert: both, to the last token
      expect(got.memoryCount).toBe(2);
      expect(got.tokens).toBe(exact.tokens);
      expect(got.context).toBe(exact.context);
    },
    60_000,
  );
});
