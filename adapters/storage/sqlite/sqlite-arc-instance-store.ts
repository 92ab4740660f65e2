import type Database from 'better-sqlite3';
import { notFound, type ArcInstance, type ArcInstanceStore } from '../../../domain/index.js';
import { arcInstanceToRow, rowToArcInstance, type ArcInstanceRow } from './row-mappers.js';
import { hasSqliteCode, withSqlite } from './sqlite-errors.js';

const COLUMNS = 'org_id, url, database, measurement, api_key_sealed, created_at, updated_at';

/** {@link ArcInstanceStore} on SQLite: `arc_instances`, keyed by org, cascading with `orgs`. */
export class SqliteArcInstanceStore implements ArcInstanceStore {
  private readonly upsert: Database.Statement<[ArcInstanceRow]>;
  private readonly selectOne: Database.Statement<[string], ArcInstanceRow>;
  private readonly selectAll: Database.Statement<[], ArcInstanceRow>;
  private readonly deleteOne: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.upsert = db.prepare(
      `INSERT INTO arc_instances (${COLUMNS}) VALUES ` +
        '(@org_id, @url, @database, @measurement, @api_key_sealed, @created_at, @updated_at) ' +
        'ON CONFLICT (org_id) DO UPDATE SET url = excluded.url, database = excluded.database, ' +
        'measurement = excluded.measurement, api_key_sealed = excluded.api_key_sealed, ' +
        'updated_at = excluded.updated_at',
    );
    this.selectOne = db.prepare(`SELECT ${COLUMNS} FROM arc_instances WHERE org_id = ?`);
    this.selectAll = db.prepare(`SELECT ${COLUMNS} FROM arc_instances ORDER BY org_id`);
    this.deleteOne = db.prepare('DELETE FROM arc_instances WHERE org_id = ?');
  }

  /**
   * Creates or replaces the org's instance in one statement, keeping the first `created_at`.
   * @throws DomainError `not_found` (code `ORG_NOT_FOUND`) when the foreign key finds no org
   */
  async put(instance: ArcInstance): Promise<void> {
    withSqlite(() => {
      try {
        this.upsert.run(arcInstanceToRow(instance));
      } catch (e) {
        if (hasSqliteCode(e, 'SQLITE_CONSTRAINT_FOREIGNKEY')) {
          throw notFound('org', 'ORG_NOT_FOUND');
        }
        throw e;
      }
    });
  }

  /** The org's instance, or null. */
  async get(orgId: string): Promise<ArcInstance | null> {
    return withSqlite(() => {
      const row = this.selectOne.get(orgId);
      return row ? rowToArcInstance(row) : null;
    });
  }

  /** @returns whether the org had an instance */
  async remove(orgId: string): Promise<boolean> {
    return withSqlite(() => this.deleteOne.run(orgId).changes > 0);
  }

  /** Every instance, ordered by org id. */
  async list(): Promise<ArcInstance[]> {
    return withSqlite(() => this.selectAll.all().map(rowToArcInstance));
  }
}
