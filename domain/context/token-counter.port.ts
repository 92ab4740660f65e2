/** The tokenizers a context can be measured with (OpenAI's BPE encodings). */
export const TOKENIZERS = ['o200k_base', 'cl100k_base'] as const;
export type TokenizerName = (typeof TOKENIZERS)[number];

/** The tokenizer a context is measured with when neither the setting nor the request names one. */
export const DEFAULT_TOKENIZER: TokenizerName = 'o200k_base';

export const isTokenizerName = (value: unknown): value is TokenizerName =>
  typeof value === 'string' && (TOKENIZERS as readonly string[]).includes(value);

/**
 * Counts the tokens of a text the way a language model's tokenizer does (a port: the domain
 * never knows which library encodes).
 */
export interface TokenCounter {
  /** The encoding, e.g. `o200k_base`. */
  readonly name: TokenizerName;
  /**
   * The exact number of tokens `text` encodes to. Text that looks like a special token
   * (`<|endoftext|>`) is counted as the plain text it is, never refused.
   */
  countTokens(text: string): number;
  /**
   * The most UTF-8 bytes one token of the encoding covers: a text of `b` bytes has at least
   * `ceil(b / maxTokenBytes)` tokens, which bounds what the context needs to read.
   */
  readonly maxTokenBytes: number;
}

/** The token counter of each tokenizer. */
export type TokenCounters = (name: TokenizerName) => TokenCounter;
