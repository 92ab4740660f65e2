import { MAX_FORGET_IDS, type ForgetInput } from '../../domain/index.js';
import {
  BODY_EVENT_TYPES_DOC,
  BODY_MEMORY_TYPES_DOC,
  BODY_TAGS_DOC,
  QUERY_DOC,
  SINCE_DOC,
  UNTIL_DOC,
} from './list-memories.query.js';
import { OptionalBoolean, OptionalString, OptionalStringArray } from './field-decorators.js';

/**
 * The body of POST /api/v1/memories/forget: the filters of search, named as search names them,
 * and/or ids. Every given filter must hold; an empty list is no filter. Its example is a dry
 * run, so that "Try it out" counts and forgets nothing.
 */
export class ForgetMemoriesRequest {
  @OptionalString({ example: 'agent_web_crawler' }) agent_id?: string;
  @OptionalString({ example: 'sess_abc123' }) session_id?: string;
  @OptionalStringArray(BODY_MEMORY_TYPES_DOC) memory_types?: string[];
  @OptionalStringArray(BODY_EVENT_TYPES_DOC) event_types?: string[];
  @OptionalStringArray(BODY_TAGS_DOC) tags?: string[];
  @OptionalString({ ...SINCE_DOC, example: '7d' }) since?: string;
  @OptionalString(UNTIL_DOC) until?: string;
  @OptionalString({
    ...QUERY_DOC,
    description:
      'Keyword search, as search reads it: the memories it matches (with every other filter) ' +
      'are forgotten; a dry run counts what search with the same filters and ' +
      '`include_superseded: true` counts.',
  })
  query?: string;
  @OptionalStringArray({
    description:
      `Any of these memory ids (of the key's org; others match nothing). At most ` +
      `${MAX_FORGET_IDS}; more is a 400.`,
    maxItems: MAX_FORGET_IDS,
  })
  ids?: string[];
  @OptionalBoolean({
    description:
      '`true`: answer how many memories would be forgotten (`would_delete`), forget nothing.',
    default: false,
    example: true,
  })
  dry_run?: boolean;
  @OptionalBoolean({
    description:
      '`true`: forget every memory of the org. Only without filters and ids, and only with an ' +
      'admin key (else 403). A request with no filter and no ids is a 400 without it.',
    default: false,
  })
  all?: boolean;
}

export function toForgetInput(dto: ForgetMemoriesRequest): ForgetInput {
  return {
    agentId: dto.agent_id,
    sessionId: dto.session_id,
    memoryTypes: dto.memory_types,
    eventTypes: dto.event_types,
    tags: dto.tags,
    since: dto.since,
    until: dto.until,
    query: dto.query,
    ids: dto.ids,
    dryRun: dto.dry_run,
    all: dto.all,
  };
}
