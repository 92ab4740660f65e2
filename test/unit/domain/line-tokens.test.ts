import { describe, expect, it } from 'vitest';
import { GptTokenCounter } from '../../../adapters/tokenizer/gpt-token-counter.js';
import {
  contextLine,
  LINE_TOKENIZER,
  LINE_TOKENS_MAX_CHARS,
  lineTokensOf,
} from '../../../domain/index.js';
import { aMemory } from '../../support/builders.js';

const counter = new GptTokenCounter(LINE_TOKENIZER);
const lineTokens = lineTokensOf(counter);

describe('lineTokensOf', () => {
  it.each([
    'deployed the crawler to staging',
    '# not a heading\n- nor a bullet\r\n1. nor an item',
    '😀😀😀 three faces',
    '',
  ])('counts the context line of %j with its newline, as the markdown budget does', (content) => {
    const line = contextLine(aMemory({ content }));
    expect(lineTokens(content)).toBe(counter.countTokens(`${line}\n`));
    expect(lineTokens(content)).toBeGreaterThan(0);
  });

  it('counts a content of the longest counted length, and 0 for a longer one', () => {
    const longest = 'say '.repeat(LINE_TOKENS_MAX_CHARS / 4);
    expect(longest).toHaveLength(LINE_TOKENS_MAX_CHARS);
    expect(lineTokens(longest)).toBeGreaterThan(LINE_TOKENS_MAX_CHARS / 8);
    expect(lineTokens(`${longest}x`)).toBe(0);
  });
});
