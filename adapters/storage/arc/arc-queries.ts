import { DomainError } from '../../../domain/index.js';
import type { ArcClient, ArcTarget } from './arc-client.js';
import { buildVisibleIds } from './arc-memory-query.js';
import { ARC_SQL_LIMIT, PARALLEL_QUERIES } from './arc-options.js';
import { chunkByLiteralLength, MAX_SQL_CHARS } from './arc-sql.js';
import type { ArcTargetState } from './arc-target-state.js';
import { toInt, type AnswerShape, type ArcRow } from './arc-wire.js';

/**
 * How the store asks Arc: statements within Arc's SQL limit, statements over long value lists
 * in chunks, and which pending writes Arc shows already.
 */
export class ArcQueries {
  constructor(private readonly client: ArcClient) {}

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
    return this.client.query(target, sql, shape);
  }
}
