import type { ErrorCode } from '../error-mapping.js';
import { arrayOf, objectSchema, ref, type JsonSchema } from '../../wire/json-schema.js';

/** The error side of the OpenAPI document: the error body and one response per status. */

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

/** The body of every error (`components.schemas.ErrorResponse`). */
export const ERROR_SCHEMA: JsonSchema = {
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

/** The reference to the shared response of an error status; undefined for a status without. */
export function errorResponseRef(status: number): JsonSchema | undefined {
  const e = ERROR_RESPONSES[status];
  return e ? { $ref: `#/components/responses/${e.name}` } : undefined;
}

/** `components.responses`: one per error status, with an example body. */
export function errorResponses(): Record<string, unknown> {
  return Object.fromEntries(
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
}
