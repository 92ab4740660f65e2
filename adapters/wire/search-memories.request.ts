import type { MemoryListInput } from '../../domain/index.js';
import {
  BODY_EVENT_TYPES_DOC,
  BODY_MEMORY_TYPES_DOC,
  BODY_TAGS_DOC,
  CONTENT_CONTAINS_DOC,
  CONTENT_CONTAINS_IGNORE_CASE_DOC,
  CURSOR_DOC,
  INCLUDE_COUNT_DOC,
  INCLUDE_SUPERSEDED_DOC,
  LIMIT_DOC,
  MIN_IMPORTANCE_DOC,
  OFFSET_DOC,
  ORDER_DOC,
  QUERY_DOC,
  SINCE_DOC,
  UNTIL_DOC,
} from './list-memories.query.js';
import {
  OptionalBoolean,
  OptionalNumber,
  OptionalString,
  OptionalStringArray,
} from './field-decorators.js';

/** The body of POST /api/v1/search: every filter is optional. */
export class SearchMemoriesRequest {
  @OptionalString(QUERY_DOC) query?: string;
  @OptionalString({ example: 'agent_web_crawler' }) agent_id?: string;
  @OptionalString({ example: 'sess_abc123' }) session_id?: string;
  @OptionalStringArray({ ...BODY_MEMORY_TYPES_DOC, example: ['episodic', 'decision'] })
  memory_types?: string[];
  @OptionalStringArray({ ...BODY_EVENT_TYPES_DOC, example: ['page_crawled'] })
  event_types?: string[];
  @OptionalStringArray(BODY_TAGS_DOC) tags?: string[];
  @OptionalString(CONTENT_CONTAINS_DOC) content_contains?: string;
  @OptionalBoolean(CONTENT_CONTAINS_IGNORE_CASE_DOC) content_contains_ignore_case?: boolean;
  @OptionalNumber(MIN_IMPORTANCE_DOC) min_importance?: number;
  @OptionalString({ ...SINCE_DOC, example: '7d' }) since?: string;
  @OptionalString(UNTIL_DOC) until?: string;
  @OptionalString(ORDER_DOC) order?: string;
  @OptionalNumber({ ...LIMIT_DOC, type: 'integer' }) limit?: number;
  @OptionalNumber({ ...OFFSET_DOC, type: 'integer' }) offset?: number;
  @OptionalString(CURSOR_DOC) cursor?: string;
  @OptionalBoolean(INCLUDE_COUNT_DOC) include_count?: boolean;
  @OptionalBoolean(INCLUDE_SUPERSEDED_DOC) include_superseded?: boolean;
}

export function toSearchInput(dto: SearchMemoriesRequest): MemoryListInput {
  return {
    agentId: dto.agent_id,
    sessionId: dto.session_id,
    memoryTypes: dto.memory_types,
    eventTypes: dto.event_types,
    tags: dto.tags,
    contentContains: dto.content_contains,
    query: dto.query,
    contentContainsIgnoreCase: dto.content_contains_ignore_case,
    minImportance: dto.min_importance,
    since: dto.since,
    until: dto.until,
    order: dto.order,
    limit: dto.limit,
    offset: dto.offset,
    cursor: dto.cursor,
    includeCount: dto.include_count,
    includeSuperseded: dto.include_superseded,
  };
}
