import { describe, expect, it } from 'vitest';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import { matchesFilter, type Memory, type MemoryFilter } from '../../domain/index.js';
import { aMemory, aSession, BASE_TIME } from '../support/builders.js';

const ORG = 'org_a';
const ids = (ms: readonly Memory[]) => ms.map((m) => m.id);

/** Contents covering cases, metacharacters, FTS syntax and scripts; each pattern below hits some. */
const CONTENTS = [
  'Deployed the API to production at 50% load',
  'deployed the api to staging',
  'DEPLOYED EVERYTHING',
  'a_b and a%b and a\\b',
  'path C:\\temp\\new and 100%_done',
  `it's "quoted" and 'single' and ""double""`,
  'NEAR(a b) AND b OR c NOT d * ^e col:value {x y} -z +w',
  'Café crème brûlée',
  'CAFÉ CRÈME',
  'Привет, мир! ПРИВЕТ',
  'привет всем',
  '東京タワーに行った',
  'タワー',
  'rocket 🚀🚀 launch 🎉',
  'ab',
  'x',
  'xyzzy',
  'mixed Ünïcödé and ÜNÏCÖDÉ',
];

/** Patterns of 1, 2, 3 and many characters, with metacharacters and every script above. */
const PATTERNS = [
  'x',
  'D',
  'd',
  'ab',
  'Ab',
  '%',
  '_',
  '\\',
  "'",
  '"',
  'api',
  'API',
  'Api',
  'deployed',
  'DEPLOYED the',
  'a%b',
  'a_b',
  'a\\b',
  '\\temp\\',
  '100%_',
  '""double""',
  `it's`,
  'NEAR(a b)',
  'AND b OR',
  '* ^e',
  'col:value',
  '{x y} -z',
  '"quoted"',
  'café',
  'CAFÉ',
  'Crème',
  'привет',
  'ПРИВЕТ',
  'Мир',
  '東京',
  'タワー',
  '🚀',
  '🚀🚀 l',
  'ünïcödé',
  'zzzz',
];

/**
 * The substring part of the storage contract: `contentContains`, case-sensitive or (with
 * `contentContainsIgnoreCase`) not, served by each driver's substring index where it has one.
 * Runs inside the storage contract's describe (a fresh store per test).
 */
