import {
  distinctTerms,
  isPast,
  isPastByRelevance,
  type MemoryFilter,
  type MemoryPage,
  type MemoryQuery,
  type SearchQuery,
  type SearchTerm,
} from '../../../domain/index.js';
import { bySeq } from './arc-dedup.js';
import { ALL, before, compareStored, longIds, minSeq, since } from './arc-read-ranges.js';
import type { ArcTarget } from './arc-client.js';
import type { SeqRange } from './arc-memory-query.js';
import type { ArcQueries } from './arc-queries.js';
import {
  buildSearchPage,
  buildSearchRows,
  buildSearchStats,
  countColumn,
  LENGTH_COLUMN,
  SCORE_COLUMN,
} from './arc-search-sql.js';
import {
  addStats,
  constantsOf,
  countsOfContent,
  matchesCounts,
  scoreOf,
  statsOf,
  type SearchConstants,
  type SearchStats,
  type TermCounts,
} from './arc-search-terms.js';
import { MAX_SQL_CHARS } from './arc-sql.js';
import type { ArcTargets } from './arc-targets.js';
import { rowToStored, toInt, type ArcRow, type StoredMemory } from './arc-wire.js';

/** A memory of the collection read one by one: stored, with its counts. */
interface Counted extends StoredMemory {
  readonly row: TermCounts;
}

interface Scored extends StoredMemory {
  readonly score: number;
}

/**
 * Keyword search on Arc (`MemoryFilter.query`): matches by the words stored with each row,
 * scored by BM25 over the collection (the org's memories matching the filter without its query),
 * acknowledged writes included.
 *
 * Two statements: the collection's numbers (how many memories, their words, how many hold each
 * term), then the page, ranked in SQL with those numbers as literals. Rows Arc may not show yet
 * (from the oldest acknowledged write on) and reads by a long ids filter are read one by one
 * and scored here, by the same operations as the SQL (`scoreOf`), so a score never depends on
 * which side computed it and a relevance cursor stays exact.
 */
export class ArcSearch {
  constructor(
    private readonly targets: ArcTargets,
    private readonly queries: ArcQueries,
  ) {}

  async findPage(orgId: string, query: MemoryQuery): Promise<MemoryPage> {
    const { filter, offset, limit } = query;
    const q = filter.query as SearchQuery;
    const terms = distinctTerms(q);
    const collection: MemoryFilter = { ...filter };
    delete (collection as { query?: unknown }).query;
    const order = query.byRelevance === true ? 'relevance' : query.order;
    const { target, state } = await this.targets.open(orgId);
    const m = target.measurement;
    const all = state.pendingOf(orgId);
    const stale = state.pendingIdsOf(orgId);
    const pending: Counted[] = state
      .matching(orgId, collection)
      .map((p) => ({ ...p, row: countsOfContent(p.memory.content, terms) }));
    const fresh = (rows: readonly ArcRow[]) =>
      rows.map((r) => counted(r, terms)).filter((c) => !stale.has(c.memory.id));

    let scored: Scored[];
    if (inChunks(m, orgId, filter, terms, order, query)) {
      const ids = [...new Set(filter.ids)];
      const rows = fresh(
        await this.queries.chunks(target, ids, (chunk) =>
          buildSearchRows(m, orgId, { ...collection, ids: chunk }, terms, ALL),
        ),
      );
      const every = [...pending, ...rows];
      const stats = statsOf(
        every.map((c) => c.row),
        terms.length,
      );
      scored = this.scoreWith(every, terms, q, constantsOf(stats));
    } else if (all.length === 0) {
      const stats = await this.stats(target, orgId, collection, terms, ALL);
      if (stats.n === 0) return pageOf([], order, 0, null);
      const constants = constantsOf(stats);
      const sql = buildSearchPage(m, orgId, filter, terms, constants, order, query, ALL);
      return pageOf((await this.queries.rows(target, sql)).map(scoredRow), order, 0, null);
    } else {
      const from = minSeq(all);
      const [older, recent] = await Promise.all([
        this.stats(target, orgId, collection, terms, before(from)),
        this.queries.rows(target, buildSearchRows(m, orgId, collection, terms, since(from))),
        this.queries.confirm(target, state),
      ]);
      const one = [...pending, ...fresh(recent)];
      const constants = constantsOf(
        addStats(
          older,
          statsOf(
            one.map((c) => c.row),
            terms.length,
          ),
        ),
      );
      const head = { limit: limit === null ? null : offset + limit, offset: 0, after: query.after };
      const sql = buildSearchPage(m, orgId, filter, terms, constants, order, head, before(from));
      const shown = (await this.queries.rows(target, sql)).map(scoredRow);
      scored = [...shown, ...this.scoreWith(one, terms, q, constants)];
    }
    const past = scored.filter((s) => isAfter(s, order, query.after));
    return pageOf(past, order, offset, limit);
  }

