import {
  CONTEXT_FORMATS,
  MAX_CONTEXT_TOKENS,
  MAX_QUERY_LENGTH,
  MEMORY_TYPES,
  TOKENIZERS,
  type ContextInput,
} from '../../domain/index.js';
import {
  FILTER_VALUES_DOC,
  INCLUDE_SUPERSEDED_DOC,
  SINCE_DOC,
  UNTIL_DOC,
} from './list-memories.query.js';
import {
  OptionalBoolean,
  OptionalNumber,
  OptionalString,
  OptionalStringArray,
} from './field-decorators.js';

/** The body of POST /api/v1/sessions/:id/context; an empty body takes every default. */
export class SessionContextRequest {
  @OptionalString({ ...SINCE_DOC, example: '4h' }) since?: string;
  @OptionalString(UNTIL_DOC) until?: string;
  @OptionalStringArray({
    description: `Only these memory types; empty or absent means all. ${FILTER_VALUES_DOC.limitText}`,
    items: { type: 'string', enum: MEMORY_TYPES },
    maxItems: FILTER_VALUES_DOC.maxItems,
    example: ['episodic', 'decision'],
  })
  include_types?: string[];
  @OptionalStringArray({
    description: `Leave these memory types out. ${FILTER_VALUES_DOC.limitText}`,
    items: { type: 'string', enum: MEMORY_TYPES },
    example: [],
    maxItems: FILTER_VALUES_DOC.maxItems,
  })
  exclude_types?: string[];
  @OptionalNumber({
    description:
      'Token budget, counted by `tokenizer`: the whole context never has more tokens. Memories are offered pinned first, then (with `query`) those matching it by score, then by importance, then newest, and each is kept when it still fits whole (the first one is cut with `…` when it alone does not fit). Absent: no budget.',
    type: 'integer',
    minimum: 1,
    maximum: MAX_CONTEXT_TOKENS,
    example: 2000,
  })
  max_tokens?: number;
  @OptionalString({ enum: ['asc', 'desc'], default: 'desc' }) order?: string;
  @OptionalBoolean(INCLUDE_SUPERSEDED_DOC) include_superseded?: boolean;
  @OptionalString({
    description:
      'The tokenizer that counts `max_tokens` and `tokens`; the server setting (`[context] tokenizer`, default o200k_base) when absent.',
    enum: [...TOKENIZERS],
    example: 'o200k_base',
  })
  tokenizer?: string;
  @OptionalString({
    description:
      '`markdown` (default): `context` is the markdown text. `json`: `context` is an array of sections (`title`, `memory_type`, `items` with `memory_id`, `content`, `time`, `importance`, `tags`), and the budget counts its JSON text. `messages`: `context` is `[{"role":"system","content":<markdown>}]` (empty when nothing fits), and the budget counts the message contents.',
    enum: [...CONTEXT_FORMATS],
    default: 'markdown',
  })
  format?: string;
  @OptionalString({
    description:
      'A keyword search (the language of search\'s `query`: words, `"phrases"`, `prefix*`, `OR`) that ranks the session\'s memories for `max_tokens`: after pinned ones, those matching it come first, highest score first, then the rest by importance and recency. It filters nothing out, and without `max_tokens` changes nothing. Empty: no query.',
    maxLength: MAX_QUERY_LENGTH,
    example: 'deploy rollback',
  })
  query?: string;
}

export const toContextInput = (dto: SessionContextRequest): ContextInput => ({
  since: dto.since,
  until: dto.until,
  includeTypes: dto.include_types,
  excludeTypes: dto.exclude_types,
  maxTokens: dto.max_tokens,
  order: dto.order,
  includeSuperseded: dto.include_superseded,
  tokenizer: dto.tokenizer,
  format: dto.format,
  query: dto.query,
});
