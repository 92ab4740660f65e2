import { contentToBytes } from './row-mappers.js';
import type { Params } from './postgres-sql-params.js';

/** `text` as a LIKE pattern matching it anywhere: `%`, `_` and `\` (the escape) escaped. */
export const containsPattern = (text: string): string =>
  `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** What memtrace_content_text (0011) reads a NUL byte of content as. */
const NUL_AS = '\uffff';

/**
 * The conditions of `contentContains` on the memory row `m` (`ignoreCase`: the case-insensitive
 * form). Both go through memtrace_content_text(m.content), the expression the pg_trgm GIN index
 * of 0011 is on, so the planner may read the index for them:
 * - case-sensitive: `LIKE`, plus `position()` on the UTF-8 bytes, which keeps the match exact
 *   for content holding NUL (read as U+FFFF by the text form) and alone serves a pattern holding
 *   NUL (a text parameter cannot);
 * - case-insensitive: `ILIKE`, which lowercases both sides by the database's LC_CTYPE.
 */
export function substringConditions(p: Params, pattern: string, ignoreCase: boolean): string[] {
  const text = 'memtrace_content_text(m.content)';
  if (ignoreCase) {
    return [`${text} ILIKE ${p.add(containsPattern(pattern.replaceAll('\u0000', NUL_AS)))}`];
  }
  const exact = `position(${p.add(contentToBytes(pattern), '::bytea')} IN m.content) > 0`;
  return pattern.includes('\u0000')
    ? [exact]
    : [exact, `${text} LIKE ${p.add(containsPattern(pattern))}`];
}
