import { createRequire } from 'node:module';
import type { TokenCounter, TokenCounters, TokenizerName } from '../../domain/index.js';
import { LONG_PIECE, LongPieceCounter, splitRegex } from './long-piece-counter.js';

/** What this adapter uses of an encoding module of gpt-tokenizer. */
interface Encoding {
  countTokens(text: string, options: { disallowedSpecial: Set<string> }): number;
}

const require = createRequire(import.meta.url);

/**
 * Each encoding's module, required only when first used: an encoding's tables take a few hundred
 * milliseconds to load, which a server that never builds a context, or uses one encoding, skips.
 */
const MODULES: Readonly<Record<TokenizerName, string>> = {
  o200k_base: 'gpt-tokenizer/encoding/o200k_base',
  cl100k_base: 'gpt-tokenizer/encoding/cl100k_base',
};

/** The longest token of both encodings: 128 bytes (a run of spaces). */
const MAX_TOKEN_BYTES = 128;

/** Nothing is a special token: `<|endoftext|>` in a memory is counted as the text it is. */
const NO_SPECIAL = { disallowedSpecial: new Set<string>() };

/** A {@link TokenCounter} on gpt-tokenizer (OpenAI's BPE encodings in plain JavaScript). */
export class GptTokenCounter implements TokenCounter {
  readonly maxTokenBytes = MAX_TOKEN_BYTES;
  private encoding: Encoding | null = null;
  private regex: RegExp | null = null;
  private long: LongPieceCounter | null = null;

  constructor(readonly name: TokenizerName) {}

  countTokens(text: string): number {
    this.encoding ??= require(MODULES[this.name]) as Encoding;
    if (text.length > LONG_PIECE) {
      // A long piece (a run of letters without a space, as CJK text has) would take quadratic
      // time in gpt-tokenizer: such texts are counted by LongPieceCounter, with the same result.
      this.regex ??= splitRegex(this.name);
      for (const [piece] of text.matchAll(this.regex)) {
        if (piece.length > LONG_PIECE) {
          this.long ??= new LongPieceCounter(this.name);
          return this.long.count(text, this.regex);
        }
      }
    }
    return this.encoding.countTokens(text, NO_SPECIAL);
  }
}

/** One counter per encoding, made on first use and shared after. */
export function gptTokenCounters(): TokenCounters {
  const made = new Map<TokenizerName, GptTokenCounter>();
  return (name) => {
    let counter = made.get(name);
    if (!counter) {
      counter = new GptTokenCounter(name);
      made.set(name, counter);
    }
    return counter;
  };
}
