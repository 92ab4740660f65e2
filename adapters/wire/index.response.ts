import { objectSchema, type JsonSchema } from './json-schema.js';

/**
 * What GET / answers: where the reference, the web console, the document, the probes and the
 * API are.
 */
export const INDEX_RESPONSE = {
  service: 'memtrace',
  docs: '/docs',
  console: '/console',
  openapi: '/openapi.json',
  health: '/health',
  ready: '/ready',
  api: '/api/v1',
} as const;

export const INDEX_RESPONSE_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  IndexResponse: objectSchema<typeof INDEX_RESPONSE>(
    {
      service: { type: 'string', const: INDEX_RESPONSE.service },
      docs: {
        type: 'string',
        description: 'The interactive reference.',
        const: INDEX_RESPONSE.docs,
      },
      console: {
        type: 'string',
        description: 'The web console (503 until `npm run build` has built it).',
        const: INDEX_RESPONSE.console,
      },
      openapi: { type: 'string', description: 'This document.', const: INDEX_RESPONSE.openapi },
      health: { type: 'string', description: 'The liveness probe.', const: INDEX_RESPONSE.health },
      ready: { type: 'string', description: 'The readiness probe.', const: INDEX_RESPONSE.ready },
      api: { type: 'string', description: 'The base path of the API.', const: INDEX_RESPONSE.api },
    },
    { description: 'Paths on this server.' },
  ),
};
