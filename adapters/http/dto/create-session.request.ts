import type { NewSession } from '../../../domain/index.js';
import { OptionalObject, RequiredString } from './field-decorators.js';

/** The body of POST /api/v1/sessions. */
export class CreateSessionRequest {
  @RequiredString() agent_id!: string;
  @OptionalObject() metadata?: Record<string, unknown>;
}

export const toNewSession = (dto: CreateSessionRequest): NewSession => ({
  agentId: dto.agent_id,
  metadata: dto.metadata ?? null,
});
