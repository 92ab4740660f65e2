import type { MemoryPage, MemoryQuery, SearchQuery, SearchTerm } from '../../../domain/index.js';
import { rowToMemory, type MemoryRow } from './row-mappers.js';

/**
 * The FTS5 index of memory content (migration 0012): contentless, rowid = `memories.seq`. FTS5
 * names a full-text table in MATCH and in its ranking functions by its own name, never an alias.
 */
export const FTS_TABLE = 'memories_fts';

/** FROM clause of a search: the index yields the matches, each memories row is read by rowid. */
export const FTS_FROM = `${FTS_TABLE} CROSS JOIN memories AS m ON m.seq = ${FTS_TABLE}.rowid`;

/**
 * The score of a match: FTS5's bm25() (k1 = 1.2, b = 0.75, over the whole index), negated so
 * that higher is better; positive for every match (FTS5 keeps each term's idf above zero).
 */
export const FTS_SCORE = `-bm25(${FTS_TABLE})`;

/** A string of FTS5's query syntax: always double-quoted, quotes inside doubled. */
const quoted = (words: readonly string[]): string => `"${words.join(' ').replaceAll('"', '""')}"`;

function termExpression(term: SearchTerm): string {
  // A quoted string is a phrase of its tokens; `*` after it makes the last token a prefix.
  return term.kind === 'prefix' ? `${quoted(term.words)}*` : quoted(term.words);
}

/**
 * The FTS5 MATCH expression of a parsed query: every term a quoted string (so no text of the
 * user is ever read as FTS5 syntax: `NEAR`, `AND`, `:`, `^`, parentheses are inside quotes, and
 * the words hold no quote), terms of a group joined by AND, groups by OR.
 */
export function ftsMatch(q: SearchQuery): string {
  return q.groups.map((g) => `(${g.map(termExpression).join(' AND ')})`).join(' OR ');
}

/** A row of `buildFindMemories`: the memory, its seq, and with a search its score. */
export type PageRow = MemoryRow & { readonly keyset_seq: number; readonly score?: number };

/**
 * The page of the rows read for the query: each row's (time, seq) position; with a search each
 * row's score, which relevance order puts in the position too.
 */
export function toMemoryPage(rows: readonly PageRow[], query: MemoryQuery): MemoryPage {
  const searched = query.filter.query !== undefined;
  const relevance = searched && query.byRelevance === true;
  return {
    memories: rows.map(rowToMemory),
    positions: rows.map((r) =>
      relevance
        ? { time: r.time, seq: String(r.keyset_seq), score: r.score as number }
        : { time: r.time, seq: String(r.keyset_seq) },
    ),
    ...(searched ? { scores: rows.map((r) => r.score as number) } : {}),
  };
}
