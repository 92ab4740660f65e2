import { describe, expect, it } from 'vitest';
import { GptTokenCounter } from '../../../adapters/tokenizer/gpt-token-counter.js';
import {
  contextLine,
  LINE_TOKENIZER,
  LINE_TOKENS_MAX_CHARS,
  lineTokensOf,
  type TokenCounter,
} from '../../../domain/index.js';
import { aMemory } from '../../support/builders.js';

const counter = new GptTokenCounter(LINE_TOKENIZER);
const lineTokens = lineTokensOf(counter);

describe('lineTokensOf', () => {
  it.each([
    'deployed the crawler to staging',
    '# not a heading\n- nor a bullet\r\n1. nor an item',
    '😀😀😀 three faces',
  ])('counts the context line of %j with its newline when it ends with a letter', (content) => {
    const line = contextLine(aMemory({ content }));
    expect(lineTokens(content)).toBe(counter.countTokens(`${line}\n`));
    expect(lineTokens(content)).toBeGreaterThan(0);
  });

  /** Contents ending every way a line can: letters and digits of many scripts, marks, punctuation, spaces, breaks. */
  const ENDINGS = [
    '',
    'a',
    'Z',
    '9',
    '100',
    'é',
    'ß',
    'Ж',
    'ω',
    'ع',
    'א',
    'क',
    'क्',
    'ก',
    '字',
    'かな',
    'カ',
    '한',
    '.',
    '...',
    '!',
    '?',
    ':',
    ';',
    ',',
    ')',
    ']',
    '}',
    '"',
    "'",
    '`',
    '*',
    '-',
    '—',
    '…',
    '。',
    '！',
    '😀',
    '👍🏽',
    '\u0301',
    ' ',
    '  ',
    '\t',
    '\n',
    '\r\n',
    '\u2028',
    '/',
    '\\',
    '#',
    '|',
    '$',
    '%',
    '.\n',
    ' .',
    '  !',
    '!!',
    '?!',
    '.)',
    '"!',
    '---',
    '===',
    '...\n\n',
  ];
  const BODIES = [
    '',
    'deployed the crawler',
    'x',
    '多言語のテキスト',
    'ok 12',
    '- a',
    'end ',
    '1.',
  ];
  const contents = BODIES.flatMap((b) => ENDINGS.map((e) => `${b}${e}`));
  /** The tokens of a content's context line with no ending, a newline and a blank line. */
  const endingsOf = (content: string) => {
    const line = contextLine(aMemory({ content }));
    return {
      bare: counter.countTokens(line),
      newline: counter.countTokens(`${line}\n`),
      blank: counter.countTokens(`${line}\n\n`),
    };
  };

  it('never counts more than one token above the cheapest ending of a line, nor above its newline ending', () => {
    for (const content of contents) {
      const { bare, newline, blank } = endingsOf(content);
      const counted = lineTokens(content);
      expect(counted, JSON.stringify(content)).toBeGreaterThan(0);
      expect(counted, JSON.stringify(content)).toBeLessThanOrEqual(newline);
      expect(counted - 1, JSON.stringify(content)).toBeLessThanOrEqual(
        Math.min(bare, newline, blank),
      );
    }
  });

  it('counts what counting the whole line with each of its three endings gives', () => {
    for (const content of contents) {
      const { bare, newline, blank } = endingsOf(content);
      expect(lineTokens(content), JSON.stringify(content)).toBe(
        Math.min(newline, Math.min(bare, blank) + 1),
      );
    }
  });

  it('after a letter or a digit, the newline and the blank line are a token of their own', () => {
    for (const content of contents.filter((c) => /[\p{L}\p{N}]$/u.test(c))) {
      const { bare, newline, blank } = endingsOf(content);
      expect(bare, JSON.stringify(content)).toBe(newline - 1);
      expect(blank, JSON.stringify(content)).toBe(newline);
    }
  });

  it('counts one more than the cheapest other ending when that is cheaper than the newline', () => {
    // A counter (additive, as pieces are) by which a single newline at the end costs 5 more (a
    // line ending in a letter is not asked: the encoding's own newline after it is one token)
    const dear: TokenCounter = {
      name: LINE_TOKENIZER,
      maxTokenBytes: 1,
      countTokens: (t) => t.length + (t.endsWith('\n') && !t.endsWith('\n\n') ? 5 : 0),
    };
    const cheap = lineTokensOf(dear);
    // '- ab.': with nothing after it 5, with a newline 11, with a blank line 7
    expect(cheap('ab.')).toBe(6);
    expect(cheap('ab. \u0301')).toBe(dear.countTokens('- ab. \u0301') + 1);
  });

  it('counts a content of the longest counted length, and 0 for a longer one', () => {
    const longest = 'say '.repeat(LINE_TOKENS_MAX_CHARS / 4);
    expect(longest).toHaveLength(LINE_TOKENS_MAX_CHARS);
    expect(lineTokens(longest)).toBeGreaterThan(LINE_TOKENS_MAX_CHARS / 8);
    expect(lineTokens(`${longest}x`)).toBe(0);
  });
});
