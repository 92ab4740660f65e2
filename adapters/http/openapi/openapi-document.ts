import { getMetadataStorage } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { ValidationTypes } from 'class-validator';
import { MAX_BATCH_SIZE } from '../../../domain/index.js';
import type { ErrorCode } from '../error-mapping.js';
import { ADMIN_RESPONSE_SCHEMAS } from '../dto/admin.response.js';
import { AGENT_RESPONSE_SCHEMAS } from '../dto/agent.response.js';
import { CreateAgentRequest } from '../dto/create-agent.request.js';
import { CreateKeyRequest } from '../dto/create-key.request.js';
import { CreateMemoryBatchRequest, CreateMemoryRequest } from '../dto/create-memory.request.js';
import { CreateOrgRequest } from '../dto/create-org.request.js';
import { CreateSessionRequest } from '../dto/create-session.request.js';
import {
  AgentMemoriesQuery,
  ListMemoriesQuery,
  SessionMemoriesQuery,
} from '../dto/list-memories.query.js';
import { ListSessionsQuery } from '../dto/list-sessions.query.js';
import { MEMORY_RESPONSE_SCHEMAS } from '../dto/memory.response.js';
import { PageQuery } from '../dto/page.query.js';
import { SearchMemoriesRequest } from '../dto/search-memories.request.js';
import { SessionContextRequest } from '../dto/session-context.request.js';
import { SESSION_RESPONSE_SCHEMAS } from '../dto/session.response.js';
import { UpdateSessionRequest } from '../dto/update-session.request.js';
import { arrayOf, objectSchema, ref, type JsonSchema } from './json-schema.js';

/** The API version the document describes (the package's version; a test keeps them equal). */
export const API_VERSION = '0.3.0';

type Ctor = abstract new (...args: never[]) => object;
type Method = 'get' | 'post' | 'put' | 'delete';
type Access = 'public' | 'read' | 'write' | 'admin' | 'operator';

interface Operation {
  readonly method: Method;
  /** OpenAPI path template (`/api/v1/memories/{id}`). */
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly access: Access;
  readonly query?: Ctor;
  readonly body?: { readonly schema: JsonSchema; readonly required: boolean };
  /** Success status → description and schema (or media type for non-JSON bodies). */
  readonly ok: Readonly<Record<number, SuccessResponse>>;
  /** Error statuses besides those every route of its access level can answer. */
  readonly errors?: readonly number[];
}

interface SuccessResponse {
  readonly description: string;
  readonly schema?: JsonSchema;
  readonly mediaType?: string;
}

const ID_PARAM_DESCRIPTIONS: Readonly<Record<string, string>> = {
  memories: 'The `memory_id`.',
  agents: 'The registered `agent_id` or the agent name (any agent id memories use).',
  sessions: 'The `session_id`.',
  keys: 'The `key_id`.',
};

const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'rate_limited',
  'unavailable',
  'internal_error',
] as const satisfies readonly ErrorCode[];
// Every ErrorCode is listed: this line fails to compile when one is missing.
const ALL_CODES_LISTED: Exclude<ErrorCode, (typeof ERROR_CODES)[number]> extends never
  ? true
  : never = true;
void ALL_CODES_LISTED;

const ERROR_RESPONSES: Readonly<Record<number, { name: string; code: ErrorCode; text: string }>> = {
  400: {
    name: 'InvalidRequest',
    code: 'invalid_request',
    text: 'The request breaks a rule; the message starts with the field at fault.',
  },
  401: {
    name: 'Unauthorized',
    code: 'unauthorized',
    text: 'No API key, or an unknown or revoked one.',
  },
  403: { name: 'Forbidden', code: 'forbidden', text: 'The key lacks the permission.' },
  404: { name: 'NotFound', code: 'not_found', text: 'Nothing of the org has this id.' },
  409: { name: 'Conflict', code: 'conflict', text: 'It exists already.' },
  413: {
    name: 'PayloadTooLarge',
    code: 'payload_too_large',
    text: 'The body is larger than MEMTRACE_SERVER_MAX_BODY_BYTES.',
  },
  414: {
    name: 'UriTooLong',
    code: 'invalid_request',
    text: 'The path and query are longer than the server accepts.',
  },
  429: {
    name: 'RateLimited',
    code: 'rate_limited',
    text: 'Over the per-key rate limit (when one is configured); see the Retry-After header.',
  },
  500: { name: 'InternalError', code: 'internal_error', text: 'A failure of the service.' },
  503: { name: 'Unavailable', code: 'unavailable', text: 'The storage does not answer.' },
};

