import { describe, expect, it } from 'vitest';
import {
  type Doc,
  matches,
  occurrences,
  parseQuery,
  SCORERS,
  terms,
  tokenize,
  undominated,
} from '../../support/relevance-reference.js';
import { loadRelevanceSet } from '../../support/relevance-set.js';
import { matchesSearch, parseSearchQuery } from '../../../domain/index.js';

/**
 * The relevance set (test/fixtures/relevance/) must hold whatever reasonable ranking a driver
 * uses: every expected memory matches its query by the documented semantics, and at most four
 * other matches could outrank it under any ranking that grows with occurrences and shrinks with
 * length, so it is in the top 5 even when those rank above it and even on ties.
 */
const { memories, queries } = loadRelevanceSet();
const docs: Doc[] = memories.map((m) => ({ key: m.key, tokens: tokenize(m.content) }));
const byKey = new Map(docs.map((d) => [d.key, d]));
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');

describe('relevance set', () => {
  it('has a few hundred memories with unique keys and about forty queries', () => {
    expect(memories.length).toBeGreaterThanOrEqual(250);
    expect(new Set(memories.map((m) => m.key)).size).toBe(memories.length);
    expect(queries.length).toBeGreaterThanOrEqual(35);
    expect(new Set(queries.map((q) => q.query)).size).toBe(queries.length);
    for (const q of queries) {
      expect(q.expected.length, q.query).toBeGreaterThanOrEqual(1);
      expect(q.expected.length, q.query).toBeLessThanOrEqual(3);
      for (const k of q.expected) expect(byKey.has(k), `${q.query}: ${k}`).toBe(true);
    }
  });

  it.each(queries.map((q) => [q.query, q.expected] as const))(
    '%s: each expected memory matches and at most four others could outrank it',
    (query, expected) => {
      const q = parseQuery(query);
      const matched = docs.filter((d) => matches(d.tokens, q));
      for (const key of expected) {
        const target = byKey.get(key) as Doc;
        expect(matches(target.tokens, q), key).toBe(true);
        const rivals = undominated(target, matched, q);
        expect(
          rivals.length,
          `${key} could be outranked by ${rivals.join(', ')}`,
        ).toBeLessThanOrEqual(4);
      }
    },
  );

  it.each(Object.keys(SCORERS))('ranks every expected memory in the top 5 by %s', (name) => {
    const score = SCORERS[name] as (typeof SCORERS)[string];
    for (const { query, expected } of queries) {
      const q = parseQuery(query);
      const matched = docs.filter((d) => matches(d.tokens, q));
      const scores = new Map(matched.map((d) => [d.key, score(d, q, docs)]));
      for (const key of expected) {
        const mine = scores.get(key) ?? -1;
        // ties count against it: every other match scoring as much or more ranks above
        const above = [...scores].filter(([k, s]) => k !== key && s >= mine).length;
        expect(above, `${query}: ${key}`).toBeLessThanOrEqual(4);
      }
    }
  });

  it("matches what memtrace's own reading of the language matches, for every query", () => {
    for (const { query } of queries) {
      const mine = docs.filter((d) => matches(d.tokens, parseQuery(query))).map((d) => d.key);
      const q = parseSearchQuery(query);
      const theirs = memories.filter((m) => matchesSearch(m.content, q)).map((m) => m.key);
      expect(theirs, query).toEqual(mine);
    }
  });

  it('never lets diacritic folding change what a query matches (drivers may fold or not)', () => {
    const folded: Doc[] = memories.map((m) => ({ key: m.key, tokens: tokenize(fold(m.content)) }));
    for (const { query } of queries) {
      const plain = docs.filter((d) => matches(d.tokens, parseQuery(query))).map((d) => d.key);
      const both = folded.filter((d) => matches(d.tokens, parseQuery(fold(query))));
      expect(
        both.map((d) => d.key),
        query,
      ).toEqual(plain);
    }
  });

  it('has no upper-case letter outside ASCII (lower-casing then cannot depend on a locale)', () => {
    for (const m of memories) {
      const upper = [...m.content].filter((c) => c > '\u007f' && c !== c.toLowerCase());
      expect(upper, m.key).toEqual([]);
    }
  });

  it('keeps query words out of tags, event types, agent and session ids', () => {
    const words = queries.flatMap((x) => terms(parseQuery(x.query)));
    for (const m of memories) {
      const tokens = tokenize([m.agent_id, m.session_id, m.event_type, ...m.tags].join(' '));
      for (const t of words) {
        const single = { ...t, words: t.words.slice(0, 1) };
        expect(occurrences(tokens, single), `${m.key}: ${t.words.join(' ')}`).toEqual([]);
      }
    }
  });

  it('writes every query word apart from other words (no URL, path, hyphen or dot joins it)', () => {
    const words = new Set(
      queries.flatMap((x) => terms(parseQuery(x.query))).flatMap((t) => t.words),
    );
    for (const m of memories) {
      for (const hit of m.content.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
        const w = hit[0].toLowerCase();
        if (![...words].some((x) => w.startsWith(x))) continue;
        const before = m.content.slice(Math.max(0, hit.index - 2), hit.index);
        const after = m.content.slice(hit.index + hit[0].length, hit.index + hit[0].length + 2);
        expect(/[\p{L}\p{N}][/.@+#:]$/u.test(before), `${m.key}: …${before}${w}`).toBe(false);
        expect(/^[/.@+#:][\p{L}\p{N}]/u.test(after), `${m.key}: ${w}${after}…`).toBe(false);
      }
    }
  });
});
