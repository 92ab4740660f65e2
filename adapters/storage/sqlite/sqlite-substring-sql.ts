import type Database from 'better-sqlite3';
import type { MemoryFilter } from '../../../domain/index.js';

/**
 * The SQL function behind the case-insensitive `contentContains`: whether `content` lowercased
 * holds `lowered` (the pattern, lowercased by the caller), with JavaScript's `toLowerCase`, so
 * the result is the domain's `contentMatches` exactly (SQLite's own `lower` folds ASCII only).
 */
export const CONTAINS_IGNORING_CASE = 'memtrace_contains_ci';

/** Registers {@link CONTAINS_IGNORING_CASE} on a connection; idempotent. */
export function registerSubstringFunctions(db: Database.Database): void {
  db.function(CONTAINS_IGNORING_CASE, { deterministic: true }, (content, lowered) =>
    typeof content === 'string' && typeof lowered === 'string'
      ? Number(content.toLowerCase().includes(lowered))
      : 0,
  );
}

/**
 * The shortest pattern, in characters, the trigram index (0011, `memory_trigrams`) serves: a
 * trigram phrase MATCH is a substring match only for three characters or more.
 */
export const MIN_INDEXED_PATTERN = 3;

/**
 * At most this many index candidates, a query is driven by the substring index (its candidates
 * fetched by rowid and sorted); beyond, by its driving index with the substring checked on each
 * row, which stops at the page's end. The probe that decides reads at most this many postings.
 */
export const SUBSTRING_DRIVE_MAX = 500;

/** Whether the trigram index can serve `pattern` (see {@link MIN_INDEXED_PATTERN}). */
export const isIndexable = (pattern: string): boolean =>
  [...pattern].length >= MIN_INDEXED_PATTERN && !pattern.includes('\u0000');

/** `pattern` as an FTS5 string: one phrase, every character literal (`"` doubled). */
export const ftsPhrase = (pattern: string): string => `"${pattern.replaceAll('"', '""')}"`;

const probes = new WeakMap<
  Database.Database,
  Database.Statement<[string, number], { n: number }>
>();

/**
 * Whether a query with `filter` is better driven by the substring index: its pattern is
 * indexable, no id list drives it already, and the index holds at most
 * {@link SUBSTRING_DRIVE_MAX} candidates for it (a probe bounded by that number, so a common
 * pattern costs a bounded look and then walks the driving index as before).
 */
export function substringDriven(db: Database.Database, filter: MemoryFilter): boolean {
  const pattern = filter.contentContains;
  if (pattern === undefined || filter.ids !== undefined || !isIndexable(pattern)) return false;
  // A search is driven by the full-text index; the substring is checked on its rows.
  if (filter.query !== undefined) return false;
  let probe = probes.get(db);
  if (probe === undefined) {
    probe = db.prepare(
      'SELECT count(*) AS n FROM (SELECT rowid FROM memory_trigrams ' +
        'WHERE memory_trigrams MATCH ? LIMIT ?)',
    );
    probes.set(db, probe);
  }
  return (
    (probe.get(ftsPhrase(pattern), SUBSTRING_DRIVE_MAX + 1) as { n: number }).n <=
    SUBSTRING_DRIVE_MAX
  );
}

/**
 * The conditions of `contentContains` (`ignoreCase`: the case-insensitive form) on the memory
 * row `m`. Driven by the index (`driven`), the rows are first narrowed, by rowid, to those the
 * trigram index holds every trigram of the pattern for, in sequence (case-folded, so a superset
 * of both forms). The row check then gives the exact semantics: `instr` (case-sensitive; `%`,
 * `_` and `\` plain) or {@link CONTAINS_IGNORING_CASE}.
 */
export function substringConditions(
  pattern: string,
  ignoreCase: boolean,
  driven: boolean,
): { sql: string; param: string }[] {
  const onRow = ignoreCase
    ? { sql: `${CONTAINS_IGNORING_CASE}(m.content, ?)`, param: pattern.toLowerCase() }
    : { sql: 'instr(m.content, ?) > 0', param: pattern };
  if (!driven) return [onRow];
  const lookup = {
    sql: 'm.seq IN (SELECT rowid FROM memory_trigrams WHERE memory_trigrams MATCH ?)',
    param: ftsPhrase(pattern),
  };
  return [lookup, onRow];
}
