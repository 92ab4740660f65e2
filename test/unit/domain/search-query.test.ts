import { describe, expect, it } from 'vitest';
import {
  bm25Scores,
  DomainError,
  matchesSearch,
  MAX_QUERY_LENGTH,
  parseSearchQuery,
  tokenizeWords,
  type SearchTerm,
} from '../../../domain/index.js';

const word = (w: string): SearchTerm => ({ kind: 'word', words: [w] });
const groups = (text: string) => parseSearchQuery(text).groups;

const refusal = (text: string): string => {
  try {
    parseSearchQuery(text);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).kind).toBe('invalid');
    return (e as DomainError).message;
  }
  throw new Error(`not refused: ${text}`);
};

describe('tokenizeWords', () => {
  it('splits on everything but letters and digits, and folds case', () => {
    expect(tokenizeWords('Deploy-FAILED: snake_case, don’t 3.14')).toEqual([
      'deploy',
      'failed',
      'snake',
      'case',
      'don',
      't',
      '3',
      '14',
    ]);
    expect(tokenizeWords('ПРИВЕТ Ωμέγα CAFÉ')).toEqual(['привет', 'ωμέγα', 'café']);
    expect(tokenizeWords('')).toEqual([]);
    expect(tokenizeWords(' (*) "" ^: ')).toEqual([]);
  });

  it('keeps a run of CJK as one word and a combining diacritic inside its word', () => {
    expect(tokenizeWords('中文分词 日本語テキスト')).toEqual(['中文分词', '日本語テキスト']);
    expect(tokenizeWords('cafe\u0301 \u0301lead')).toEqual(['cafe\u0301', 'lead']);
  });

  it('separates at the symbols and marks FTS5 separates at', () => {
    // 😀 (Unicode 6.1) is a symbol; 🤖 (Unicode 8) is unknown to FTS5, hence a word character.
    expect(tokenizeWords('go😀now 🤖bot')).toEqual(['go', 'now', '🤖bot']);
    // Thai and Devanagari vowel signs are combining marks FTS5 does not keep.
    expect(tokenizeWords('\u0e01\u0e34 \u0915\u093f')).toEqual(['\u0e01', '\u0915']);
  });

  it('folds case one character at a time, as FTS5 does', () => {
    expect(tokenizeWords('ΟΔΟΣ οδος ſtraße')).toEqual(['οδοσ', 'οδοσ', 'straße']);
    // İ has no one-character lower case: kept.
    expect(tokenizeWords('İstanbul')).toEqual(['İstanbul']);
  });
});

