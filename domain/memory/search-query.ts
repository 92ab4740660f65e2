import { invalid } from '../shared/errors.js';
import { tokenizeWords } from './search-words.js';

export { tokenizeWords } from './search-words.js';

/**
 * One term of a search: a word, a prefix (the last word of `words` is a prefix, any before it
 * must precede it adjacently) or a phrase (the words adjacent and in order). Words are folded as
 * {@link tokenizeWords} folds them.
 */
export interface SearchTerm {
  readonly kind: 'word' | 'prefix' | 'phrase';
  /** At least one; `word` has exactly one, `phrase` at least two. */
  readonly words: readonly string[];
}

/**
 * A parsed keyword search: it matches a memory when every term of at least one group matches
 * (an OR of AND-groups). Parse with {@link parseSearchQuery}; never built from raw text.
 */
export interface SearchQuery {
  /** The text as the caller wrote it (cursors bind it). */
  readonly text: string;
  /** At least one group; each group has at least one term. */
  readonly groups: readonly (readonly SearchTerm[])[];
}

export const MAX_QUERY_LENGTH = 1000;
export const MAX_QUERY_TERMS = 32;

/** A chunk of the text: a double-quoted run, or a run without whitespace outside quotes. */
interface Chunk {
  readonly text: string;
  readonly quoted: boolean;
}

/**
 * Splits the text into chunks: whitespace separates them, a pair of double quotes encloses one
 * (whitespace included), and a quote with no partner is an ordinary character.
 */
function chunksOf(text: string): Chunk[] {
  const quotes: number[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] === '"') quotes.push(i);
  // The last quote of an odd count has no partner.
  const stray = quotes.length % 2 === 1 ? quotes[quotes.length - 1] : -1;
  const chunks: Chunk[] = [];
  let current = '';
  const flush = () => {
    if (current !== '') chunks.push({ text: current, quoted: false });
    current = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '"' && i !== stray) {
      flush();
      const end = text.indexOf('"', i + 1);
      chunks.push({ text: text.slice(i + 1, end), quoted: true });
      i = end;
    } else if (/\s/u.test(ch)) flush();
    else current += ch;
  }
  flush();
  return chunks;
}

/** The term a chunk stands for, or null when it holds no word. */
function termOf(chunk: Chunk): SearchTerm | null {
  const prefix = !chunk.quoted && chunk.text.endsWith('*');
  const words = tokenizeWords(chunk.text);
  if (words.length === 0) return null;
  if (prefix) return { kind: 'prefix', words };
  return { kind: words.length === 1 ? 'word' : 'phrase', words };
}

/**
 * Parses a keyword search. The language, the same on every store:
 * - words are runs of letters and digits (see {@link tokenizeWords}), compared case-insensitively;
 * - terms separated by whitespace must all match (AND);
 * - `OR` (upper case, unquoted, between two terms) separates alternatives; AND binds tighter,
 *   so `a b OR c` is (a AND b) OR c;
 * - `"a b c"` is a phrase: the words adjacent and in order;
 * - a term ending in `*` is a prefix: `deploy*` matches `deployment`;
 * - nothing else is syntax: parentheses, `NEAR(`, `AND`, `NOT`, `-`, `:`, `^`, a quote without a
 *   partner are ordinary text; a term of several words (`foo-bar`, `snake_case`) is a phrase of
 *   them; a term of no word (`*`, `:`) is dropped.
 * @throws DomainError `invalid` for a query with no word, longer than {@link MAX_QUERY_LENGTH}
 *   characters, or of more than {@link MAX_QUERY_TERMS} terms
 */
export function parseSearchQuery(text: string): SearchQuery {
  if (text.length > MAX_QUERY_LENGTH) {
    throw invalid(`query must be at most ${MAX_QUERY_LENGTH} characters`);
  }
  const chunks = chunksOf(text);
  const groups: SearchTerm[][] = [];
  let group: SearchTerm[] = [];
  let terms = 0;
  chunks.forEach((chunk, i) => {
    const isOr = !chunk.quoted && chunk.text === 'OR';
    if (isOr && group.length > 0 && i < chunks.length - 1) {
      groups.push(group);
      group = [];
      return;
    }
    const term = termOf(chunk);
    if (term === null) return;
    group.push(term);
    terms++;
  });
  if (group.length > 0) groups.push(group);
  if (terms === 0) throw invalid('query must contain at least one word (letters or digits)');
  if (terms > MAX_QUERY_TERMS) {
    throw invalid(`query must have at most ${MAX_QUERY_TERMS} terms (it has ${terms})`);
  }
  return { text, groups };
}

/** Where the term occurs in the words (the index of its first word), in order. */
export function termPositions(words: readonly string[], term: SearchTerm): number[] {
  const at: number[] = [];
  const n = term.words.length;
  for (let i = 0; i + n <= words.length; i++) {
    let ok = true;
    for (let j = 0; j < n && ok; j++) {
      const want = term.words[j] as string;
      const got = words[i + j] as string;
      ok = term.kind === 'prefix' && j === n - 1 ? got.startsWith(want) : got === want;
    }
    if (ok) at.push(i);
  }
  return at;
}

/** Whether words (from {@link tokenizeWords}) match the query. */
export function matchesWords(words: readonly string[], q: SearchQuery): boolean {
  return q.groups.some((g) => g.every((t) => termPositions(words, t).length > 0));
}

/** Whether the content matches the query: the meaning every store reproduces. */
export function matchesSearch(content: string, q: SearchQuery): boolean {
  return matchesWords(tokenizeWords(content), q);
}

/** The distinct terms of the query, in order of first appearance (what a rank sums over). */
export function distinctTerms(q: SearchQuery): SearchTerm[] {
  const seen = new Map<string, SearchTerm>();
  for (const g of q.groups) for (const t of g) seen.set(`${t.kind}\u0000${t.words.join(' ')}`, t);
  return [...seen.values()];
}
