import type Database from 'better-sqlite3';
import {
  DomainError,
  type Agent,
  type AgentStore,
  type Page,
  type PageRequest,
} from '../../../domain/index.js';
import { agentToRow, rowToAgent, type AgentRow } from './row-mappers.js';
import { isUniqueViolation, withSqlite } from './sqlite-errors.js';

const AGENT_COLUMNS = 'id, org_id, name, description, config, created_at';

type PagedRow = AgentRow & { readonly keyset_seq: number };

/** {@link AgentStore} on SQLite; names are unique per org (`UNIQUE (org_id, name)`). */
export class SqliteAgentStore implements AgentStore {
  private readonly insertAgent: Database.Statement<[AgentRow]>;
  private readonly selectById: Database.Statement<[string, string], AgentRow>;
  private readonly selectByName: Database.Statement<[string, string], AgentRow>;
  private readonly selectPage: Database.Statement<[string, number, number], PagedRow>;
  private readonly selectPageAfter: Database.Statement<
    [string, number, number, number, number],
    PagedRow
  >;
  private readonly countAll: Database.Statement<[string], { n: number }>;
  private readonly deleteById: Database.Statement<[string, string]>;

  constructor(db: Database.Database) {
    this.insertAgent = db.prepare(
      `INSERT INTO agents (${AGENT_COLUMNS}) ` +
        'VALUES (@id, @org_id, @name, @description, @config, @created_at)',
    );
    this.selectById = db.prepare(`SELECT ${AGENT_COLUMNS} FROM agents WHERE id = ? AND org_id = ?`);
    this.selectByName = db.prepare(
      `SELECT ${AGENT_COLUMNS} FROM agents WHERE org_id = ? AND name = ?`,
    );
    this.selectPage = db.prepare(
      `SELECT ${AGENT_COLUMNS}, seq AS keyset_seq FROM agents INDEXED BY idx_agents_org_created ` +
        'WHERE org_id = ? ORDER BY created_at DESC, seq DESC LIMIT ? OFFSET ?',
    );
    this.selectPageAfter = db.prepare(
      `SELECT ${AGENT_COLUMNS}, seq AS keyset_seq FROM agents INDEXED BY idx_agents_org_created ` +
        'WHERE org_id = ? AND (created_at, seq) < (?, ?) ' +
        'ORDER BY created_at DESC, seq DESC LIMIT ? OFFSET ?',
    );
    this.countAll = db.prepare('SELECT COUNT(*) AS n FROM agents WHERE org_id = ?');
    this.deleteById = db.prepare('DELETE FROM agents WHERE id = ? AND org_id = ?');
  }

  /**
   * Stores a new agent.
   * @throws DomainError `conflict` (code `AGENT_EXISTS`) when the org has an agent of that name
   *   (or, improbably, the id is taken)
   */
  async create(agent: Agent): Promise<void> {
    withSqlite(() => {
      try {
        this.insertAgent.run(agentToRow(agent));
      } catch (e) {
        if (isUniqueViolation(e, 'agents.name')) {
          throw new DomainError(
            'conflict',
            'AGENT_EXISTS',
            `agent '${agent.name}' already exists in this organization`,
          );
        }
        if (isUniqueViolation(e, 'agents.id')) {
          throw new DomainError('conflict', 'AGENT_EXISTS', `agent '${agent.id}' already exists`);
        }
        throw e;
      }
    });
  }

  /** The org's agent whose id or, failing that, whose name is `idOrName`, or null. */
  async find(orgId: string, idOrName: string): Promise<Agent | null> {
    return withSqlite(() => {
      const row = this.selectById.get(idOrName, orgId) ?? this.selectByName.get(orgId, idOrName);
      return row ? rowToAgent(row) : null;
    });
  }

  /** A page of the org's agents, newest first (ties: latest inserted first), past `after`, with the total. */
  async list(orgId: string, page: PageRequest): Promise<Page<Agent>> {
    return withSqlite(() => {
      const { after } = page;
      const rows =
        after === undefined
          ? this.selectPage.all(orgId, page.limit, page.offset)
          : this.selectPageAfter.all(orgId, after.time, Number(after.seq), page.limit, page.offset);
      return {
        items: rows.map(rowToAgent),
        total: this.countAll.get(orgId)?.n ?? 0,
        positions: rows.map((r) => ({ time: r.created_at, seq: String(r.keyset_seq) })),
      };
    });
  }

  /** Removes the org's agent with this id. @returns whether one was removed */
  async delete(orgId: string, id: string): Promise<boolean> {
    return withSqlite(() => this.deleteById.run(id, orgId).changes > 0);
  }
}
