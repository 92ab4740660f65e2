import fc from 'fast-check';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { GptTokenCounter } from '../../../adapters/tokenizer/gpt-token-counter.js';
import { LongPieceCounter, splitRegex } from '../../../adapters/tokenizer/long-piece-counter.js';
import { TOKENIZERS } from '../../../domain/index.js';

const require = createRequire(import.meta.url);
/** gpt-tokenizer itself, to compare with. */
const library = (name: string) =>
  require(`gpt-tokenizer/encoding/${name}`) as {
    countTokens(t: string, o: { disallowedSpecial: Set<string> }): number;
  };
const bpeRanks = (name: string) =>
  (require(`gpt-tokenizer/bpeRanks/${name}`) as { default: (string | number[])[] }).default;

describe.each(TOKENIZERS)('GptTokenCounter(%s)', (name) => {
  const counter = new GptTokenCounter(name);

  it('counts text that looks like a special token as plain text, never refusing it', () => {
    expect(counter.countTokens('a <|endoftext|> b')).toBeGreaterThan(3);
    expect(counter.countTokens('<|im_start|>')).toBeGreaterThan(1);
  });

  it('knows the longest token of the encoding in bytes', () => {
    const encoder = new TextEncoder();
    const longest = bpeRanks(name).reduce(
      (max, v) => Math.max(max, typeof v === 'string' ? encoder.encode(v).length : v.length),
      0,
    );
    expect(counter.maxTokenBytes).toBe(longest);
  });

  it('counts long pieces (CJK runs, long words, emoji) exactly as gpt-tokenizer does, fast', () => {
    const long = new LongPieceCounter(name);
    const regex = splitRegex(name);
    const lib = library(name);
    const pieceArb = fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }),
      fc.constantFrom('决定使用数据库事务', '東京の顧客データ', '😀👍🏽🇯🇵', 'abcxyz', 'e\u0301', ' '),
    );
    fc.assert(
      fc.property(fc.array(pieceArb, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(long.count(text, regex)).toBe(
          lib.countTokens(text, { disallowedSpecial: new Set() }),
        );
      }),
      { seed: 161207, numRuns: 60 },
    );
    // 100,000 CJK characters in one piece: gpt-tokenizer's quadratic merge takes minutes (2.3 s
    // for 16,000); the heap merge a few seconds even on a busy machine.
    const started = performance.now();
    expect(counter.countTokens('中文测试'.repeat(25_000))).toBeGreaterThan(25_000);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
