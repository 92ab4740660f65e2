import { tokenizeWords, type SearchQuery, type SearchTerm } from '../../../domain/index.js';
import type { Params } from './postgres-sql-params.js';

/**
 * How memories are indexed for keyword search (migration 0012, `memories.search_vector`): the
 * text-search configuration (`MEMTRACE_STORAGE_POSTGRES_TEXT_SEARCH_CONFIG`) and whether it is
 * `simple`. With `simple` (`exact`) the vector is built from the domain's words as they are (a
 * tsvector literal: no parser, no dictionary), so matching is the domain's rule exactly; with any
 * other configuration the domain's words, joined by spaces, go through `to_tsvector(config, ...)`
 * (its parser, stemming and stop words).
 */
export interface TextSearch {
  /** The configuration's name as PostgreSQL prints the regconfig. */
  readonly config: string;
  readonly exact: boolean;
}

export const SIMPLE_TEXT_SEARCH: TextSearch = { config: 'simple', exact: true };

/** ts_rank_cd's normalisation: rank / (1 + ln(number of words)); see docs/api.md. */
export const RANK_NORMALIZATION = 1;

/** PostgreSQL's longest lexeme, in UTF-8 bytes; a longer word is not indexed. */
export const MAX_LEXEME_BYTES = 2047;
/** Positions above this are stored as it (PostgreSQL's limit). */
const MAX_POSITION = 16383;
/** Positions kept per lexeme (PostgreSQL's limit); later occurrences are not recorded. */
const MAX_POSITIONS_PER_LEXEME = 256;
/**
 * The bytes of lexemes and positions a tsvector may hold is 1 MiB - 1; the words past a little
 * less than that are left out (a content of about 100,000 distinct words or more).
 */
const MAX_VECTOR_BYTES = 1_000_000;

const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** A lexeme quoted for tsvector / tsquery input: quotes and backslashes doubled. */
const quoteLexeme = (w: string): string => `'${w.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

/** The words of a content as the index holds them: each with its positions (1-based), and in order. */
interface IndexedWords {
  readonly positions: Map<string, number[]>;
  readonly ordered: string[];
}

/**
 * The words of a content as the index holds them: words over {@link MAX_LEXEME_BYTES} are left
 * out (they keep their position, so a phrase never joins the words around them), and so are the
 * words past the size a tsvector can hold.
 */
function indexedWords(content: string): IndexedWords {
  const positions = new Map<string, number[]>();
  const ordered: string[] = [];
  let bytes = 0;
  tokenizeWords(content).forEach((w, i) => {
    const size = utf8Bytes(w);
    if (size > MAX_LEXEME_BYTES) return;
    let at = positions.get(w);
    // The lexeme, then (aligned) a count and 2 bytes per position.
    const cost = (at === undefined ? size + 3 : 0) + 2;
    if (bytes + cost > MAX_VECTOR_BYTES) return;
    bytes += cost;
    ordered.push(w);
    if (at === undefined) positions.set(w, (at = []));
    const position = Math.min(i + 1, MAX_POSITION);
    if (at.length < MAX_POSITIONS_PER_LEXEME && at[at.length - 1] !== position) at.push(position);
  });
  return { positions, ordered };
}

/**
 * What the insert sends for a content's `search_vector` (see {@link vectorFrom}): a tsvector
 * literal of the domain's words and their positions (`exact`), or the words joined by spaces.
 */
export function searchVectorSource(content: string, ts: TextSearch): string {
  const { positions, ordered } = indexedWords(content);
  if (!ts.exact) return ordered.join(' ');
  return [...positions].map(([w, at]) => `${quoteLexeme(w)}:${at.join(',')}`).join(' ');
}

/** The SQL giving the tsvector of a {@link searchVectorSource} expression. */
export function vectorFrom(source: string, ts: TextSearch, config: string): string {
  return ts.exact ? `${source}::tsvector` : `to_tsvector(${config}::regconfig, ${source})`;
}

const termQuery = (t: SearchTerm): string =>
  t.words
    .map((w, i) => {
      const prefix = t.kind === 'prefix' && i === t.words.length - 1 ? ':*' : '';
      return `${quoteLexeme(w)}${prefix}`;
    })
    .join(' <-> ');

/**
 * The query as tsquery text, built from quoted lexemes only (the user's text never reaches
 * tsquery syntax): each group's terms joined by `&`, the groups by `|`, a phrase `a <-> b`, a
 * prefix `'pre':*`. A group holding a word longer than PostgreSQL indexes can match nothing and
 * is left out; null when no group is left.
 */
export function tsqueryText(q: SearchQuery): string | null {
  const groups = q.groups.filter((g) =>
    g.every((t) => t.words.every((w) => utf8Bytes(w) <= MAX_LEXEME_BYTES)),
  );
  if (groups.length === 0) return null;
  return groups.map((g) => `(${g.map((t) => `(${termQuery(t)})`).join(' & ')})`).join(' | ');
}

/** The SQL of a keyword search on the memory row `m`: its condition and its score (float8). */
export interface SearchSql {
  readonly match: string;
  readonly score: string;
}

/**
 * The condition and score of `q` with its parameters in `p`. `exact`: the tsquery text is cast
 * as it is (`::tsquery`, no normalisation, as the vector); otherwise `to_tsquery(config, ...)`
 * normalises each quoted lexeme the way `to_tsvector` did the words (a query of stop words only
 * is then empty and matches nothing). The score is `ts_rank_cd(search_vector, query, 1)` as a
 * float8 (the float4 PostgreSQL computes, widened exactly), so a cursor's score compares equal.
 */
export function searchSql(q: SearchQuery, ts: TextSearch, p: Params): SearchSql {
  const text = tsqueryText(q);
  if (text === null) return { match: 'false', score: '0::float8' };
  const query = ts.exact
    ? p.add(text, '::tsquery')
    : `to_tsquery(${p.add(ts.config, '::regconfig')}, ${p.add(text)})`;
  return {
    match: `m.search_vector @@ ${query}`,
    score: `ts_rank_cd(m.search_vector, ${query}, ${RANK_NORMALIZATION})::float8`,
  };
}
