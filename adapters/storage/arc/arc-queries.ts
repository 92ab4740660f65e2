import { DomainError } from '../../../domain/index.js';
import type { ArcClient, ArcTarget } from './arc-client.js';
import { buildVisibleIds } from './arc-memory-query.js';
import { ARC_SQL_LIMIT, PARALLEL_QUERIES } from './arc-options.js';
import { chunkByLiteralLength, MAX_SQL_CHARS, sqlIdent } from './arc-sql.js';
import type { ArcTargetState } from './arc-target-state.js';
import { toInt, type AnswerShape, type ArcRow } from './arc-wire.js';
import {
  buildHasColumn,
  namesNewColumns,
  namesSearchWords,
  withoutCreatedAtColumn,
  withoutSearchWordsColumn,
} from './arc-new-columns.js';

/** How long a measurement seen without a new column is read so before it is asked again. */
const CREATED_AT_RECHECK_MS = 1000;

/** The new columns a measurement may lack: the first of those that came together, and the later one. */
type NewColumn = 'created_at_ms' | 'search_words';

const measurementKey = (t: ArcTarget, column: NewColumn) =>
  `${t.url}\u0000${t.database}\u0000${t.measurement}\u0000${column}`;

/**
 * How the store asks Arc: statements within Arc's SQL limit, statements over long value lists
 * in chunks, and which pending writes Arc shows already.
 */
export class ArcQueries {
  /**
   * Per measurement and new column: true once it has the column, else when it was last seen
   * without.
   */
  private readonly newColumns = new Map<string, true | number>();

  constructor(private readonly client: ArcClient) {}

  /** This process wrote rows with every new column to the target: look at its columns again. */
  wroteCreatedAt(target: ArcTarget): void {
    for (const column of ['created_at_ms', 'search_words'] as const) {
      const key = measurementKey(target, column);
      if (this.newColumns.get(key) !== true) this.newColumns.delete(key);
    }
  }

  /** Rows of a query wrapped with its end marker, all of them or an error. */
  rows(target: ArcTarget, sql: string): Promise<ArcRow[]> {
    return this.query(target, sql, 'rows');
  }

  /** The one row of an aggregate (none when nothing was ever written). */
  one(target: ArcTarget, sql: string): Promise<ArcRow[]> {
    return this.query(target, sql, 'one');
  }

  /** Runs one statement per chunk of `values`, a few at a time, and concatenates the rows. */
  async chunks(
    target: ArcTarget,
    values: readonly string[],
    build: (chunk: readonly string[]) => string,
  ): Promise<ArcRow[]> {
    const budget = MAX_SQL_CHARS - build([]).length;
    const chunks = chunkByLiteralLength(values, budget);
    const rows: ArcRow[] = [];
    for (let i = 0; i < chunks.length; i += PARALLEL_QUERIES) {
      const batch = chunks.slice(i, i + PARALLEL_QUERIES);
      for (const part of await Promise.all(batch.map((c) => this.rows(target, build(c))))) {
        rows.push(...part);
      }
    }
    return rows;
  }

  /** Drops from `state`'s pending writes those Arc shows now (see `ArcTargetState.confirm`). */
  confirm(target: ArcTarget, state: ArcTargetState): Promise<void> {
    return state.confirm(async (first, last) => {
      const sql = buildVisibleIds(target.measurement, first, last);
      return (await this.client.query(target, sql, 'rows')).map((r) => ({
        id: String(r['id']),
        revision: toInt(r['revision']),
      }));
    });
  }

  private async query(target: ArcTarget, sql: string, shape: AnswerShape): Promise<ArcRow[]> {
    if (sql.length > ARC_SQL_LIMIT) {
      throw new DomainError(
        'invalid',
        'INVALID_REQUEST',
        'the filters are too long for the Arc store (its SQL is limited to 10,000 characters)',
      );
    }
    if (!namesNewColumns(sql)) return this.client.query(target, sql, shape);
    if (await this.lacks(target, 'created_at_ms')) {
      // Rows without `created_at_ms` were written before `search_words` too.
      return this.client.query(target, withoutCreatedAtColumn(sql), shape);
    }
    const words = namesSearchWords(sql);
    if (words && (await this.lacks(target, 'search_words'))) {
      return this.retried(target, withoutSearchWordsColumn(sql), shape);
    }
    return this.retried(target, sql, shape);
  }

  /**
   * `sql`, and when Arc knows a new column it names by none of its flushed rows (ours are still
   * buffered), the same without it.
   */
  private async retried(target: ArcTarget, sql: string, shape: AnswerShape): Promise<ArcRow[]> {
    try {
      return await this.client.query(target, sql, shape);
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      if (/search_words/.test(e.message) && namesSearchWords(sql)) {
        this.newColumns.set(measurementKey(target, 'search_words'), Date.now());
        return this.retried(target, withoutSearchWordsColumn(sql), shape);
      }
      if (!/created_at_ms|expires_at_ms|pinned|revision|supersede/.test(e.message)) throw e;
      this.newColumns.set(measurementKey(target, 'created_at_ms'), Date.now());
      return this.client.query(target, withoutCreatedAtColumn(sql), shape);
    }
  }

  /**
   * Whether the measurement has rows but not `column` (every row was written by a memtrace
   * before it existed; Arc then refuses SQL naming it). Asked once a measurement has it, and at
   * most every {@link CREATED_AT_RECHECK_MS} until then. An empty measurement answers any SQL,
   * so it is asked again.
   */
  private async lacks(target: ArcTarget, column: NewColumn): Promise<boolean> {
    const key = measurementKey(target, column);
    const seen = this.newColumns.get(key);
    if (seen === true) return false;
    if (seen !== undefined && Date.now() - seen < CREATED_AT_RECHECK_MS) return true;
    const [row] = await this.client.query(
      target,
      buildHasColumn(sqlIdent(target.measurement), column),
      'one',
    );
    const has = row?.['has'];
    if (has === true) this.newColumns.set(key, true);
    else if (has === false) this.newColumns.set(key, Date.now());
    else this.newColumns.delete(key);
    return has === false;
  }
}