const ERROR_EXAMPLES: Readonly<Record<ErrorCode, string>> = {
  invalid_request: 'agent_id is required',
  unauthorized: 'missing API key: send x-api-key or Authorization: Bearer',
  forbidden: "this API key lacks the 'write' permission",
  not_found: 'memory not found',
  conflict:
    'duplicate memory: a memory with the same dedup_key was recorded within the dedup window',
  payload_too_large: 'request body is larger than 10485760 bytes',
  rate_limited: 'rate limit of 600 requests per minute exceeded: retry after 1 s',
  unavailable: 'storage unavailable',
  internal_error: 'internal error',
};

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  description:
    'The body of every error. Some errors add fields: `details` (validation), `memory_id` (a duplicate memory).',
  properties: {
    error: { type: 'string', enum: ERROR_CODES },
    message: {
      type: 'string',
      description: 'A sentence for people; for a 400 it starts with the field.',
    },
    request_id: {
      type: 'string',
      description: 'The request id, also in the `x-request-id` response header.',
    },
    details: arrayOf(
      objectSchema<{ field: string; constraints: unknown }>({
        field: { type: 'string', example: 'memories[3].agent_id' },
        constraints: {
          type: 'object',
          additionalProperties: { type: 'string' },
          example: { isDefined: 'memories[3].agent_id is required' },
        },
      }),
      { description: 'Validation failures (400), at most 20.' },
    ),
    memory_id: {
      type: 'string',
      description: 'On a duplicate memory (409): the stored memory it duplicates.',
    },
  },
  required: ['error', 'message', 'request_id'],
  additionalProperties: true,
};

const HEALTH_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  HealthResponse: objectSchema<{ status: string; service: string; uptime: string }>({
    status: { type: 'string', const: 'ok' },
    service: { type: 'string', const: 'memtrace' },
    uptime: { type: 'string', example: '2h30m15s' },
  }),
  ReadyResponse: objectSchema<{ status: string; storage: string; driver: string }>({
    status: { type: 'string', enum: ['ready', 'not ready'] },
    storage: { type: 'string', enum: ['connected', 'disconnected'] },
    driver: { type: 'string', example: 'sqlite' },
  }),
};

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

const OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/health',
    operationId: 'health',
    tag: 'health',
    summary: 'The process is up',
    access: 'public',
    ok: { 200: { description: 'Up.', schema: ref('HealthResponse') } },
  },
  {
    method: 'get',
    path: '/ready',
    operationId: 'ready',
    tag: 'health',
    summary: 'The storage answers',
    access: 'public',
    ok: { 200: { description: 'Ready.', schema: ref('ReadyResponse') } },
    errors: [503],
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'health',
    summary: 'Prometheus metrics',
    description:
      'Request durations by route and status, store-operation latency by driver and operation, ' +
      'memories written, duplicates rejected, context tokens returned and process metrics, in ' +
      'the Prometheus text format. Public, like /health; off with MEMTRACE_METRICS_ENABLED=false.',
    access: 'public',
    ok: { 200: { description: 'The metrics.', mediaType: 'text/plain' } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    tag: 'health',
    summary: 'This document',
    access: 'public',
    ok: { 200: { description: 'The OpenAPI 3.1 document.', schema: { type: 'object' } } },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    tag: 'health',
    summary: 'Interactive API reference (HTML, works offline)',
    access: 'public',
    ok: {
      200: { description: 'The reference page (at /docs/).', mediaType: 'text/html' },
      301: { description: 'To /docs/, under which the page loads its assets.' },
    },
  },
  {
    method: 'post',
    path: '/api/v1/memories',
    operationId: 'addMemory',
    tag: 'memories',
    summary: 'Record one memory, or a batch atomically',
    description:
      `One memory, or \`{"memories": [...]}\` (up to ${MAX_BATCH_SIZE}) stored atomically. ` +
      'A single duplicate is a 409 carrying the stored `memory_id`; a batch stores the rest and ' +
      'lists its duplicates.',
    access: 'write',
    body: {
      required: true,
      schema: { oneOf: [ref('CreateMemoryRequest'), ref('CreateMemoryBatchRequest')] },
    },
    ok: {
      201: {
        description: 'Stored: the memory, or for a batch what was stored.',
        schema: { oneOf: [ref('MemoryResponse'), ref('BatchResponse')] },
      },
    },
    errors: [409, 413],
  },
  {
    method: 'get',
    path: '/api/v1/memories',
    operationId: 'listMemories',
    tag: 'memories',
    summary: 'List memories, filtered',
    access: 'read',
    query: ListMemoriesQuery,
    ok: { 200: { description: 'A page of memories.', schema: ref('MemoryListResponse') } },
  },
  {
    method: 'get',
    path: '/api/v1/memories/{id}',
    operationId: 'getMemory',
    tag: 'memories',
    summary: 'One memory',
    access: 'read',
    ok: { 200: { description: 'The memory.', schema: ref('MemoryResponse') } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/search',
    operationId: 'searchMemories',
    tag: 'memories',
    summary: 'Structured search',
    access: 'read',
    body: { required: false, schema: ref('SearchMemoriesRequest') },
    ok: { 200: { description: 'Matching memories.', schema: ref('SearchResponse') } },
    errors: [413],
  },
  {
    method: 'post',
    path: '/api/v1/agents',
    operationId: 'registerAgent',
    tag: 'agents',
    summary: 'Register an agent',
    access: 'write',
    body: { required: true, schema: ref('CreateAgentRequest') },
    ok: { 201: { description: 'Registered.', schema: ref('AgentResponse') } },
    errors: [409, 413],
  },
  {
    method: 'get',
    path: '/api/v1/agents',
    operationId: 'listAgents',
    tag: 'agents',
    summary: 'Registered agents, newest first',
    access: 'read',
    query: PageQuery,
    ok: { 200: { description: 'A page of agents.', schema: ref('AgentListResponse') } },
  },
  {
    method: 'get',
    path: '/api/v1/agents/{id}',
    operationId: 'getAgent',
    tag: 'agents',
    summary: 'One agent, by id or name',
    access: 'read',
    ok: { 200: { description: 'The agent.', schema: ref('AgentResponse') } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/v1/agents/{id}/stats',
    operationId: 'getAgentStats',
    tag: 'agents',
    summary: "An agent's statistics",
    access: 'read',
    ok: { 200: { description: 'The statistics.', schema: ref('AgentStatsResponse') } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/v1/agents/{id}/memories',
    operationId: 'getAgentMemories',
    tag: 'agents',
    summary: "An agent's memories, filtered",
    access: 'read',
    query: AgentMemoriesQuery,
    ok: { 200: { description: 'A page of memories.', schema: ref('MemoryListResponse') } },
    errors: [404],
  },
  {
    method: 'delete',
    path: '/api/v1/agents/{id}',
    operationId: 'deleteAgent',
    tag: 'agents',
    summary: "Remove an agent's registration (its memories stay)",
    access: 'write',
    ok: { 204: { description: 'Removed.' } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/sessions',
    operationId: 'createSession',
    tag: 'sessions',
    summary: 'Start a session',
    access: 'write',
    body: { required: true, schema: ref('CreateSessionRequest') },
    ok: { 201: { description: 'Created.', schema: ref('SessionResponse') } },
    errors: [413],
  },
  {
    method: 'get',
    path: '/api/v1/sessions',
    operationId: 'listSessions',
    tag: 'sessions',
    summary: 'Sessions, newest first',
    access: 'read',
    query: ListSessionsQuery,
    ok: { 200: { description: 'A page of sessions.', schema: ref('SessionListResponse') } },
  },
  {
    method: 'get',
    path: '/api/v1/sessions/{id}',
    operationId: 'getSession',
    tag: 'sessions',
    summary: 'One session',
    access: 'read',
    ok: { 200: { description: 'The session.', schema: ref('SessionResponse') } },
    errors: [404],
  },
  {
    method: 'put',
    path: '/api/v1/sessions/{id}',
    operationId: 'updateSession',
    tag: 'sessions',
    summary: 'Close or reopen a session, merge its metadata',
    access: 'write',
    body: { required: true, schema: ref('UpdateSessionRequest') },
    ok: { 200: { description: 'The session after the change.', schema: ref('SessionResponse') } },
    errors: [404, 413],
  },
  {
    method: 'get',
    path: '/api/v1/sessions/{id}/memories',
    operationId: 'getSessionMemories',
    tag: 'sessions',
    summary: "A session's memories, filtered",
    access: 'read',
    query: SessionMemoriesQuery,
    ok: { 200: { description: 'A page of memories.', schema: ref('MemoryListResponse') } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/sessions/{id}/context',
    operationId: 'getSessionContext',
    tag: 'sessions',
    summary: "The session's LLM-ready context (markdown)",
    description:
      'A session id works when it was created or when any memory of the org names it. An empty ' +
      'body takes every default: the whole session, newest first, no token budget.',
    access: 'read',
    body: { required: false, schema: ref('SessionContextRequest') },
    ok: { 200: { description: 'The context.', schema: ref('ContextResponse') } },
    errors: [404, 413],
  },
  {
    method: 'post',
    path: '/api/v1/keys',
    operationId: 'createKey',
    tag: 'admin',
    summary: 'Issue an API key for the org',
    access: 'admin',
    body: { required: true, schema: ref('CreateKeyRequest') },
    ok: {
      201: {
        description: 'Issued; `api_key` is shown only here.',
        schema: ref('IssuedKeyResponse'),
      },
    },
    errors: [413],
  },
  {
    method: 'get',
    path: '/api/v1/keys',
    operationId: 'listKeys',
    tag: 'admin',
    summary: "The org's keys (never their secrets)",
    access: 'admin',
    ok: { 200: { description: 'The keys.', schema: ref('KeyListResponse') } },
  },
  {
    method: 'delete',
    path: '/api/v1/keys/{id}',
    operationId: 'revokeKey',
    tag: 'admin',
    summary: 'Revoke a key, effective on the next request',
    description: 'The last admin key of an org cannot be revoked (409).',
    access: 'admin',
    ok: { 204: { description: 'Revoked.' } },
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/api/v1/orgs',
    operationId: 'createOrg',
    tag: 'admin',
    summary: 'Create an org with its first admin key',
    access: 'operator',
    body: { required: true, schema: ref('CreateOrgRequest') },
    ok: { 201: { description: 'Created.', schema: ref('CreatedOrgResponse') } },
    errors: [409, 413],
  },
  {
    method: 'get',
    path: '/api/v1/orgs',
    operationId: 'listOrgs',
    tag: 'admin',
    summary: 'Every org',
    access: 'operator',
    ok: { 200: { description: 'The orgs.', schema: ref('OrgListResponse') } },
  },
];

const ACCESS_TEXT: Readonly<Record<Access, string>> = {
  public: 'No API key needed.',
  read: 'Needs an API key with the `read` permission.',
  write: 'Needs an API key with the `write` permission.',
  admin: 'Needs an API key with the `admin` permission.',
  operator: 'Needs an admin API key of the default org (the operator).',
};

const REQUEST_DTOS: readonly Ctor[] = [
  CreateMemoryRequest,
  CreateMemoryBatchRequest,
  SearchMemoriesRequest,
  CreateAgentRequest,
  CreateSessionRequest,
  UpdateSessionRequest,
  SessionContextRequest,
  CreateKeyRequest,
  CreateOrgRequest,
];

/**
 * JSON Schemas of every validated DTO class, by class name, from its class-validator metadata
 * and the docs its field decorators carry. Custom validators contribute nothing of their own:
 * their field decorators state the schema explicitly.
 */
function dtoSchemas(): Record<string, JsonSchema> {
  return validationMetadatasToSchemas({
    classValidatorMetadataStorage: getMetadataStorage(),
    refPointerPrefix: '#/components/schemas/',
    additionalConverters: {
      [ValidationTypes.CUSTOM_VALIDATION]: {},
      [ValidationTypes.NESTED_VALIDATION]: {},
      [ValidationTypes.IS_DEFINED]: {},
    },
  }) as Record<string, JsonSchema>;
}

/** Query parameters of a query DTO: one per field, lists as repeated or comma-separated. */
function queryParameters(dto: Ctor, schemas: Record<string, JsonSchema>): JsonSchema[] {
  const schema = schemas[dto.name];
  if (!schema) throw new Error(`no schema for ${dto.name}`);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).map(([name, fieldSchema]) => {
    const { description, example, ...rest } = fieldSchema;
    const isList = rest.type === 'array';
    return {
      name,
      in: 'query',
      required: false,
      ...(description !== undefined ? { description } : {}),
      schema: rest,
      ...(example !== undefined ? { example } : {}),
      ...(isList ? { style: 'form', explode: true } : {}),
    };
  });
}

function operationObject(op: Operation, schemas: Record<string, JsonSchema>): JsonSchema {
  const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    description: ID_PARAM_DESCRIPTIONS[op.path.split('/')[3] ?? ''] ?? 'The id.',
    schema: { type: 'string' },
  }));
  const errors = new Set<number>(op.errors ?? []);
  errors.add(414);
  if (op.access !== 'public') [401, 403, 429, 503].forEach((s) => errors.add(s));
  if (op.query || op.body || op.access !== 'public') errors.add(400);
  if (op.path.startsWith('/api/')) errors.add(500);
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(op.ok)) {
    responses[status] = {
      description: r.description,
      ...(r.schema
        ? { content: json(r.schema) }
        : r.mediaType
          ? { content: { [r.mediaType]: { schema: { type: 'string' } } } }
          : {}),
    };
  }
  for (const status of [...errors].sort()) {
    const e = ERROR_RESPONSES[status];
    if (e) responses[String(status)] = { $ref: `#/components/responses/${e.name}` };
  }
  const parameters = [...pathParams, ...(op.query ? queryParameters(op.query, schemas) : [])];
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    description: [op.description, ACCESS_TEXT[op.access]].filter(Boolean).join('\n\n'),
    ...(op.access === 'public' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body
      ? { requestBody: { required: op.body.required, content: json(op.body.schema) } }
      : {}),
    responses,
  };
}

