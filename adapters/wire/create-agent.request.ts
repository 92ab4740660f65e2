import { ID_PATTERN, MAX_DESCRIPTION_LENGTH, type NewAgent } from '../../domain/index.js';
import { METADATA_LIMIT_TEXT } from './create-memory.request.js';
import { OptionalObject, OptionalString, RequiredString } from './field-decorators.js';

/** The body of POST /api/v1/agents. */
export class CreateAgentRequest {
  @RequiredString({
    description:
      'Unique in the org; memories and sessions name the agent by it. Never of the form of an ' +
      'agent id (`agent_` and 24 hex digits), so a name and an id never meet.',
    pattern: ID_PATTERN.source,
    example: 'agent_web_crawler',
  })
  name!: string;
  @OptionalString({ maxLength: MAX_DESCRIPTION_LENGTH, example: 'Crawls product pages' })
  description?: string;
  @OptionalObject({ description: METADATA_LIMIT_TEXT, default: {}, example: { max_depth: 3 } })
  config?: Record<string, unknown>;
}

export const toNewAgent = (dto: CreateAgentRequest): NewAgent => ({
  name: dto.name,
  description: dto.description ?? null,
  config: dto.config ?? null,
});
