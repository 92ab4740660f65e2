import type { ContextInput } from '../../../domain/index.js';
import { OptionalNumber, OptionalString, OptionalStringArray } from './field-decorators.js';

/** The body of POST /api/v1/sessions/:id/context; an empty body takes every default. */
export class SessionContextRequest {
  @OptionalString() since?: string;
  @OptionalString() until?: string;
  @OptionalStringArray() include_types?: string[];
  @OptionalStringArray() exclude_types?: string[];
  @OptionalNumber() max_tokens?: number;
  @OptionalString() order?: string;
}

export const toContextInput = (dto: SessionContextRequest): ContextInput => ({
  since: dto.since,
  until: dto.until,
  includeTypes: dto.include_types,
  excludeTypes: dto.exclude_types,
  maxTokens: dto.max_tokens,
  order: dto.order,
});
