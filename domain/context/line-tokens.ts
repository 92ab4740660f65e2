import { contentLine } from './context-formatter.js';
import type { TokenCounter, TokenizerName } from './token-counter.port.js';

/**
 * The tokenizer in which a store keeps each memory's line tokens (see {@link LineTokens}): the
 * default one, so the contexts most requests ask for can be bounded by it.
 */
export const LINE_TOKENIZER: TokenizerName = 'o200k_base';

/**
 * A memory's line tokens, from its content alone: a count such that no ending of its context
 * line (a newline, a blank line, or nothing, as a markdown budget counts the line: not its
 * section's last, last of a section another follows, last of all) has fewer than that count
 * less one tokens; 0 when not counted. A store given this function keeps the count with each
 * memory it writes, so that a context can ask only for memories whose line could still fit
 * (`PriorityQuery.maxLineTokens`) and skip the rest without reading them.
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

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const SURROGATE_PAIR = /^[\uD800-\uDBFF][\uDC00-\uDFFF]$/;
/** Marks: a word piece of the pre-tokenizer goes on over them. */
const MARK = /\p{M}/u;

/** The end of `line` after its last letter or digit (a full stop, a space, nothing). */
function tailOf(line: string): string {
  let start = line.length;
  while (start > 0) {
    const pair = start >= 2 && SURROGATE_PAIR.test(line.slice(start - 2, start)) ? 2 : 1;
    if (LETTER_OR_DIGIT.test(line.slice(start - pair, start))) break;
    start -= pair;
  }
  return line.slice(start);
}

/**
 * {@link LineTokens} counted by `counter` (a counter of {@link LINE_TOKENIZER}): the tokens of
 * the line with a newline, or one more than its cheapest other ending (nothing, a blank line)
 * when that is fewer. The encoding's pre-tokenizer cuts right after the line's last letter or
 * digit when no mark follows it (no piece takes a letter or digit and then anything else but
 * marks), so the endings differ only in the tail after it, whose three endings are counted
 * alone; a tail with a mark, or a line without letters or digits, is counted whole three times.
 */
export const lineTokensOf =
  (counter: TokenCounter): LineTokens =>
  (content) => {
    if (content.length > LINE_TOKENS_MAX_CHARS) return 0;
    const line = contentLine(content);
    const withNewline = counter.countTokens(`${line}\n`);
    const tail = tailOf(line);
    // After a letter or a digit the newline is a token of its own, and so is the blank line.
    if (tail.length === 0) return withNewline;
    const whole = tail.length === line.length || MARK.test(tail);
    const ending = whole ? line : tail;
    const newline = whole ? withNewline : counter.countTokens(`${tail}\n`);
    const saved =
      newline - Math.min(counter.countTokens(ending), counter.countTokens(`${ending}\n\n`));
    return saved > 1 ? withNewline - saved + 1 : withNewline;
  };
