import type { Page, PageRequest } from '../shared/page.js';
import type { Agent } from './agent.js';

/** Registered agents, scoped to one org in every method. */
export interface AgentStore {
  /**
   * Stores a new agent.
   * @throws DomainError `conflict` (code `AGENT_EXISTS`) when the org has an agent of that name
   */
  create(agent: Agent): Promise<void>;

  /** The agent whose id or, failing that, whose name is `idOrName`, or null. */
  find(orgId: string, idOrName: string): Promise<Agent | null>;

  /** Agents of the org, newest first (ties: latest inserted first). */
  list(orgId: string, page: PageRequest): Promise<Page<Agent>>;

  /** Removes the agent with this id. @returns whether one was removed */
  delete(orgId: string, id: string): Promise<boolean>;
}
