import type { MemoryListInput } from '../../../domain/index.js';
import { OptionalNumber, OptionalString, OptionalStringArray } from './field-decorators.js';

/** The body of POST /api/v1/search: every filter is optional. */
export class SearchMemoriesRequest {
  @OptionalString() agent_id?: string;
  @OptionalString() session_id?: string;
  @OptionalStringArray() memory_types?: string[];
  @OptionalStringArray() event_types?: string[];
  @OptionalStringArray() tags?: string[];
  @OptionalString() content_contains?: string;
  @OptionalNumber() min_importance?: number;
  @OptionalString() since?: string;
  @OptionalString() until?: string;
  @OptionalString() order?: string;
  @OptionalNumber() limit?: number;
  @OptionalNumber() offset?: number;
}

export function toSearchInput(dto: SearchMemoriesRequest): MemoryListInput {
  return {
    agentId: dto.agent_id,
    sessionId: dto.session_id,
    memoryTypes: dto.memory_types,
    eventTypes: dto.event_types,
    tags: dto.tags,
    contentContains: dto.content_contains,
    minImportance: dto.min_importance,
    since: dto.since,
    until: dto.until,
    order: dto.order,
    limit: dto.limit,
    offset: dto.offset,
  };
}
