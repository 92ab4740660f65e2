import { invalid } from '../shared/errors.js';
import { checkJsonSize, DEFAULT_LIMITS } from '../shared/limits.js';
import { checkId, isPlainObject, MAX_DESCRIPTION_LENGTH } from '../shared/rules.js';

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
 * Checks every field of a whole agent against the rules of the API: the one source of them for
 * an agent the service registers and one an import restores.
 * @throws DomainError `invalid` naming the field
 */
export function checkAgent(a: Agent, maxMetadataBytes = DEFAULT_LIMITS.maxMetadataBytes): void {
  checkId('agent_id', a.id);
  checkId('name', a.name);
  if (a.description !== null && a.description.length > MAX_DESCRIPTION_LENGTH) {
    throw invalid(`description must be at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  if (!isPlainObject(a.config)) throw invalid('config must be a JSON object');
  checkJsonSize('config', a.config, maxMetadataBytes);
}