/** Every documented operation's method (upper case) and OpenAPI path template. */
export const documentedRoutes = (): readonly { method: string; path: string }[] =>
  OPERATIONS.map((op) => ({ method: op.method.toUpperCase(), path: op.path }));

let cached: Readonly<Record<string, unknown>> | undefined;

/**
 * The OpenAPI 3.1 document of the whole HTTP API: request schemas come from the DTO classes,
 * response schemas from the `*_RESPONSE_SCHEMAS` written next to their mapping functions.
 * Built once; the same object every call.
 */
export function openApiDocument(): Readonly<Record<string, unknown>> {
  if (cached) return cached;
  const all = dtoSchemas();
  const requestSchemas = Object.fromEntries(
    REQUEST_DTOS.map((dto) => {
      const schema = all[dto.name];
      if (!schema) throw new Error(`no schema for ${dto.name}`);
      return [dto.name, { ...schema, additionalProperties: false }];
    }),
  );
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    (paths[op.path] ??= {})[op.method] = operationObject(op, all);
  }
  const responses = Object.fromEntries(
    Object.values(ERROR_RESPONSES).map((e) => [
      e.name,
      {
        description: e.text,
        content: {
          'application/json': {
            schema: ref('ErrorResponse'),
            example: {
              error: e.code,
              message:
                e.name === 'UriTooLong' ? 'URL must be at most 8192 bytes' : ERROR_EXAMPLES[e.code],
              request_id: '4bf92f3577b34da6a3ce929d0e0e4736',
            },
          },
        },
      },
    ]),
  );
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'memtrace',
      version: API_VERSION,
      summary: 'Memory service for AI agents',
      description:
        'Agents record what they did, decided and learned (memories), read them back filtered, ' +
        "and ask for a session's LLM-ready context. Every `/api/v1` route needs an API key " +
        "(`x-api-key: mtk_...` or `Authorization: Bearer mtk_...`); the org is always the key's.",
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://localhost:9100', description: 'The default local server' }],
    tags: [
      { name: 'memories', description: 'Record, list, get and search memories.' },
      { name: 'sessions', description: 'Sessions and their LLM-ready context.' },
      { name: 'agents', description: 'Registered agents and their statistics.' },
      { name: 'admin', description: 'API keys and orgs.' },
      { name: 'health', description: 'Probes, metrics and this document.' },
    ],
    security: [{ apiKey: [] }, { bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        bearer: { type: 'http', scheme: 'bearer', description: 'The same `mtk_` key.' },
      },
      schemas: {
        ...requestSchemas,
        ...MEMORY_RESPONSE_SCHEMAS,
        ...SESSION_RESPONSE_SCHEMAS,
        ...AGENT_RESPONSE_SCHEMAS,
        ...ADMIN_RESPONSE_SCHEMAS,
        ...HEALTH_SCHEMAS,
        ErrorResponse: ERROR_SCHEMA,
      },
      responses,
    },
  };
  return cached;
}
