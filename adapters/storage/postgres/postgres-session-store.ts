import type pg from 'pg';
import {
  applySessionPatch,
  DomainError,
  type Page,
  type Session,
  type SessionListQuery,
  type SessionPatch,
  type SessionStore,
} from '../../../domain/index.js';
import { isUniqueViolation, withPg } from './pg-errors.js';
import { inTransaction } from './pg-pool.js';
import {
  rowToSession,
  SESSION_COLUMNS,
  sessionToParams,
  toJsonb,
  type SessionRow,
} from './row-mappers.js';

/** {@link SessionStore} on PostgreSQL; `seq` (identity) breaks ties in `created_at`. */
export class PostgresSessionStore implements SessionStore {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Stores a new session.
   * @throws DomainError `conflict` (code `SESSION_EXISTS`) when the id is taken
   */
  async create(session: Session): Promise<void> {
    await withPg(
      () =>
        this.pool.query(
          `INSERT INTO sessions (${SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          sessionToParams(session),
        ),
      (e) =>
        isUniqueViolation(e, 'sessions_id_key')
          ? new DomainError('conflict', 'SESSION_EXISTS', `session '${session.id}' already exists`)
          : undefined,
    );
  }

  /** The org's session with this id, or null. */
  async findById(orgId: string, id: string): Promise<Session | null> {
    return withPg(async () => {
      const { rows } = await this.pool.query<SessionRow>(
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1 AND org_id = $2`,
        [id, orgId],
      );
      return rows[0] ? rowToSession(rows[0]) : null;
    });
  }

  /**
   * A page of the org's sessions, newest `createdAt` first (ties: latest inserted first),
   * optionally of one agent and/or status, with the number of all matches; served by
   * (org_id, created_at, seq) or (org_id, agent_id, created_at, seq).
   */
  async list(orgId: string, query: SessionListQuery): Promise<Page<Session>> {
    return withPg(async () => {
      const where = ['org_id = $1'];
      const params: unknown[] = [orgId];
      if (query.agentId !== undefined) {
        params.push(query.agentId);
        where.push(`agent_id = $${params.length}`);
      }
      if (query.status !== undefined) {
        params.push(query.status);
        where.push(`status = $${params.length}`);
      }
      const from = `sessions WHERE ${where.join(' AND ')}`;
      const n = params.length;
      const [page, total] = await Promise.all([
        this.pool.query<SessionRow>(
          `SELECT ${SESSION_COLUMNS} FROM ${from} ORDER BY created_at DESC, seq DESC ` +
            `LIMIT $${n + 1} OFFSET $${n + 2}`,
          [...params, query.limit, query.offset],
        ),
        this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${from}`, params),
      ]);
      return { items: page.rows.map(rowToSession), total: Number(total.rows[0]?.n ?? 0) };
    });
  }

  /**
   * Applies the patch in one transaction: the row is locked (SELECT ... FOR UPDATE), merged by
   * the domain's rule and written back, so concurrent patches from any process never lose each
   * other's metadata keys.
   * @returns the session after the change, or null when the org has no such session
   */
  async update(
    orgId: string,
    id: string,
    patch: SessionPatch,
    nowMs: number,
  ): Promise<Session | null> {
    return withPg(() =>
      inTransaction(this.pool, async (client) => {
        const { rows } = await client.query<SessionRow>(
          `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1 AND org_id = $2 FOR UPDATE`,
          [id, orgId],
        );
        if (!rows[0]) return null;
        const next = applySessionPatch(rowToSession(rows[0]), patch, nowMs);
        await client.query(
          'UPDATE sessions SET status = $1, metadata = $2, updated_at = $3, closed_at = $4 ' +
            'WHERE id = $5 AND org_id = $6',
          [next.status, toJsonb(next.metadata), next.updatedAt, next.closedAt, id, orgId],
        );
        return next;
      }),
    );
  }

  /** Sessions of the org whose agent id is one of `agentIds`: all, and those active. */
  async countByAgent(
    orgId: string,
    agentIds: readonly string[],
  ): Promise<{ readonly total: number; readonly active: number }> {
    return withPg(async () => {
      const { rows } = await this.pool.query<{ total: string; active: string }>(
        "SELECT count(*) AS total, count(*) FILTER (WHERE status = 'active') AS active " +
          'FROM sessions WHERE org_id = $1 AND agent_id = ANY($2::text[])',
        [orgId, [...agentIds]],
      );
      return { total: Number(rows[0]?.total ?? 0), active: Number(rows[0]?.active ?? 0) };
    });
  }
}
