import { objectSchema, type JsonSchema } from './json-schema.js';

/** What GET / answers: where the reference, the document, the probes and the API are. */
export const INDEX_RESPONSE = {
  service: 'memtrace',
  docs: '/docs',
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
      openapi: { type: 'string', description: 'This document.', const: INDEX_RESPONSE.openapi },
      health: { type: 'string', description: 'The liveness probe.', const: INDEX_RESPONSE.health },
      ready: { type: 'string', description: 'The readiness probe.', const: INDEX_RESPONSE.ready },
      api: { type: 'string', description: 'The base path of the API.', const: INDEX_RESPONSE.api },
    },
    { description: 'Paths on this server.' },
  ),
};
