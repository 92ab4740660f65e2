import type Database from 'better-sqlite3';
import {
  applySessionPatch,
  DomainError,
  type Page,
  type Session,
  type SessionListQuery,
  type SessionPatch,
  type SessionStore,
} from '../../../domain/index.js';
import { rowToSession, sessionToRow, type SessionRow } from './row-mappers.js';
import { isUniqueViolation, withSqlite } from './sqlite-errors.js';
import { StatementCache } from './statement-cache.js';

const SESSION_COLUMNS = 'id, org_id, agent_id, status, metadata, created_at, updated_at, closed_at';

/** {@link SessionStore} on SQLite; `seq` (the rowid) breaks ties in `created_at`. */
export class SqliteSessionStore implements SessionStore {
  private readonly insertSession: Database.Statement<[SessionRow]>;
  private readonly insertMissing: Database.Statement<[SessionRow]>;
  private readonly createMissingTx: Database.Transaction<(sessions: readonly Session[]) => void>;
  private readonly selectById: Database.Statement<[string, string], SessionRow>;
  private readonly updateRow: Database.Statement<
    [
      {
        status: string;
        metadata: string;
        updated_at: number;
        closed_at: number | null;
        id: string;
        org_id: string;
      },
    ]
  >;
  private readonly applyPatch: Database.Transaction<
    (orgId: string, id: string, patch: SessionPatch, nowMs: number) => Session | null
  >;
  private readonly deleteRow: Database.Statement<[string, string]>;
  private readonly deleteOfAgent: Database.Statement<[string, string]>;
  private readonly dynamic: StatementCache;

