import type { Agent, AgentStore, Page, PageRequest } from '../../../domain/index.js';
import { DomainError, isPast } from '../../../domain/index.js';

/** Registered agents in process memory: the reference implementation of AgentStore. */
export class InMemoryAgentStore implements AgentStore {
  private readonly agents = new Map<string, { seq: number; agent: Agent }>();
  private seq = 0;

  async create(agent: Agent): Promise<void> {
    const taken = [...this.agents.values()].some(
      (r) => r.agent.orgId === agent.orgId && r.agent.name === agent.name,
    );
    if (taken) {
      throw new DomainError(
        'conflict',
        'AGENT_EXISTS',
        `agent '${agent.name}' already exists in this organization`,
      );
    }
    this.agents.set(agent.id, { seq: ++this.seq, agent: structuredClone(agent) });
  }

  async find(orgId: string, idOrName: string): Promise<Agent | null> {
    const mine = [...this.agents.values()].filter((r) => r.agent.orgId === orgId);
    const row =
      mine.find((r) => r.agent.id === idOrName) ?? mine.find((r) => r.agent.name === idOrName);
    return row ? structuredClone(row.agent) : null;
  }

  async list(orgId: string, page: PageRequest): Promise<Page<Agent>> {
    const mine = [...this.agents.values()]
      .filter((r) => r.agent.orgId === orgId)
      .sort((a, b) => b.agent.createdAt - a.agent.createdAt || b.seq - a.seq);
    const { after } = page;
    const rows = mine
      .filter((r) => after === undefined || isPast(r.agent.createdAt, r.seq, after, 'desc'))
      .slice(page.offset, page.offset + page.limit);
    return {
      items: rows.map((r) => structuredClone(r.agent)),
      total: mine.length,
      positions: rows.map((r) => ({ time: r.agent.createdAt, seq: String(r.seq) })),
    };
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    const row = this.agents.get(id);
    if (!row || row.agent.orgId !== orgId) return false;
    return this.agents.delete(id);
  }

  clear(): void {
    this.agents.clear();
  }
}
