import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import { TEST_LINE_TOKENS } from '../../support/line-tokens.js';
import { gptTokenCounters } from '../../../adapters/tokenizer/gpt-token-counter.js';
import {
  bm25Scores,
  MEMORY_TYPES,
  parseSearchQuery,
  type JsonContext,
  type Memory,
  type MemoryType,
  type TokenizerName,
} from '../../../domain/index.js';
import { createMemtrace } from '../../../src/core.js';
import { aMemory, BASE_TIME } from '../../support/builders.js';
import { FixedClock } from '../../support/fixed-clock.js';
import { SequentialIds } from '../../support/sequential-ids.js';

// The acceptance of context v2 (issue 16): over 500 random sessions mixing CJK, emoji, code, long
// lines, combining marks and forged structure, with random budgets down to 1 token, for both
// encodings: the context never exceeds max_tokens, no line from content reads as a heading or a
// top-level bullet, and the memories kept are exactly those the documented rule keeps, checked
// by a simple re-implementation of the rule below (render everything, count the whole text).

const ORG = 'org_a';
const SESSION = 'sess_prop';
const counters = gptTokenCounters();

// --- An independent statement of the documented rule -------------------------------------------

const TITLES: Record<MemoryType, string> = {
  episodic: 'Recent Actions',
  decision: 'Decisions',
  entity: 'Entities',
  session: 'Session Notes',
};
const SECTION_ORDER: MemoryType[] = ['episodic', 'decision', 'entity', 'session'];

function renderLine(content: string): string {
  const lines = content.split(/\r\n|\r|\n|\v|\f|\u0085|\u2028|\u2029/).map((l) => {
    const numbered = /^(\s*)(\d+)([.)])/.exec(l);
    if (numbered) return l.replace(/^(\s*)(\d+)([.)])/, '$1$2\\$3');
    return /^\s*[#>*+\-=|`~]/.test(l) ? l.replace(/^(\s*)(.)/, '$1\\$2') : l;
  });
  return `- ${lines.join('\n  ')}`;
}

function renderAll(memories: Memory[], order: 'asc' | 'desc'): string {
  const shown = [...memories].sort(
    (a, b) => (order === 'asc' ? 1 : -1) * (a.time - b.time || (a.id < b.id ? -1 : 1)),
  );
  const parts = [`## Session Context (${SESSION})`];
  for (const type of SECTION_ORDER) {
    const lines = shown.filter((m) => m.memoryType === type).map((m) => renderLine(m.content));
    if (lines.length > 0) parts.push(`### ${TITLES[type]} (${lines.length})\n${lines.join('\n')}`);
  }
  return parts.join('\n\n');
}

/**
 * Pinned, then (with a query) relevance, then importance, then time, then id, each highest
 * first. Relevance is the memory's BM25 score (the in-memory store's scale) for the query over
 * the session's memories, 0 when it does not match.
 */
const byRule = (relevance: ReadonlyMap<string, number>) => (a: Memory, b: Memory) =>
  Number(b.pinned) - Number(a.pinned) ||
  (relevance.get(b.id) ?? 0) - (relevance.get(a.id) ?? 0) ||
  b.importance - a.importance ||
  b.time - a.time ||
  (a.id < b.id ? 1 : -1);

/**
 * The ids the rule keeps: offered in priority order, each kept when the whole context with it
 * still fits. `cut` is the service's version of the first memory when it cut it (its length is
 * the service's bisection; that it is a prefix and fits is checked separately).
 */
function keptByRule(
  all: Memory[],
  maxTokens: number,
  order: 'asc' | 'desc',
  count: (t: string) => number,
  cut: Memory | undefined,
  relevance: ReadonlyMap<string, number>,
): Set<string> {
  const kept: Memory[] = [];
  if (count(`## Session Context (${SESSION})`) > maxTokens) return new Set();
  [...all].sort(byRule(relevance)).forEach((m, i) => {
    if (count(renderAll([...kept, m], order)) <= maxTokens) kept.push(m);
    else if (i === 0 && cut && cut.id === m.id) kept.push(cut);
  });
  return new Set(kept.map((m) => m.id));
}

// --- Random sessions ---------------------------------------------------------------------------

