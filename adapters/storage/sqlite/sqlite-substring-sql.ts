import type Database from 'better-sqlite3';

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

/** One condition of a WHERE clause and its parameters. */
export interface SubstringCondition {
  /** Conditions on the driving index's seq alone (the index lookup): checked before the row. */
  readonly onSeq: readonly { sql: string; param: string }[];
  /** The exact check on the memory row `m`. */
  readonly onRow: { sql: string; param: string };
}

/** `pattern` as an FTS5 string: one phrase, every character literal (`"` doubled). */
const ftsPhrase = (pattern: string): string => `"${pattern.replaceAll('"', '""')}"`;

/**
 * The conditions of `contentContains` (`ignoreCase`: the case-insensitive form). A pattern of
 * {@link MIN_INDEXED_PATTERN} characters or more (without NUL) first narrows the rows to those
 * the trigram index holds every trigram of, in sequence (case-folded, so a superset of both
 * forms), by seq; the row check then gives the exact semantics: `instr` (case-sensitive,
 * `%`, `_` and `\` plain) or {@link CONTAINS_IGNORING_CASE}. Shorter patterns check every
 * candidate row, as the index cannot serve them.
 *
 * @param seq the column holding the candidate's seq (the driving index's own when it has one)
 */
export function substringCondition(
  seq: string,
  pattern: string,
  ignoreCase: boolean,
): SubstringCondition {
  const onRow = ignoreCase
    ? { sql: `${CONTAINS_IGNORING_CASE}(m.content, ?)`, param: pattern.toLowerCase() }
    : { sql: 'instr(m.content, ?) > 0', param: pattern };
  const indexed = [...pattern].length >= MIN_INDEXED_PATTERN && !pattern.includes('\u0000');
  const onSeq = indexed
    ? [
        {
          sql: `${seq} IN (SELECT rowid FROM memory_trigrams WHERE memory_trigrams MATCH ?)`,
          param: ftsPhrase(pattern),
        },
      ]
    : [];
  return { onSeq, onRow };
}