export function describeSubstringContract(
  storage: () => StorageBundle,
  save: (...ms: Memory[]) => Promise<Memory[]>,
): void {
  const fixture = () =>
    CONTENTS.map((content, i) =>
      aMemory({
        content,
        time: BASE_TIME + i * 1000,
        tags: i % 2 === 0 ? ['even'] : ['odd'],
        importance: (i % 5) / 4,
        agentId: i % 3 === 0 ? 'agent_three' : 'agent_other',
      }),
    );
  const expected = (ms: readonly Memory[], f: MemoryFilter) =>
    ids(ms.filter((m) => matchesFilter(m, f)));
  const findAll = async (f: MemoryFilter) =>
    ids(await storage().memories.find(ORG, { filter: f, order: 'asc', limit: null, offset: 0 }));

  describe('content_contains', () => {
    it('is case-sensitive by default and ignores case when asked, in every script', async () => {
      const ms = await save(...fixture());
      const q = (contentContains: string, ignore = false) =>
        findAll({ contentContains, ...(ignore ? { contentContainsIgnoreCase: true } : {}) });
      const byContent = (...cs: string[]) => ids(ms.filter((m) => cs.includes(m.content))).sort();
      expect((await q('deployed')).sort()).toEqual(byContent('deployed the api to staging'));
      expect((await q('deployed', true)).sort()).toEqual(
        byContent(
          'Deployed the API to production at 50% load',
          'deployed the api to staging',
          'DEPLOYED EVERYTHING',
        ),
      );
      expect((await q('Café')).sort()).toEqual(byContent('Café crème brûlée'));
      expect((await q('café', true)).sort()).toEqual(byContent('Café crème brûlée', 'CAFÉ CRÈME'));
      expect((await q('ПРИВЕТ')).sort()).toEqual(byContent('Привет, мир! ПРИВЕТ'));
      expect((await q('ПРИВЕТ', true)).sort()).toEqual(
        byContent('Привет, мир! ПРИВЕТ', 'привет всем'),
      );
      expect((await q('タワー', true)).sort()).toEqual(byContent('東京タワーに行った', 'タワー'));
      expect(await q('🚀🚀 l')).toEqual(byContent('rocket 🚀🚀 launch 🎉'));
      expect(await q('zzzz', true)).toEqual([]);
    });

    it('finds exactly what the reference finds for patterns of 1, 2, 3 and more characters', async () => {
      const ms = await save(...fixture());
      const s = storage();
      for (const contentContains of PATTERNS) {
        for (const ignore of [false, true]) {
          const f: MemoryFilter = ignore
            ? { contentContains, contentContainsIgnoreCase: true }
            : { contentContains };
          const want = expected(ms, f);
          const got = await findAll(f);
          expect({ pattern: contentContains, ignore, got }).toEqual({
            pattern: contentContains,
            ignore,
            got: want,
          });
          expect({ pattern: contentContains, ignore, n: await s.memories.count(ORG, f) }).toEqual({
            pattern: contentContains,
            ignore,
            n: want.length,
          });
        }
      }
    });

    it('treats LIKE and FTS metacharacters as literal characters', async () => {
      const ms = await save(...fixture());
      const only = (c: string) => ids(ms.filter((m) => m.content === c));
      expect(await findAll({ contentContains: 'a%b' })).toEqual(only('a_b and a%b and a\\b'));
      expect(await findAll({ contentContains: '0%_' })).toEqual(
        only('path C:\\temp\\new and 100%_done'),
      );
      expect(await findAll({ contentContains: 'a\\b' })).toEqual(only('a_b and a%b and a\\b'));
      expect(await findAll({ contentContains: 'NEAR(a' })).toEqual(
        only('NEAR(a b) AND b OR c NOT d * ^e col:value {x y} -z +w'),
      );
      expect(await findAll({ contentContains: '""double' })).toEqual(
        only(`it's "quoted" and 'single' and ""double""`),
      );
      expect(await findAll({ contentContains: '_%' })).toEqual([]);
      expect(await findAll({ contentContains: 'a.b' })).toEqual([]);
    });

    it('combines with the other filters, and the count agrees with the pages', async () => {
      const s = storage();
      const ms: Memory[] = [];
      for (let i = 0; i < 120; i++) {
        const word = ['alpha', 'Alpha', 'beta', 'ALPHABET', 'gamma'][i % 5] as string;
        ms.push(
          aMemory({
            content: `note ${i} mentions ${word} and ${i % 7 === 0 ? 'Ünïcödé' : 'plain'}`,
            time: BASE_TIME + i * 1000,
            tags: i % 2 === 0 ? ['even'] : ['odd'],
            importance: (i % 10) / 10,
            agentId: i % 3 === 0 ? 'agent_three' : 'agent_other',
          }),
        );
      }
      await save(...ms);
      const filters: MemoryFilter[] = [
        { contentContains: 'alpha' },
        { contentContains: 'alpha', contentContainsIgnoreCase: true },
        { contentContains: 'ALPHA', contentContainsIgnoreCase: true, tags: ['even'] },
        { contentContains: 'alpha', agentId: 'agent_three', minImportance: 0.5 },
        { contentContains: 'ünï', contentContainsIgnoreCase: true, since: BASE_TIME + 50_000 },
        { contentContains: 'Ün', until: BASE_TIME + 100_000, tags: ['odd'] },
        { contentContains: 'a', memoryTypes: ['episodic'], eventTypes: ['page_crawled'] },
        { contentContains: 'beta', sessionId: 'sess_abc123', tags: ['even', 'odd'] },
      ];
      for (const f of filters) {
        for (const order of ['asc', 'desc'] as const) {
          const want = ms.filter((m) => matchesFilter(m, f));
          const wanted = ids(order === 'asc' ? want : [...want].reverse());
          const pages: string[] = [];
          for (let offset = 0; offset < wanted.length + 25; offset += 25) {
            const page = await s.memories.find(ORG, { filter: f, order, limit: 25, offset });
            pages.push(...ids(page));
          }
          expect({ f, order, pages }).toEqual({ f, order, pages: wanted });
          expect({ f, n: await s.memories.count(ORG, f) }).toEqual({ f, n: wanted.length });
        }
      }
    });

    it('no longer finds deleted, session-deleted or purged memories', async () => {
      const s = storage();
      const t = BASE_TIME;
      await s.sessions.create(aSession({ id: 'sess_doomed' }));
      const byId = aMemory({ content: 'secret needle by id', time: t });
      const bySession = aMemory({
        content: 'secret needle in a session',
        sessionId: 'sess_doomed',
        time: t + 1,
      });
      const expired = aMemory({ content: 'secret needle expired', time: t + 2, expiresAt: t + 10 });
      const kept = aMemory({ content: 'kept needle', time: t + 3 });
      await save(byId, bySession, expired, kept);
      const needle = (ignore: boolean): MemoryFilter => ({
        contentContains: 'needle',
        ...(ignore ? { contentContainsIgnoreCase: true } : {}),
      });
      expect(await findAll(needle(false))).toEqual(ids([byId, bySession, expired, kept]));

      expect(await s.memories.delete(ORG, { ids: [byId.id] })).toBe(1);
      expect(await s.memories.delete(ORG, { sessionId: 'sess_doomed' })).toBe(1);
      expect(await s.memories.purgeExpired(ORG, t + 20, null, 100)).toBe(1);

      for (const ignore of [false, true]) {
        expect(await findAll(needle(ignore))).toEqual(ids([kept]));
        expect(await s.memories.count(ORG, needle(ignore))).toBe(1);
        expect(
          await findAll({ contentContains: 'secret', contentContainsIgnoreCase: ignore }),
        ).toEqual([]);
        expect(
          await s.memories.count(ORG, {
            contentContains: 'SECRET NEEDLE',
            contentContainsIgnoreCase: true,
          }),
        ).toBe(0);
      }
    });
  });
}
