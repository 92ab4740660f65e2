import { invalid } from '../shared/errors.js';
import { checkJsonSize, DEFAULT_LIMITS } from '../shared/limits.js';
import { ID_PATTERN, ID_RULE, isPlainObject, MAX_DESCRIPTION_LENGTH } from '../shared/rules.js';

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

/**
 * Checks every field of a whole agent against the rules of the API: the one source of them for
 * an agent the service registers and one an import restores.
 * @throws DomainError `invalid` naming the field
 */
export function checkAgent(a: Agent, maxMetadataBytes = DEFAULT_LIMITS.maxMetadataBytes): void {
  if (!AGENT_ID_PATTERN.test(a.id)) throw invalid('agent_id must be agent_ and 24 hex digits');
  const problem = agentNameProblem(a.name);
  if (problem) throw invalid(problem);
  if (a.description !== null && a.description.length > MAX_DESCRIPTION_LENGTH) {
    throw invalid(`description must be at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  if (!isPlainObject(a.config)) throw invalid('config must be a JSON object');
  checkJsonSize('config', a.config, maxMetadataBytes);
}
