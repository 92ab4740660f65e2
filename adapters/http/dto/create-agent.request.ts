import type { NewAgent } from '../../../domain/index.js';
import { OptionalObject, OptionalString, RequiredString } from './field-decorators.js';

/** The body of POST /api/v1/agents. */
export class CreateAgentRequest {
  @RequiredString() name!: string;
  @OptionalString() description?: string;
  @OptionalObject() config?: Record<string, unknown>;
}

export const toNewAgent = (dto: CreateAgentRequest): NewAgent => ({
  name: dto.name,
  description: dto.description ?? null,
  config: dto.config ?? null,
});
