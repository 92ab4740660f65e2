import { GptTokenCounter } from '../../adapters/tokenizer/gpt-token-counter.js';
import { LINE_TOKENIZER, lineTokensOf, type LineTokens } from '../../domain/index.js';

/** The line tokens the server counts with (see src/storage.ts), for stores under test. */
export const TEST_LINE_TOKENS: LineTokens = lineTokensOf(new GptTokenCounter(LINE_TOKENIZER));