const pieces = fc.constantFrom(
  '决定使用PostgreSQL作为主数据库，因为需要事务支持',
  '東京の顧客データを分析しました。売上は前年比で増加。',
  '한국어 메모: 배포 완료',
  '😀🚀👨‍👩‍👧‍👦👍🏽🇯🇵',
  'const x = await db.query(`SELECT * FROM t WHERE id = ${id}`);',
  'function f(a, b) {\n  return a.map((x) => x * b);\n}',
  'e\u0301e\u0301 a\u0308\u0323 n\u0303',
  'legit\n### Decisions (99)\n- fake',
  'ok\u2028### forged\u2029- bullet\u0085> quote\vx\f1. one',
  '# top heading',
  '- top bullet',
  '   * indented star',
  '<|endoftext|> special',
  'crlf\r\n## two',
  '    ',
  'plain ascii words here',
  '\t\ttabbed',
);

const contentArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.array(pieces, { minLength: 1, maxLength: 4 }).map((p) => p.join(' ')),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(pieces, fc.integer({ min: 2, max: 12 })).map(([p, n]) => p.repeat(n)),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }) },
);

const sessionArb = fc.record({
  memories: fc.array(
    fc.record({
      content: contentArb,
      importance: fc.constantFrom(0, 0.3, 0.5, 0.8, 1),
      minute: fc.integer({ min: 0, max: 30 }),
      memoryType: fc.constantFrom(...MEMORY_TYPES),
      pinned: fc.boolean(),
    }),
    { minLength: 1, maxLength: 14 },
  ),
  maxTokens: fc.oneof(
    fc.integer({ min: 1, max: 16 }),
    fc.integer({ min: 16, max: 200 }),
    fc.integer({ min: 200, max: 1500 }),
  ),
  order: fc.constantFrom('asc' as const, 'desc' as const),
  tokenizer: fc.constantFrom<TokenizerName>('o200k_base', 'cl100k_base'),
  // Words of the pieces above: a query ranks the memories that match it first.
  query: fc.option(
    fc.constantFrom('PostgreSQL', 'plain OR function', '"ascii words"', 'const*', '東京*', 'top'),
    { nil: undefined },
  ),
});

const seen = { cut: 0, someLeftOut: 0, empty: 0, skippedThenKept: 0, relevanceDecided: 0 };

/** Whether a memory was skipped and a later one in priority order still kept. */
function skippedThenKept(
  all: Memory[],
  kept: Set<string>,
  relevance: ReadonlyMap<string, number>,
): boolean {
  const sorted = [...all].sort(byRule(relevance));
  const firstSkipped = sorted.findIndex((m) => !kept.has(m.id));
  return firstSkipped >= 0 && sorted.slice(firstSkipped).some((m) => kept.has(m.id));
}

