// The columns memtrace added to its Arc rows after the first ones: `created_at_ms`,
// `expires_at_ms`, `pinned`, `revision`, `supersedes`, `superseded_by` came together, then
// `search_words` later. The marked expressions every read names them through, and their stand-ins
// on a measurement no row of which has them yet.

/**
 * A memory's recording time in ms: `created_at_ms`, or `time_ms` in a row written before it.
 * The comment marks the expression: no value's literal contains `/*` (see `sqlString`), so
 * {@link withoutCreatedAtColumn} finds only this.
 */
export const CREATED_MS = 'COALESCE("created_at_ms", "time_ms") /*created*/';
/** A row's own expiry, 0 when it has none (or was written before expiry existed); marked as above. */
export const EXPIRES_AT = 'COALESCE("expires_at_ms", 0) /*expires*/';
/** 1 when the row is pinned, else 0 (also when written before pinning existed); marked as above. */
export const PINNED = 'COALESCE("pinned", 0) /*pinned*/';

/** A row's revision (0 in a row written before revisions existed); marked as above. */
export const REVISION = 'coalesce("revision", 0) /*revision*/';
/** The memory a row's memory corrects; marked as above. */
export const SUPERSEDES = '"supersedes" /*supersedes*/';
/** The memory that corrects a row's memory (null while current); marked as above. */
export const SUPERSEDED_BY = '"superseded_by" /*superseded_by*/';

/**
 * The words of a row's content as the search reads them (`search_words`: ` a b c `, the words of
 * `tokenizeWords(content)` between single spaces). A row written before the column existed has
 * none and reads the stand-in {@link APPROXIMATE_WORDS}. Marked as above.
 */
export const SEARCH_WORDS = `COALESCE("search_words", ${approximateWords()}) /*words*/`;

/**
 * The stand-in of `search_words` for a row written before it existed, in DuckDB SQL: the content
 * in lower case, each run of characters other than letters, digits, private-use characters and
 * the combining diacritics U+0300..U+0331 made one space. It approximates the word rule: it agrees
 * on Latin, Greek, Cyrillic, CJK and most text, and differs where FTS5's Unicode 6.1 tables do
 * (a combining mark other than those continues a word here; an emoji or a character Unicode
 * assigned after 6.1 separates words here; a few case folds such as ſ→s).
 */
function approximateWords(): string {
  return (
    `regexp_replace(' ' || lower("content") || ' ', ` +
    `'[^\\p{L}\\p{N}\\p{Co}\\x{300}-\\x{331}]+', ' ', 'g')`
  );
}
export const APPROXIMATE_WORDS = `${approximateWords()} /*words*/`;

/** Each marked expression over a column rows written before this memtrace lack, and its stand-in. */
const SEARCH_COLUMNS: readonly (readonly [string, string])[] = [[SEARCH_WORDS, APPROXIMATE_WORDS]];

/** Each marked expression over a column rows written before this memtrace lack, and its stand-in. */
const NEW_COLUMNS: readonly (readonly [string, string])[] = [
  ...SEARCH_COLUMNS,
  [CREATED_MS, '"time_ms" /*created*/'],
  [EXPIRES_AT, '0 /*expires*/'],
  [PINNED, '0 /*pinned*/'],
  [REVISION, 'CAST(0 AS BIGINT) /*revision*/'],
  [SUPERSEDES, 'CAST(NULL AS VARCHAR) /*supersedes*/'],
  [SUPERSEDED_BY, 'CAST(NULL AS VARCHAR) /*superseded_by*/'],
];

/**
 * Whether `sql` names a column that rows written before this memtrace lack (`created_at_ms`,
 * `expires_at_ms`, `pinned`, `revision`, `supersedes` and `superseded_by` came together): Arc
 * refuses such SQL on a measurement where no row has them yet.
 */
export const namesNewColumns = (sql: string): boolean =>
  NEW_COLUMNS.some(([expression]) => sql.includes(expression));

/** Whether `sql` names `search_words` (which came after the other new columns). */
export const namesSearchWords = (sql: string): boolean =>
  SEARCH_COLUMNS.some(([expression]) => sql.includes(expression));

/**
 * `sql` for a measurement where no row has `search_words` yet (every row was written before it
 * existed): each row's words are the stand-in {@link APPROXIMATE_WORDS}.
 */
export const withoutSearchWordsColumn = (sql: string): string =>
  SEARCH_COLUMNS.reduce((out, [expression, standIn]) => out.replaceAll(expression, standIn), sql);

/**
 * `sql` for a measurement where no row has `created_at_ms` yet (every row was written before it
 * existed, so Arc knows no such column, nor the others that came with it): each row's recording
 * time is its `time_ms`, it has no expiry, is not pinned, and is the current, only revision.
 */
export const withoutCreatedAtColumn = (sql: string): string =>
  NEW_COLUMNS.reduce((out, [expression, standIn]) => out.replaceAll(expression, standIn), sql);

/** Whether a measurement has the `column` column: one row, `has` true, false or null. */
export const buildHasColumn = (measurementIdent: string, column: string): string =>
  `SELECT bool_or(json_exists(to_json(t), '$.${column}')) AS "has" ` +
  `FROM (SELECT * FROM ${measurementIdent} LIMIT 1) AS t`;

/** Whether a measurement has the `created_at_ms` column: one row, `has` true, false or null. */
export const buildHasCreatedAt = (measurementIdent: string): string =>
  buildHasColumn(measurementIdent, 'created_at_ms');