describe('parseSearchQuery', () => {
  it('reads terms as AND and OR as alternatives, AND binding tighter', () => {
    expect(groups('Deploy Staging')).toEqual([[word('deploy'), word('staging')]]);
    expect(groups('a b OR c')).toEqual([[word('a'), word('b')], [word('c')]]);
    expect(groups('a OR b c OR d')).toEqual([[word('a')], [word('b'), word('c')], [word('d')]]);
    expect(parseSearchQuery('  a  ').text).toBe('  a  ');
  });

  it('reads quoted phrases, prefixes and terms of several words', () => {
    expect(groups('"Deploy  failed" x')).toEqual([
      [{ kind: 'phrase', words: ['deploy', 'failed'] }, word('x')],
    ]);
    expect(groups('"one"')).toEqual([[word('one')]]);
    expect(groups('deploy*')).toEqual([[{ kind: 'prefix', words: ['deploy'] }]]);
    expect(groups('version-3*')).toEqual([[{ kind: 'prefix', words: ['version', '3'] }]]);
    expect(groups('foo-bar')).toEqual([[{ kind: 'phrase', words: ['foo', 'bar'] }]]);
    expect(groups('"a b*"')).toEqual([[{ kind: 'phrase', words: ['a', 'b'] }]]);
    expect(groups('x"a b"y')).toEqual([
      [word('x'), { kind: 'phrase', words: ['a', 'b'] }, word('y')],
    ]);
  });

  it('reads every other syntax as text', () => {
    expect(groups('NEAR(a b) AND NOT -c ^d col:e')).toEqual([
      [
        { kind: 'phrase', words: ['near', 'a'] },
        word('b'),
        word('and'),
        word('not'),
        word('c'),
        word('d'),
        { kind: 'phrase', words: ['col', 'e'] },
      ],
    ]);
    // A quote without a partner is ignored; the others pair up.
    expect(groups('"a b" "c d')).toEqual([
      [{ kind: 'phrase', words: ['a', 'b'] }, word('c'), word('d')],
    ]);
    expect(groups('a * ( ) :')).toEqual([[word('a')]]);
    // OR with nothing on one side, or OR OR, is the word "or".
    expect(groups('OR a')).toEqual([[word('or'), word('a')]]);
    expect(groups('a OR')).toEqual([[word('a'), word('or')]]);
    expect(groups('a OR OR b')).toEqual([[word('a')], [word('or'), word('b')]]);
    expect(groups('a or b "OR"')).toEqual([[word('a'), word('or'), word('b'), word('or')]]);
    expect(groups('* OR a')).toEqual([[word('or'), word('a')]]);
  });

  it('refuses a query of no word, too long or of too many terms, saying the limit', () => {
    for (const text of ['', '   ', '"', '""', '*', '( ) : ^ -', '😀']) {
      expect(refusal(text)).toBe('query must contain at least one word (letters or digits)');
    }
    expect(refusal('a'.repeat(MAX_QUERY_LENGTH + 1))).toBe('query must be at most 1000 characters');
    expect(parseSearchQuery('a'.repeat(MAX_QUERY_LENGTH)).groups).toHaveLength(1);
    const many = Array.from({ length: 33 }, (_, i) => `w${i}`).join(' ');
    expect(refusal(many)).toBe('query must have at most 32 terms (it has 33)');
    expect(refusal(many.replace(' ', ' OR '))).toBe('query must have at most 32 terms (it has 33)');
    expect(parseSearchQuery(many.slice(0, many.lastIndexOf(' '))).groups[0]).toHaveLength(32);
  });
});

describe('matchesSearch', () => {
  const matches = (content: string, text: string) => matchesSearch(content, parseSearchQuery(text));

  it('matches words, phrases in order, prefixes and OR groups', () => {
    expect(matches('The Deploy failed', 'deploy FAILED')).toBe(true);
    expect(matches('The Deploy failed', 'deploy passed')).toBe(false);
    expect(matches('deploy failed', '"deploy failed"')).toBe(true);
    expect(matches('failed deploy', '"deploy failed"')).toBe(false);
    expect(matches('deploy, failed!', '"deploy failed"')).toBe(true);
    expect(matches('deploy then failed', '"deploy failed"')).toBe(false);
    expect(matches('deployment', 'deploy*')).toBe(true);
    expect(matches('redeploy', 'deploy*')).toBe(false);
    expect(matches('version 35', 'version-3*')).toBe(true);
    expect(matches('beta', 'alpha OR beta')).toBe(true);
    expect(matches('gamma', 'alpha OR beta')).toBe(false);
    expect(matches('ΟΔΟΣ', 'οδος')).toBe(true);
  });
});

describe('bm25Scores', () => {
  it('ranks repeats and short content higher, gives 0 without a term, and is stable', () => {
    const q = parseSearchQuery('cache OR miss');
    const docs = ['cache cache miss', 'cache miss now', 'cache with many other words here', 'none'];
    const scores = bm25Scores(docs, q);
    expect(scores[3]).toBe(0);
    expect(scores[0]).toBeGreaterThan(scores[1] as number);
    expect(scores[1]).toBeGreaterThan(scores[2] as number);
    expect(scores[2]).toBeGreaterThan(0);
    expect(bm25Scores(docs, q)).toEqual(scores);
  });
});
