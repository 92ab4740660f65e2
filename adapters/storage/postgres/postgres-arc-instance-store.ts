import type pg from 'pg';
import { notFound, type ArcInstance, type ArcInstanceStore } from '../../../domain/index.js';
import { hasPgState, withPg } from './pg-errors.js';
import {
  ARC_INSTANCE_COLUMNS,
  arcInstanceToParams,
  rowToArcInstance,
  type ArcInstanceRow,
} from './row-mappers.js';

const UPSERT =
  `INSERT INTO arc_instances (${ARC_INSTANCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ` +
  'ON CONFLICT (org_id) DO UPDATE SET url = EXCLUDED.url, database = EXCLUDED.database, ' +
  'measurement = EXCLUDED.measurement, api_key_sealed = EXCLUDED.api_key_sealed, ' +
  'updated_at = EXCLUDED.updated_at';

/** {@link ArcInstanceStore} on PostgreSQL: `arc_instances`, keyed by org, cascading with `orgs`. */
export class PostgresArcInstanceStore implements ArcInstanceStore {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Creates or replaces the org's instance in one statement, keeping the first `created_at`;
   * atomic across processes (the primary key serialises concurrent puts).
   * @throws DomainError `not_found` (code `ORG_NOT_FOUND`) when the foreign key finds no org
   */
  async put(instance: ArcInstance): Promise<void> {
    await withPg(
      () => this.pool.query(UPSERT, arcInstanceToParams(instance)),
      (e) => (hasPgState(e, '23503') ? notFound('org', 'ORG_NOT_FOUND') : undefined),
    );
  }

  /** The org's instance, or null. */
  async get(orgId: string): Promise<ArcInstance | null> {
    return withPg(async () => {
      const { rows } = await this.pool.query<ArcInstanceRow>(
        `SELECT ${ARC_INSTANCE_COLUMNS} FROM arc_instances WHERE org_id = $1`,
        [orgId],
      );
      return rows[0] ? rowToArcInstance(rows[0]) : null;
    });
  }

  /** @returns whether the org had an instance */
  async remove(orgId: string): Promise<boolean> {
    return withPg(async () => {
      const { rowCount } = await this.pool.query('DELETE FROM arc_instances WHERE org_id = $1', [
        orgId,
      ]);
      return (rowCount ?? 0) > 0;
    });
  }

  /** Every instance, ordered by org id (byte order, as on the other drivers). */
  async list(): Promise<ArcInstance[]> {
    return withPg(async () => {
      const { rows } = await this.pool.query<ArcInstanceRow>(
        `SELECT ${ARC_INSTANCE_COLUMNS} FROM arc_instances ORDER BY org_id COLLATE "C"`,
      );
      return rows.map(rowToArcInstance);
    });
  }
}
