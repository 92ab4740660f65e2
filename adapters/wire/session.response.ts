import {
  CONTEXT_FORMATS,
  MEMORY_TYPES,
  SESSION_STATUSES,
  TOKENIZERS,
  type ContextMessage,
  type JsonContextItem,
  type JsonContextSection,
  type Session,
  type SessionContext,
} from '../../domain/index.js';
import {
  arrayOf,
  count,
  HAS_MORE,
  NEXT_CURSOR,
  isoTime,
  nullable,
  objectSchema,
  ref,
} from './json-schema.js';
import { iso, isoOrNull } from './memory.response.js';

/**
 * A session as the API returns it. `id` repeats `session_id` and `org_id` names the org, as the
 * original memtrace SDKs' `Session` type requires.
 */
export function toSessionResponse(s: Session) {
  return {
    session_id: s.id,
    id: s.id,
    org_id: s.orgId,
    agent_id: s.agentId,
    status: s.status,
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
    closed_at: isoOrNull(s.closedAt),
    metadata: s.metadata,
  };
}

export function toSessionListResponse(list: {
  readonly sessions: readonly Session[];
  readonly count: number;
  readonly hasMore: boolean;
  readonly nextCursor: string | null;
}) {
  return {
    sessions: list.sessions.map(toSessionResponse),
    count: list.count,
    has_more: list.hasMore,
    next_cursor: list.nextCursor,
  };
}

export function toContextResponse(c: SessionContext) {
  return {
    session_id: c.sessionId,
    context: c.context,
    format: c.format,
    tokenizer: c.tokenizer,
    memory_count: c.memoryCount,
    omitted_count: c.omittedCount,
    tokens: c.tokens,
    truncated: c.truncated,
    estimated_tokens: c.tokens,
  };
}

/** The documented schemas of the shapes above, by their OpenAPI component name. */
export const SESSION_RESPONSE_SCHEMAS = {
  SessionResponse: objectSchema<ReturnType<typeof toSessionResponse>>({
    session_id: { type: 'string', example: 'sess_019c56b7f5c0a1b2c3d4e5f6' },
    id: {
      type: 'string',
      description: '`session_id` again, for clients of the original memtrace SDKs.',
      example: 'sess_019c56b7f5c0a1b2c3d4e5f6',
    },
    org_id: {
      type: 'string',
      description: 'The org the session belongs to.',
      example: 'org_default',
    },
    agent_id: { type: 'string', example: 'agent_web_crawler' },
    status: { type: 'string', enum: SESSION_STATUSES, example: 'active' },
    created_at: isoTime(),
    updated_at: isoTime(),
    closed_at: nullable('string', {
      format: 'date-time',
      description: 'Set when closed, cleared when reopened.',
    }),
    metadata: { type: 'object', additionalProperties: true, example: { task: 'product_research' } },
  }),
  SessionListResponse: objectSchema<ReturnType<typeof toSessionListResponse>>({
    sessions: arrayOf(ref('SessionResponse')),
    count: count('Every match of the filters, not just this page.'),
    has_more: HAS_MORE,
    next_cursor: NEXT_CURSOR,
  }),
  ContextResponse: objectSchema<ReturnType<typeof toContextResponse>>({
    session_id: { type: 'string', example: 'sess_abc123' },
    context: {
      description:
        'By `format`: markdown for a prompt (`## Session Context (<id>)`, then one section per type), an array of sections (json), or an array of chat messages (messages).',
      oneOf: [{ type: 'string' }, arrayOf(ref('ContextSection')), arrayOf(ref('ContextMessage'))],
      example:
        '## Session Context (sess_abc123)\n\n### Recent Actions (1)\n- Crawled https://example.com — found 3 product pages',
    },
    format: { type: 'string', enum: [...CONTEXT_FORMATS], example: 'markdown' },
    tokenizer: { type: 'string', enum: [...TOKENIZERS], example: 'o200k_base' },
    memory_count: count('Memories included (one cut to fit counts).'),
    omitted_count: count('Memories that matched but were left out to fit `max_tokens`.'),
    tokens: count(
      'Exact tokens of the context by `tokenizer`: of the markdown, of the JSON text of the sections (json), or of the message contents (messages).',
    ),
    truncated: {
      type: 'boolean',
      description: 'True when a matching memory was left out or cut to fit `max_tokens`.',
    },
    estimated_tokens: count('Same as `tokens` (kept for older clients).'),
  }),
  ContextSection: objectSchema<JsonContextSection>({
    title: { type: 'string', example: 'Decisions' },
    memory_type: { type: 'string', enum: [...MEMORY_TYPES], example: 'decision' },
    items: arrayOf(ref('ContextItem')),
  }),
  ContextItem: objectSchema<JsonContextItem>({
    memory_id: { type: 'string', example: 'mem_019c56b7f5c0a1b2c3d4e5f6' },
    content: { type: 'string', example: 'Chose PostgreSQL for the catalogue' },
    time: isoTime(),
    importance: { type: 'number', example: 0.8 },
    tags: arrayOf({ type: 'string' }),
  }),
  ContextMessage: objectSchema<ContextMessage>({
    role: { type: 'string', enum: ['system'] },
    content: { type: 'string', description: 'The markdown context.' },
  }),
};
