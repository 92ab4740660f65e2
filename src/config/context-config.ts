import { TOKENIZERS, isTokenizerName, type TokenizerName } from '../../domain/index.js';
import { ConfigError } from './config-error.js';
import type { ReadSetting, SettingName } from './parse-setting.js';

/** Session context settings (`[context]` in memtrace.toml, MEMTRACE_CONTEXT_*). */
export interface ContextConfig {
  /**
   * MEMTRACE_CONTEXT_TOKENIZER (default `o200k_base`): the tokenizer that counts a context's
   * `max_tokens` when the request names none; `o200k_base` or `cl100k_base`.
   */
  readonly tokenizer: TokenizerName;
}

/** @throws ConfigError naming the setting when it is not a known tokenizer */
export function readContextConfig(read: ReadSetting, name: SettingName): ContextConfig {
  const tokenizer = (read('context', 'tokenizer') ?? 'o200k_base').trim();
  if (!isTokenizerName(tokenizer)) {
    throw new ConfigError(
      `${name('context', 'tokenizer')} must be ${TOKENIZERS.map((t) => `'${t}'`).join(' or ')}, got '${tokenizer}'`,
    );
  }
  return { tokenizer };
}
