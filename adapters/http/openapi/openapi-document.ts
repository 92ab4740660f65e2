import { getMetadataStorage } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { ValidationTypes } from 'class-validator';
import { ADMIN_RESPONSE_SCHEMAS, ARC_RESPONSE_SCHEMAS } from '../../wire/admin.response.js';
import { AGENT_RESPONSE_SCHEMAS } from '../../wire/agent.response.js';
import { INDEX_RESPONSE_SCHEMAS } from '../../wire/index.response.js';
import { MEMORY_RESPONSE_SCHEMAS } from '../../wire/memory.response.js';
import { SESSION_RESPONSE_SCHEMAS } from '../../wire/session.response.js';
import { ROUTES } from '../routes/all-routes.js';
import { HEALTH_RESPONSE_SCHEMAS } from '../routes/health.routes.js';
import { ERROR_SCHEMA, errorResponses } from './error-responses.js';
import type { JsonSchema } from '../../wire/json-schema.js';
import { bodyDtos, operationObject } from './operation-object.js';

/** The API version the document describes (the package's version; a test keeps them equal). */
export const API_VERSION = '0.3.0';

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

/** Every documented operation's method (upper case) and OpenAPI path template. */
export const documentedRoutes = (): readonly { method: string; path: string }[] =>
  ROUTES.map((route) => ({ method: route.method.toUpperCase(), path: route.path }));

let cached: Readonly<Record<string, unknown>> | undefined;

/**
 * The OpenAPI 3.1 document of the whole HTTP API, built from the route tables: request schemas
 * come from the DTO classes the routes name, response schemas from the `*_RESPONSE_SCHEMAS`
 * written next to their mapping functions. Built once; the same object every call.
 */
export function openApiDocument(): Readonly<Record<string, unknown>> {
  if (cached) return cached;
  const all = dtoSchemas();
  const requestSchemas = Object.fromEntries(
    ROUTES.flatMap(bodyDtos).map((dto) => {
      const schema = all[dto.name];
      if (!schema) throw new Error(`no schema for ${dto.name}`);
      return [dto.name, { ...schema, additionalProperties: false }];
    }),
  );
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    (paths[route.path] ??= {})[route.method] = operationObject(route, all);
  }
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
        ...HEALTH_RESPONSE_SCHEMAS,
        ErrorResponse: ERROR_SCHEMA,
      },
      responses: errorResponses(),
    },
  };
  return cached;
}
