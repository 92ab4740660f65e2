import type pg from 'pg';
import {
  DomainError,
  type Agent,
  type AgentStore,
  type Page,
  type PageRequest,
} from '../../../domain/index.js';
import { isUniqueViolation, withPg } from './pg-errors.js';
import { AGENT_COLUMNS, agentToParams, rowToAgent, type AgentRow } from './row-mappers.js';

/** {@link AgentStore} on PostgreSQL; names are unique per org (`agents_org_name_key`). */
export class PostgresAgentStore implements AgentStore {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Stores a new agent.
   * @throws DomainError `conflict` (code `AGENT_EXISTS`) when the org has an agent of that name
   *   (or, improbably, the id is taken)
   */
  async create(agent: Agent): Promise<void> {
    await withPg(
      () =>
        this.pool.query(
          `INSERT INTO agents (${AGENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`,
          agentToParams(agent),
        ),
      (e) => {
        if (isUniqueViolation(e, 'agents_org_name_key')) {
          return new DomainError(
            'conflict',
            'AGENT_EXISTS',
            `agent '${agent.name}' already exists in this organization`,
          );
        }
        if (isUniqueViolation(e, 'agents_id_key')) {
          return new DomainError('conflict', 'AGENT_EXISTS', `agent '${agent.id}' already exists`);
        }
        return undefined;
      },
    );
  }

  /** The org's agent whose id or, failing that, whose name is `idOrName`, or null. */
  async find(orgId: string, idOrName: string): Promise<Agent | null> {
    return withPg(async () => {
      const { rows } = await this.pool.query<AgentRow>(
        `SELECT ${AGENT_COLUMNS} FROM agents WHERE org_id = $1 AND (id = $2 OR name = $2) ` +
          'ORDER BY (id = $2) DESC LIMIT 1',
        [orgId, idOrName],
      );
      return rows[0] ? rowToAgent(rows[0]) : null;
    });
  }

  /** A page of the org's agents, newest first (ties: latest inserted first), with the total. */
  async list(orgId: string, page: PageRequest): Promise<Page<Agent>> {
    return withPg(async () => {
      const { after } = page;
      const [items, total] = await Promise.all([
        this.pool.query<AgentRow & { keyset_seq: string }>(
          `SELECT ${AGENT_COLUMNS}, seq::text AS keyset_seq FROM agents WHERE org_id = $1 ` +
            (after === undefined ? '' : 'AND (created_at, seq) < ($4::bigint, $5::bigint) ') +
            'ORDER BY created_at DESC, seq DESC LIMIT $2 OFFSET $3',
          [orgId, page.limit, page.offset, ...(after === undefined ? [] : [after.time, after.seq])],
        ),
        this.pool.query<{ n: string }>('SELECT count(*) AS n FROM agents WHERE org_id = $1', [
          orgId,
        ]),
      ]);
      const agents = items.rows.map(rowToAgent);
      return {
        items: agents,
        total: Number(total.rows[0]?.n ?? 0),
        positions: items.rows.map((r, i) => ({
          time: (agents[i] as Agent).createdAt,
          seq: r.keyset_seq,
        })),
      };
    });
  }

  /** Removes the org's agent with this id. @returns whether one was removed */
  async delete(orgId: string, id: string): Promise<boolean> {
    return withPg(async () => {
      const { rowCount } = await this.pool.query(
        'DELETE FROM agents WHERE id = $1 AND org_id = $2',
        [id, orgId],
      );
      return (rowCount ?? 0) > 0;
    });
  }
}
