import { contentToBytes } from './row-mappers.js';
import type { Params } from './postgres-sql-params.js';

/** `text` as a LIKE pattern matching it anywhere: `%`, `_` and `\` (the escape) escaped. */
export const containsPattern = (text: string): string =>
  `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** What memtrace_content_text (0011) reads a NUL byte of content as. */
const NUL_AS = '\uffff';

/**
 * The conditions of `contentContains` on the memory row `m` (`ignoreCase`: the case-insensitive
 * form). With `useIndex` they test memtrace_content_text(m.content), the expression the pg_trgm
 * GIN index of 0011 is on, so the planner may read the index:
 * - case-sensitive: `LIKE`, plus `position()` on the UTF-8 bytes, which keeps the match exact
 *   for content holding NUL (read as U+FFFF by the text form) and alone serves a pattern holding
 *   NUL (a text parameter cannot);
 * - case-insensitive: `ILIKE`, which lowercases both sides by the database's LC_CTYPE.
 * Without `useIndex` (a narrower driving index leads: agent, session, tag, type, ids) the same
 * tests run on each row of that walk in a form the index does not match (`position()` alone;
 * `ILIKE` on the text `|| ''`): the planner, which cannot tell a common pattern from a rare
 * one, would otherwise trade the walk that stops at the page's end for a bitmap of every
 * candidate (measured at 1M: the page took 120 ms instead of 15).
 */
export function substringConditions(
  p: Params,
  pattern: string,
  ignoreCase: boolean,
  useIndex: boolean,
): string[] {
  const text = useIndex
    ? 'memtrace_content_text(m.content)'
    : "(memtrace_content_text(m.content) || '')";
  if (ignoreCase) {
    return [`${text} ILIKE ${p.add(containsPattern(pattern.replaceAll('\u0000', NUL_AS)))}`];
  }
  const exact = `position(${p.add(contentToBytes(pattern), '::bytea')} IN m.content) > 0`;
  return pattern.includes('\u0000') || !useIndex
    ? [exact]
    : [exact, `${text} LIKE ${p.add(containsPattern(pattern))}`];
}
