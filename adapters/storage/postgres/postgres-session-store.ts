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
        isUniqueViolation(e, 'sessions_org_id_id_key')
          ? new DomainError('conflict', 'SESSION_EXISTS', `session '${session.id}' already exists`)
          : undefined,
    );
  }

  /**
   * Stores the sessions their orgs do not have yet: one INSERT ... ON CONFLICT DO NOTHING, so
   * concurrent creations of one session (from any process) store it once and never fail. The
   * common case (all exist) is one read.
   */
  async createMissing(sessions: readonly Session[]): Promise<void> {
    if (sessions.length === 0) return;
    await withPg(async () => {
      const { rows } = await this.pool.query<{ org_id: string; id: string }>(
        'SELECT org_id, id FROM sessions WHERE (org_id, id) IN ' +
          '(SELECT * FROM unnest($1::text[], $2::text[]))',
        [sessions.map((x) => x.orgId), sessions.map((x) => x.id)],
      );
      const present = new Set(rows.map((r) => `${r.org_id}\u0000${r.id}`));
      const missing = sessions.filter((x) => !present.has(`${x.orgId}\u0000${x.id}`));
      // At most 1,000 rows (8,000 parameters) a statement.
      for (let start = 0; start < missing.length; start += 1000) {
        const chunk = missing.slice(start, start + 1000);
        const values = chunk.map(
          (_, i) => `(${Array.from({ length: 8 }, (_, j) => `$${i * 8 + j + 1}`).join(', ')})`,
        );
        await this.pool.query(
          `INSERT INTO sessions (${SESSION_COLUMNS}) VALUES ${values.join(', ')} ` +
            'ON CONFLICT (org_id, id) DO NOTHING',
          chunk.flatMap(sessionToParams),
        );
      }
    });
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
      const pageParams = [...params];
      let after = '';
      if (query.after !== undefined) {
        pageParams.push(query.after.time, query.after.seq);
        const n = pageParams.length;
        after = ` AND (created_at, seq) < ($${n - 1}::bigint, $${n}::bigint)`;
      }
      const n = pageParams.length;
      const [page, total] = await Promise.all([
        this.pool.query<SessionRow & { keyset_seq: string }>(
          `SELECT ${SESSION_COLUMNS}, seq::text AS keyset_seq FROM ${from}${after} ` +
            `ORDER BY created_at DESC, seq DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
          [...pageParams, query.limit, query.offset],
        ),
        this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${from}`, params),
      ]);
      const items = page.rows.map(rowToSession);
      return {
        items,
        total: Number(total.rows[0]?.n ?? 0),
        positions: page.rows.map((r, i) => ({
          time: (items[i] as Session).createdAt,
          seq: r.keyset_seq,
        })),
      };
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

  /** Removes the org's session with this id. @returns whether one was removed */
  async delete(orgId: string, id: string): Promise<boolean> {
    return withPg(async () => {
      const { rowCount } = await this.pool.query(
        'DELETE FROM sessions WHERE id = $1 AND org_id = $2',
        [id, orgId],
      );
      return (rowCount ?? 0) > 0;
    });
  }

  /**
   * Removes the org's sessions of this agent in one statement (served by the
   * (org_id, agent_id, created_at, seq) index). @returns how many
   */
  async deleteByAgent(orgId: string, agentId: string): Promise<number> {
    return withPg(async () => {
      const { rowCount } = await this.pool.query(
        'DELETE FROM sessions WHERE org_id = $1 AND agent_id = $2',
        [orgId, agentId],
      );
      return rowCount ?? 0;
    });
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
