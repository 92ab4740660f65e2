import { ID_PATTERN, ID_RULE } from '../shared/rules.js';

/** A registered agent: a name with a description and configuration. */
export interface Agent {
  /** `agent_` + 24 hex. */
  readonly id: string;
  readonly orgId: string;
  /** Unique within the org. */
  readonly name: string;
  readonly description: string | null;
  /** A JSON object; `{}` when none was given. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
}

/**
 * The form of every agent id. No agent name may have it, so ids and names never meet: `:id` in a
 * path names one agent whether it is read as an id or as a name.
 */
export const AGENT_ID_PATTERN = /^agent_[0-9a-f]{24}$/;

/** Why `name` cannot be an agent's name (checked as `field`), or null when it can. */
export function agentNameProblem(name: string, field = 'name'): string | null {
  if (!ID_PATTERN.test(name)) return `${field} ${ID_RULE}`;
  if (AGENT_ID_PATTERN.test(name)) {
    return `${field} must not have the form of an agent id (agent_ and 24 hex digits)`;
  }
  return null;
}

/** Why an agent record (an imported one, say) cannot be stored, or null when it can. */
export function agentIdentityProblem(agent: Pick<Agent, 'id' | 'name'>): string | null {
  if (!AGENT_ID_PATTERN.test(agent.id)) return 'agent_id must be agent_ and 24 hex digits';
  return agentNameProblem(agent.name);
}
