import { describe, expect, it } from 'vitest';
import {
  countNeedle,
  countsOf,
  doubleLiteral,
  queryCondition,
  termNeedle,
} from '../../../adapters/storage/arc/arc-search-terms.js';
import { searchWordsOf } from '../../../adapters/storage/arc/arc-wire.js';
import { distinctTerms, parseSearchQuery } from '../../../domain/index.js';

const termsOf = (text: string) => distinctTerms(parseSearchQuery(text));

describe('Arc search terms', () => {
  it('stores the words of a content between single spaces', () => {
    expect(searchWordsOf('Deploy FAILED, on "Staging"!')).toBe(' deploy failed on staging ');
    expect(searchWordsOf('... !!')).toBe(' ');
  });

  it('looks for a word, a phrase and a prefix with their spaces', () => {
    expect(termsOf('deploy "failed on" version-3*').map(termNeedle)).toEqual([
      ' deploy ',
      ' failed on ',
      ' version 3',
    ]);
    expect(termsOf('"failed on" version-3*').map(countNeedle)).toEqual([
      ' failed  on ',
      ' version  3',
    ]);
  });

  it('counts adjacent repeats each, and a word as often as it starts a prefix', () => {
    const terms = termsOf('t OR x* OR "t x"');
    expect(countsOf(searchWordsOf('t t x t xx'), terms)).toEqual({
      length: 5,
      counts: [3, 2, 1],
    });
    expect(countsOf(' ', terms)).toEqual({ length: 0, counts: [0, 0, 0] });
    // A phrase that can overlap itself counts without overlap (the in-memory rank counts 2).
    expect(countsOf(searchWordsOf('a a a'), termsOf('"a a"')).counts).toEqual([1]);
  });

  it('writes every needle as a quoted literal and doubles as exact DOUBLE literals', () => {
    const sql = queryCondition(parseSearchQuery(`it's OR "NEAR(x" ; DROP`));
    expect(sql).toBe(
      `((contains("_w", ' it s ')) OR (contains("_w", ' near x ') AND contains("_w", ' drop ')))`,
    );
    expect(doubleLiteral(2.2)).toBe('2.2e0');
    expect(doubleLiteral(1e-7)).toBe('1e-7');
    expect(() => doubleLiteral(Number.NaN)).toThrow();
  });
});
