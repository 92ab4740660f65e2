import { contentLine } from './context-formatter.js';
import type { TokenCounter, TokenizerName } from './token-counter.port.js';

/**
 * The tokenizer in which a store keeps each memory's line tokens (see {@link LineTokens}): the
 * default one, so the contexts most requests ask for can be bounded by it.
 */
export const LINE_TOKENIZER: TokenizerName = 'o200k_base';

/**
 * The tokens of a memory's context line followed by a newline (what a markdown budget counts for
 * a line that is not its section's last), from its content alone. A store given this function
 * keeps the count with each memory it writes, so that a context can ask only for memories whose
 * line could still fit (`PriorityQuery.maxLineTokens`) and skip the rest without reading them.
 */
export type LineTokens = (content: string) => number;

/**
 * The longest content (UTF-16 code units) whose line tokens are counted; a longer one counts 0,
 * so it is read like a memory stored without a count. Counting takes about 100 ms a megabyte,
 * which a write should not spend for nothing: the context's length bound already passes over a
 * content this long whenever fewer than (64 Ki / 128) - 8 = 504 tokens are free.
 */
export const LINE_TOKENS_MAX_CHARS = 65_536;

/**
 * The {@link LineTokens} of a store given none: every memory counts 0, which a token bound never
 * leaves out, so such a store returns every candidate and the caller counts them.
 */
export const NO_LINE_TOKENS: LineTokens = () => 0;

/** {@link LineTokens} counted by `counter` (a counter of {@link LINE_TOKENIZER}). */
export const lineTokensOf =
  (counter: TokenCounter): LineTokens =>
  (content) =>
    content.length > LINE_TOKENS_MAX_CHARS ? 0 : counter.countTokens(`${contentLine(content)}\n`);
