import { getMetadataStorage } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { ValidationTypes } from 'class-validator';
import type { ErrorCode } from '../error-mapping.js';
import { ADMIN_RESPONSE_SCHEMAS, ARC_RESPONSE_SCHEMAS } from '../../wire/admin.response.js';
import { AGENT_RESPONSE_SCHEMAS } from '../../wire/agent.response.js';
import { CreateAgentRequest } from '../../wire/create-agent.request.js';
import { CreateKeyRequest } from '../../wire/create-key.request.js';
import { CreateMemoryBatchRequest, CreateMemoryRequest } from '../../wire/create-memory.request.js';
import { CreateOrgRequest } from '../../wire/create-org.request.js';
import { CreateSessionRequest } from '../../wire/create-session.request.js';
import { INDEX_RESPONSE_SCHEMAS } from '../../wire/index.response.js';
import { MEMORY_RESPONSE_SCHEMAS } from '../../wire/memory.response.js';
import { PutArcInstanceRequest } from '../../wire/put-arc-instance.request.js';
import { SearchMemoriesRequest } from '../../wire/search-memories.request.js';
import { SessionContextRequest } from '../../wire/session-context.request.js';
import { SESSION_RESPONSE_SCHEMAS } from '../../wire/session.response.js';
import { UpdateSessionRequest } from '../../wire/update-session.request.js';
import { arrayOf, objectSchema, ref, type JsonSchema } from '../../wire/json-schema.js';
import { OPERATIONS, type Access, type Ctor, type Operation } from './openapi-operations.js';

/** The API version the document describes (the package's version; a test keeps them equal). */
export const API_VERSION = '0.3.0';

const ID_PARAM_DESCRIPTIONS: Readonly<Record<string, string>> = {
  memories: 'The `memory_id`.',
  agents: 'The registered `agent_id` or the agent name (any agent id memories use).',
  sessions: 'The `session_id`.',
  keys: 'The `key_id`.',
  orgs: 'The `org_id`.',
};

const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
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
  method_not_allowed: 'PUT is not allowed on /api/v1/memories; allowed: GET, HEAD, POST',
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

/**
 * The body "Try it out" starts from: the example of every field that has one (of the first choice
 * of a `oneOf`). Without it Swagger UI would fill fields with their defaults, not their examples.
 */
function bodyExample(schema: JsonSchema, schemas: Record<string, JsonSchema>): JsonSchema {
  const [first] = (schema.oneOf ?? []) as JsonSchema[];
  if (first) return bodyExample(first, schemas);
  const name = typeof schema.$ref === 'string' ? schema.$ref.split('/').pop() : undefined;
  const properties = ((name === undefined ? schema : schemas[name])?.properties ?? {}) as Record<
    string,
    JsonSchema
  >;
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([, field]) => field.example !== undefined)
      .map(([key, field]) => [key, field.example]),
  );
}

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
  PutArcInstanceRequest,
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
      ? {
          requestBody: {
            required: op.body.required,
            content: {
              'application/json': {
                schema: op.body.schema,
                example: bodyExample(op.body.schema, schemas),
              },
            },
          },
        }
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
    servers: [{ url: '/', description: 'The memtrace server that serves this document' }],
    tags: [
      { name: 'memories', description: 'Record, list, get and search memories.' },
      { name: 'sessions', description: 'Sessions and their LLM-ready context.' },
      { name: 'agents', description: 'Registered agents and their statistics.' },
      { name: 'admin', description: 'API keys, orgs and their Arc routing.' },
      { name: 'health', description: 'Probes, metrics and this document.' },
    ],
    security: [{ apiKey: [] }, { bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'The same `mtk_` key, as `Authorization: Bearer <key>`; an Authorization header of ' +
            "any other form is a 401 `Authorization header must be 'Bearer <key>'`.",
        },
      },
      schemas: {
        ...requestSchemas,
        ...MEMORY_RESPONSE_SCHEMAS,
        ...SESSION_RESPONSE_SCHEMAS,
        ...AGENT_RESPONSE_SCHEMAS,
        ...ADMIN_RESPONSE_SCHEMAS,
        ...ARC_RESPONSE_SCHEMAS,
        ...INDEX_RESPONSE_SCHEMAS,
        ...HEALTH_SCHEMAS,
        ErrorResponse: ERROR_SCHEMA,
      },
      responses,
    },
  };
  return cached;
}
