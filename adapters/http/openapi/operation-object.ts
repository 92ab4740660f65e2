import type { Access, Ctor, Route } from '../routes/route.js';
import { errorResponseRef } from './error-responses.js';
import { ref, type JsonSchema } from '../../wire/json-schema.js';

/** One route of the table as an OpenAPI operation object. */

const ID_PARAM_DESCRIPTIONS: Readonly<Record<string, string>> = {
  memories: 'The `memory_id`.',
  agents: 'The registered `agent_id` or the agent name (any agent id memories use).',
  sessions: 'The `session_id`.',
  keys: 'The `key_id`.',
  orgs: 'The `org_id`.',
};

const ACCESS_TEXT: Readonly<Record<Access, string>> = {
  public: 'No API key needed.',
  key: 'Needs a valid API key, whatever its permissions.',
  read: 'Needs an API key with the `read` permission.',
  write: 'Needs an API key with the `write` permission.',
  admin: 'Needs an API key with the `admin` permission.',
  operator: 'Needs an admin API key of the default org (the operator).',
};

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

/** The DTO classes a route's body is validated against, in the order the document lists them. */
export function bodyDtos(route: Route): readonly Ctor[] {
  if (route.access === 'public' || !route.body) return [];
  return 'dto' in route.body ? [route.body.dto] : route.body.oneOf;
}

function bodySchema(route: Route): JsonSchema | undefined {
  if (route.access === 'public' || !route.body) return undefined;
  if ('dto' in route.body) return ref(route.body.dto.name);
  // One choice: a body the handler reads itself (PATCH of a memory), documented as that DTO.
  const [only, ...more] = route.body.oneOf;
  return only && more.length === 0
    ? ref(only.name)
    : { oneOf: route.body.oneOf.map((dto) => ref(dto.name)) };
}

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

/** The operation object of `route`; `schemas` are the DTO schemas by class name. */
export function operationObject(route: Route, schemas: Record<string, JsonSchema>): JsonSchema {
  const query = route.access === 'public' ? undefined : route.query;
  const body = bodySchema(route);
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    description: ID_PARAM_DESCRIPTIONS[route.path.split('/')[3] ?? ''] ?? 'The id.',
    schema: { type: 'string' },
  }));
  const errors = new Set<number>(route.errors ?? []);
  errors.add(414);
  if (route.access !== 'public') [401, 403, 429, 503].forEach((s) => errors.add(s));
  if (query || body || route.access !== 'public') errors.add(400);
  if (route.path.startsWith('/api/')) errors.add(500);
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(route.ok)) {
    responses[status] = {
      description: r.description,
      ...(r.schema
        ? { content: json(r.schema) }
        : r.mediaType
          ? { content: { [r.mediaType]: { schema: { type: 'string' } } } }
          : {}),
      ...(r.headers ? { headers: r.headers } : {}),
    };
  }
  for (const status of [...errors].sort()) {
    const response = errorResponseRef(status);
    if (response) responses[String(status)] = response;
  }
  const parameters = [...pathParams, ...(query ? queryParameters(query, schemas) : [])];
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: [route.description, ACCESS_TEXT[route.access]].filter(Boolean).join('\n\n'),
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body && route.access !== 'public' && route.body
      ? {
          requestBody: {
            required: route.body.required,
            content: {
              'application/json': { schema: body, example: bodyExample(body, schemas) },
            },
          },
        }
      : {}),
    responses,
  };
}