  /** The collection's numbers over the rows in `range`. */
  private async stats(
    target: ArcTarget,
    orgId: string,
    collection: MemoryFilter,
    terms: readonly SearchTerm[],
    range: SeqRange,
  ): Promise<SearchStats> {
    const [row] = await this.queries.one(
      target,
      buildSearchStats(target.measurement, orgId, collection, terms, range),
    );
    return {
      n: toInt(row?.['n']),
      words: toInt(row?.['words']),
      having: terms.map((_, i) => toInt(row?.[`d${i}`])),
    };
  }

  /** Scores of the matches among `rows` (members of the collection). */
  private scoreWith(
    rows: readonly Counted[],
    terms: readonly SearchTerm[],
    q: SearchQuery,
    constants: SearchConstants,
  ): Scored[] {
    return rows
      .filter((c) => matchesCounts(q, terms, c.row.counts))
      .map((c) => ({
        memory: c.memory,
        seq: c.seq,
        revision: c.revision,
        score: scoreOf(c.row, constants),
      }));
  }
}

/** The longest a literal of a double is (`doubleLiteral`): sign, 17 digits, point, exponent. */
const LONGEST_DOUBLE = -2.2250738585072014e-308;

/**
 * Whether the search reads the filter's ids in chunks: when they are many (as other reads do),
 * or when a page with them inline would be longer than Arc takes (with a long query).
 */
function inChunks(
  m: string,
  orgId: string,
  filter: MemoryFilter,
  terms: readonly SearchTerm[],
  order: 'asc' | 'desc' | 'relevance',
  query: MemoryQuery,
): boolean {
  if (filter.ids === undefined) return false;
  if (longIds(filter)) return true;
  const worst = { idf: terms.map(() => LONGEST_DOUBLE), avg: LONGEST_DOUBLE };
  const after = query.after && { ...query.after, score: LONGEST_DOUBLE };
  const page = { limit: query.limit, offset: query.offset, after };
  return buildSearchPage(m, orgId, filter, terms, worst, order, page, ALL).length > MAX_SQL_CHARS;
}

function counted(r: ArcRow, terms: readonly SearchTerm[]): Counted {
  return {
    ...rowToStored(r),
    row: {
      length: toInt(r[LENGTH_COLUMN]),
      counts: terms.map((_, i) => toInt(r[countColumn(i)])),
    },
  };
}

function scoredRow(r: ArcRow): Scored {
  const score = r[SCORE_COLUMN];
  if (typeof score !== 'number')
    throw new Error(`Arc sent a score that is not a number: ${String(score)}`);
  return { ...rowToStored(r), score };
}

function isAfter(s: Scored, order: 'asc' | 'desc' | 'relevance', after: MemoryQuery['after']) {
  if (after === undefined) return true;
  if (order === 'relevance') return isPastByRelevance(s.score, s.memory.time, s.seq, after);
  return isPast(s.memory.time, s.seq, after, order);
}

/** The page in its order, after `offset`, at most `limit`, with scores (and relevance positions). */
function pageOf(
  rows: readonly Scored[],
  order: 'asc' | 'desc' | 'relevance',
  offset: number,
  limit: number | null,
): MemoryPage {
  const sign = order === 'asc' ? 1 : -1;
  const sorted = [...rows].sort((a, b) =>
    order === 'relevance'
      ? b.score - a.score || b.memory.time - a.memory.time || bySeq(b.seq, a.seq)
      : sign * compareStored(a, b),
  );
  const page = sorted.slice(offset, limit === null ? undefined : offset + limit);
  return {
    memories: page.map((s) => s.memory),
    positions: page.map((s) => {
      const position = { time: s.memory.time, seq: s.seq.toString() };
      return order === 'relevance' ? { ...position, score: s.score } : position;
    }),
    scores: page.map((s) => s.score),
  };
}