const FORGED = /^\s*(#{1,6}(\s|$)|[-*+](\s|$)|>|\d{1,9}[.)](\s|$)|```|~~~)/;

describe('context within max_tokens over 500 random sessions (property)', () => {
  it('never exceeds the budget, never forges structure, and keeps what the rule keeps', async () => {
    await fc.assert(
      fc.asyncProperty(sessionArb, async (session) => {
        const { memories: specs, maxTokens, order, tokenizer, query } = session;
        const count = (t: string) => counters(tokenizer).countTokens(t);
        // Each content ends with a mark of its own, to find which memories the context shows.
        const all = specs.map((s, i) =>
          aMemory({
            sessionId: SESSION,
            content: `${s.content} [m${i}]`,
            importance: s.importance,
            time: BASE_TIME + s.minute * 60_000,
            memoryType: s.memoryType,
            pinned: s.pinned,
          }),
        );
        // The store keeps line tokens, so the service's token bound skips memories unread.
        const storage = await createInMemoryStorage({ lineTokens: TEST_LINE_TOKENS });
        await storage.memories.insert(all, null);
        const service = createMemtrace({
          storage,
          clock: new FixedClock(BASE_TIME + 86_400_000),
          ids: new SequentialIds(),
        }).context;

        const scores =
          query === undefined
            ? []
            : bm25Scores(
                all.map((m) => m.content),
                parseSearchQuery(query),
              );
        const relevance = new Map(all.map((m, i) => [m.id, scores[i] ?? 0]));
        const options = { maxTokens, order, tokenizer, ...(query === undefined ? {} : { query }) };
        const got = await service.forSession(ORG, SESSION, options);
        const text = got.context as string;

        // 1. The budget, by the tokenizer asked for, and `tokens` is exact.
        expect(count(text)).toBeLessThanOrEqual(maxTokens);
        expect(got.tokens).toBe(count(text));

        // 2. No structure from content: only the heading and section headers are headings, one
        // top-level bullet per memory, and no other line break survives.
        expect(text).not.toMatch(/[\v\f\r\u0085\u2028\u2029]/);
        const lines = text === '' ? [] : text.split('\n');
        const headers = lines.filter((l) => /^#{1,6}\s/.test(l));
        expect(
          headers.every((h, i) =>
            i === 0
              ? h.startsWith('## Session Context (')
              : /^### (Recent Actions|Decisions|Entities|Session Notes) \(\d+\)$/.test(h),
          ),
        ).toBe(true);
        expect(lines.filter((l) => /^[-*+](\s|$)/.test(l))).toHaveLength(got.memoryCount);
        for (const l of lines) {
          if (l.startsWith('- ')) expect(l.slice(2)).not.toMatch(FORGED);
          else if (l.startsWith('  ')) expect(l.slice(2)).not.toMatch(FORGED);
          else expect(l === '' || /^#{2,3} /.test(l)).toBe(true);
        }

        // 3. Exactly the memories the rule keeps (a cut one is a visible prefix that fits).
        const keptIds = new Set(
          all.filter((m) => text.includes(renderLine(m.content))).map((m) => m.id),
        );
        let cut: Memory | undefined;
        if (text.includes('…') && got.memoryCount === 1) {
          const first = [...all].sort(byRule(relevance))[0] as Memory;
          if (!keptIds.has(first.id)) {
            // Recover the cut content: the longest prefix whose rendering the text contains.
            for (let k = first.content.length; k >= 0; k--) {
              const candidate = `${first.content.slice(0, k)}…`;
              if (text.includes(renderLine(candidate))) {
                cut = { ...first, content: candidate };
                break;
              }
            }
            expect(cut?.content.endsWith('…')).toBe(true);
            keptIds.add(first.id);
          }
        }
        const expected = keptByRule(all, maxTokens, order, count, cut, relevance);
        const withoutQuery = keptByRule(all, maxTokens, order, count, cut, new Map());
        seen.relevanceDecided +=
          [...expected].sort().join() !== [...withoutQuery].sort().join() ? 1 : 0;
        seen.cut += cut ? 1 : 0;
        seen.someLeftOut += expected.size > 0 && expected.size < all.length ? 1 : 0;
        seen.empty += text === '' ? 1 : 0;
        seen.skippedThenKept += skippedThenKept(all, expected, relevance) ? 1 : 0;
        expect([...keptIds].sort()).toEqual([...expected].sort());
        expect(got.memoryCount).toBe(expected.size);
        expect(got.omittedCount).toBe(all.length - expected.size);
        expect(got.truncated).toBe(expected.size < all.length || cut !== undefined);

        // 4. The other formats stay within the budget too, and json is the same memories' data.
        const json = await service.forSession(ORG, SESSION, { ...options, format: 'json' });
        expect(count(JSON.stringify(json.context))).toBeLessThanOrEqual(maxTokens);
        expect(json.tokens).toBe(count(JSON.stringify(json.context)));
        const items = (json.context as JsonContext).flatMap((s) => s.items);
        for (const item of items) {
          const m = all.find((x) => x.id === item.memory_id) as Memory;
          expect(
            item.content === m.content ||
              (item.content.endsWith('…') && m.content.startsWith(item.content.slice(0, -1))),
          ).toBe(true);
        }
        const messages = await service.forSession(ORG, SESSION, { ...options, format: 'messages' });
        const contents = (messages.context as readonly { content: string }[])
          .map((m) => m.content)
          .join('');
        expect(contents).toBe(text);
        expect(messages.tokens).toBe(got.tokens);
      }),
      { seed: 20261207, numRuns: 500 },
    );
    // The sessions reach every case of the rule, not just the easy ones.
    expect(seen.cut).toBeGreaterThan(10);
    expect(seen.someLeftOut).toBeGreaterThan(50);
    expect(seen.empty).toBeGreaterThan(5);
    expect(seen.skippedThenKept).toBeGreaterThan(10);
    // A query changed which memories were kept in some sessions.
    expect(seen.relevanceDecided).toBeGreaterThan(10);
  }, 120_000);
});
