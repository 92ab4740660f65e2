import {
  DEFAULT_EVENT_TYPE,
  DEFAULT_LIMITS,
  DEFAULT_MEMORY_TYPE,
  EVENT_TYPE_PATTERN,
  ID_PATTERN,
  MAX_BATCH_SIZE,
  MAX_CONTENT_LENGTH,
  MAX_DEDUP_KEY_LENGTH,
  MAX_TAGS,
  MEMORY_TYPES,
  TAG_PATTERN,
  type NewMemory,
} from '../../domain/index.js';
import {
  NestedArray,
  OptionalBoolean,
  OptionalNumber,
  OptionalObject,
  OptionalString,
  OptionalStringArray,
  RequiredString,
} from './field-decorators.js';

/** The limit on a stored JSON object (MEMTRACE_LIMITS_MAX_METADATA_BYTES), for its docs. */
export const METADATA_LIMIT_TEXT =
  `At most ${DEFAULT_LIMITS.maxMetadataBytes} bytes of JSON ` +
  '(MEMTRACE_LIMITS_MAX_METADATA_BYTES); more is a 400.';

/** One memory as POST /api/v1/memories takes it (also an item of a batch). */
export class CreateMemoryRequest {
  @RequiredString({
    description: 'The agent that recorded it; need not be registered.',
    pattern: ID_PATTERN.source,
    example: 'agent_web_crawler',
  })
  agent_id!: string;
  @RequiredString({
    description: 'What happened, was decided or was learned.',
    minLength: 1,
    maxLength: MAX_CONTENT_LENGTH,
    example: 'Crawled https://example.com — found 3 product pages',
  })
  content!: string;
  @OptionalString({ enum: MEMORY_TYPES, default: DEFAULT_MEMORY_TYPE, example: 'episodic' })
  memory_type?: string;
  @OptionalString({
    description: 'Free-form kind of event; `error` counts in the agent stats.',
    pattern: EVENT_TYPE_PATTERN.source,
    default: DEFAULT_EVENT_TYPE,
    example: 'page_crawled',
  })
  event_type?: string;
  @OptionalString({
    description:
      'The session it belongs to; need not be created first: a session id the org does not ' +
      'have yet is created with the memory (active, this agent, no metadata).',
    pattern: ID_PATTERN.source,
    example: 'sess_abc123',
  })
  session_id?: string;
  @OptionalObject({
    description: `Any JSON object. ${METADATA_LIMIT_TEXT}`,
    default: {},
    example: { url: 'https://example.com', pages_found: 3 },
  })
  metadata?: Record<string, unknown>;
  @OptionalStringArray({
    description: 'Exact-match labels; repeats are dropped.',
    items: { type: 'string', pattern: TAG_PATTERN.source },
    maxItems: MAX_TAGS,
    default: [],
    example: ['crawling', 'products'],
  })
  tags?: string[];
  @OptionalNumber({ minimum: 0, maximum: 1, default: 0, example: 0.7 })
  importance?: number;
  @OptionalString({
    description:
      'Duplicates are recognised by this key within the dedup window; default: the first 32 hex ' +
      'digits of SHA-256 of `agent_id|session_id|memory_type|event_type|content`.',
    maxLength: MAX_DEDUP_KEY_LENGTH,
    example: 'crawl-example.com-2026-02-13',
  })
  dedup_key?: string;
  @OptionalString({ description: 'A memory this one follows from.', pattern: ID_PATTERN.source })
  parent_id?: string;
  @OptionalString({
    description:
      'When it happened (RFC 3339 / ISO 8601; without a zone, UTC); default: now. Any time in ' +
      'the past; in the future at most the allowed clock skew (MEMTRACE_MEMORY_MAX_FUTURE_SKEW, ' +
      'default 5m); later, or not a real date, is a 400. Lists, filters (`since`, `until`) and ' +
      'order read this time; the server also records `created_at`, which dedup windows read. ' +
      'Example: `2026-02-13T10:30:00Z` (no example value here, so that the examples of the ' +
      'list routes find the memory this one creates).',
  })
  time?: string;
  @OptionalString({
    description:
      'When it expires (ISO 8601, in the future): from then on no read returns it, and the ' +
      'purge deletes it. Not with `ttl` or `pinned`. Without it (and without `ttl`) the ' +
      "org's retention applies, if any. Example: `2026-03-01T00:00:00Z`.",
  })
  expires_at?: string;
  @OptionalString({
    description:
      'How long it lives from now: `30m`, `12h`, `7d`, `1w`. Not with `expires_at` or `pinned`.',
    pattern: '^\\d{1,9}[mhdw]$',
    example: '7d',
  })
  ttl?: string;
  @OptionalBoolean({
    description:
      "Never expires: no `ttl`, no `expires_at`, and the org's retention does not apply.",
    default: false,
  })
  pinned?: boolean;
  @OptionalString({
    description:
      'A current memory of the org that this one corrects: it is retired (hidden from list, ' +
      'search and context unless `include_superseded`; get and history still show it). 404 when ' +
      'the org has no such memory; 409 when another memory already superseded it.',
    pattern: ID_PATTERN.source,
  })
  supersedes?: string;
}

/** A batch: `{"memories": [...]}` and nothing else at the top level. */
export class CreateMemoryBatchRequest {
  @NestedArray(
    () => CreateMemoryRequest,
    MAX_BATCH_SIZE,
    `must contain at most ${MAX_BATCH_SIZE} memories per request`,
    {
      description:
        'Stored atomically: one invalid item rejects the whole batch. The memories may carry ' +
        `at most ${DEFAULT_LIMITS.maxBatchTags} tags in all (MEMTRACE_LIMITS_MAX_BATCH_TAGS); ` +
        'more is a 400.',
    },
  )
  memories!: CreateMemoryRequest[];
}

export function toNewMemory(dto: CreateMemoryRequest): NewMemory {
  return {
    agentId: dto.agent_id,
    content: dto.content,
    memoryType: dto.memory_type ?? null,
    eventType: dto.event_type ?? null,
    sessionId: dto.session_id ?? null,
    metadata: dto.metadata ?? null,
    tags: dto.tags ?? null,
    importance: dto.importance ?? null,
    dedupKey: dto.dedup_key ?? null,
    parentId: dto.parent_id ?? null,
    time: dto.time ?? null,
    expiresAt: dto.expires_at ?? null,
    ttl: dto.ttl ?? null,
    pinned: dto.pinned ?? null,
    supersedes: dto.supersedes ?? null,
  };
}