  constructor(db: Database.Database) {
    this.insertSession = db.prepare(
      `INSERT INTO sessions (${SESSION_COLUMNS}) VALUES ` +
        '(@id, @org_id, @agent_id, @status, @metadata, @created_at, @updated_at, @closed_at)',
    );
    this.insertMissing = db.prepare(
      `INSERT INTO sessions (${SESSION_COLUMNS}) VALUES ` +
        '(@id, @org_id, @agent_id, @status, @metadata, @created_at, @updated_at, @closed_at) ' +
        'ON CONFLICT (org_id, id) DO NOTHING',
    );
    this.createMissingTx = db.transaction((sessions) => {
      for (const session of sessions) this.insertMissing.run(sessionToRow(session));
    });
    this.selectById = db.prepare(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ? AND org_id = ?`,
    );
    this.updateRow = db.prepare(
      'UPDATE sessions SET status = @status, metadata = @metadata, updated_at = @updated_at, ' +
        'closed_at = @closed_at WHERE id = @id AND org_id = @org_id',
    );
    this.applyPatch = db.transaction((orgId, id, patch, nowMs) => {
      const row = this.selectById.get(id, orgId);
      if (!row) return null;
      const current = rowToSession(row);
      const next = applySessionPatch(current, patch, nowMs);
      const r = sessionToRow(next);
      this.updateRow.run({
        status: r.status,
        metadata: r.metadata,
        updated_at: r.updated_at,
        closed_at: r.closed_at,
        id,
        org_id: orgId,
      });
      return next;
    });
    this.deleteRow = db.prepare('DELETE FROM sessions WHERE id = ? AND org_id = ?');
    this.deleteOfAgent = db.prepare(
      'DELETE FROM sessions INDEXED BY idx_sessions_org_agent_created ' +
        'WHERE org_id = ? AND agent_id = ?',
    );
    this.dynamic = new StatementCache(db, 16);
  }

  /**
   * Stores a new session.
   * @throws DomainError `conflict` (code `SESSION_EXISTS`) when the id is taken
   */
  async create(session: Session): Promise<void> {
    withSqlite(() => {
      try {
        this.insertSession.run(sessionToRow(session));
      } catch (e) {
        if (isUniqueViolation(e, 'sessions.id')) {
          throw new DomainError(
            'conflict',
            'SESSION_EXISTS',
            `session '${session.id}' already exists`,
          );
        }
        throw e;
      }
    });
  }

  /**
   * Stores the sessions their orgs do not have yet. The common case (all exist) only reads; the
   * missing ones are inserted with ON CONFLICT DO NOTHING in one IMMEDIATE transaction, so a
   * process that creates one at the same moment is never an error.
   */
  async createMissing(sessions: readonly Session[]): Promise<void> {
    withSqlite(() => {
      const missing = sessions.filter((x) => !this.selectById.get(x.id, x.orgId));
      if (missing.length > 0) this.createMissingTx.immediate(missing);
    });
  }

  /** The org's session with this id, or null. */
  async findById(orgId: string, id: string): Promise<Session | null> {
    return withSqlite(() => {
      const row = this.selectById.get(id, orgId);
      return row ? rowToSession(row) : null;
    });
  }

  /**
   * A page of the org's sessions, newest `createdAt` first (ties: latest inserted first), past
   * `after` when given, optionally of one agent and/or status, with the number of all matches.
   */
  async list(orgId: string, query: SessionListQuery): Promise<Page<Session>> {
    return withSqlite(() => {
      const where = ['org_id = ?'];
      const params: (string | number)[] = [orgId];
      if (query.agentId !== undefined) {
        where.push('agent_id = ?');
        params.push(query.agentId);
      }
      if (query.status !== undefined) {
        where.push('status = ?');
        params.push(query.status);
      }
      const index =
        query.agentId !== undefined ? 'idx_sessions_org_agent_created' : 'idx_sessions_org_created';
      const from = `sessions INDEXED BY ${index} WHERE ${where.join(' AND ')}`;
      const after = query.after === undefined ? '' : ' AND (created_at, seq) < (?, ?)';
      const afterParams =
        query.after === undefined ? [] : [query.after.time, Number(query.after.seq)];
      const rows = this.dynamic
        .get(
          `SELECT ${SESSION_COLUMNS}, seq AS keyset_seq FROM ${from}${after} ` +
            'ORDER BY created_at DESC, seq DESC LIMIT ? OFFSET ?',
        )
        .all(...params, ...afterParams, query.limit, query.offset) as (SessionRow & {
        keyset_seq: number;
      })[];
      const { n } = this.dynamic.get(`SELECT COUNT(*) AS n FROM ${from}`).get(...params) as {
        n: number;
      };
      return {
        items: rows.map(rowToSession),
        total: n,
        positions: rows.map((r) => ({ time: r.created_at, seq: String(r.keyset_seq) })),
      };
    });
  }

  /**
   * Applies the patch in one IMMEDIATE transaction (read, merge, write), so concurrent patches
   * never lose each other's metadata keys.
   * @returns the session after the change, or null when the org has no such session
   */
  async update(
    orgId: string,
    id: string,
    patch: SessionPatch,
    nowMs: number,
  ): Promise<Session | null> {
    return withSqlite(() => this.applyPatch.immediate(orgId, id, patch, nowMs));
  }

  /** Removes the org's session with this id. @returns whether one was removed */
  async delete(orgId: string, id: string): Promise<boolean> {
    return withSqlite(() => this.deleteRow.run(id, orgId).changes > 0);
  }

  /** Removes the org's sessions of this agent in one statement. @returns how many */
  async deleteByAgent(orgId: string, agentId: string): Promise<number> {
    return withSqlite(() => this.deleteOfAgent.run(orgId, agentId).changes);
  }

  /** Sessions of the org whose agent id is one of `agentIds`: all, and those active. */
  async countByAgent(
    orgId: string,
    agentIds: readonly string[],
  ): Promise<{ readonly total: number; readonly active: number }> {
    return withSqlite(() => {
      const list = agentIds.map(() => '?').join(', ');
      const row = this.dynamic
        .get(
          "SELECT COUNT(*) AS total, COALESCE(SUM(status = 'active'), 0) AS active " +
            `FROM sessions INDEXED BY idx_sessions_org_agent_created WHERE org_id = ? AND agent_id IN (${list})`,
        )
        .get(orgId, ...agentIds) as { total: number; active: number };
      return { total: row.total, active: row.active };
    });
  }
}
