import { ID_PATTERN, type NewSession } from '../../domain/index.js';
import { METADATA_LIMIT_TEXT } from './create-memory.request.js';
import { OptionalObject, RequiredString } from './field-decorators.js';

/** The body of POST /api/v1/sessions. */
export class CreateSessionRequest {
  @RequiredString({ pattern: ID_PATTERN.source, example: 'agent_web_crawler' })
  agent_id!: string;
  @OptionalObject({
    description: METADATA_LIMIT_TEXT,
    default: {},
    example: { task: 'product_research' },
  })
  metadata?: Record<string, unknown>;
}

export const toNewSession = (dto: CreateSessionRequest): NewSession => ({
  agentId: dto.agent_id,
  metadata: dto.metadata ?? null,
});
