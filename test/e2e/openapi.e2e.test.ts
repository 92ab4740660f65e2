import { readFileSync } from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import type express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../adapters/http/create-app.js';
import { API_VERSION, openApiDocument } from '../../adapters/http/openapi/openapi-document.js';
import { ROUTES } from '../../adapters/http/routes/all-routes.js';
import { servedRoutes as tableRoutes } from '../../adapters/http/served-routes.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { openApiText, OPENAPI_FILE } from '../../src/openapi.js';
import { listRoutes, routeName } from '../support/app-routes.js';
import { buildTestApp } from '../support/test-app.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every `METHOD /path` an Express app routes, found by walking its router stack. */
const servedRoutes = (app: express.Express): string[] =>
  listRoutes(app)
    .filter((r) => r.method !== 'USE')
    .map(routeName);

/** `METHOD /path/:id` for every operation of the document. */
function documentedRoutes(doc: Readonly<Record<string, unknown>>): string[] {
  const paths = doc.paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([p, ops]) =>
    Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
  );
}

describe('openApiDocument', () => {
  it('is a valid OpenAPI 3.1 document when checked by swagger-parser', async () => {
    // validate() dereferences in place: give it a copy.
    const doc = structuredClone(openApiDocument()) as unknown as Parameters<
      typeof SwaggerParser.validate
    >[0];
    const api = (await SwaggerParser.validate(doc)) as { openapi?: string };
    expect(api.openapi).toBe('3.1.0');
  });

  it('documents every route Express serves, and Express serves every documented one', async () => {
    const { deps } = await buildTestApp();
    // The REST API: without the /mcp mount, whose protocol is MCP's, not the document's.
    const app = createApp({ ...deps, mounts: [], metrics: new PrometheusMetrics() });
    expect(servedRoutes(app).sort()).toEqual(documentedRoutes(openApiDocument()).sort());
  });

  it('serves, documents and answers 405s from the route tables: the same routes', async () => {
    const { deps } = await buildTestApp();
    const withMetrics = { ...deps, mounts: [], metrics: new PrometheusMetrics() };
    const table = tableRoutes(ROUTES, withMetrics).map(routeName);
    expect(new Set(table).size).toBe(ROUTES.length);
    // Express routes exactly the table's routes, each where the table puts it.
    expect(servedRoutes(createApp(withMetrics))).toEqual(table);
    expect(documentedRoutes(openApiDocument()).sort()).toEqual([...table].sort());
    // Without metrics, GET /metrics is neither served nor in the 405 table.
    const without = { ...deps, mounts: [], metrics: undefined };
    const served = tableRoutes(ROUTES, without).map(routeName);
    expect(served).toEqual(table.filter((r) => r !== 'GET /metrics'));
    expect(servedRoutes(createApp(without))).toEqual(served);
  });

  it('carries the package version when built', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(API_VERSION).toBe(pkg.version);
  });

  it('matches the committed docs/openapi.json when that copy is current (npm run openapi)', () => {
    const committed: unknown = JSON.parse(readFileSync(path.join(ROOT, OPENAPI_FILE), 'utf8'));
    expect(committed).toEqual(JSON.parse(openApiText()));
  });

  it('gives every field of every request schema a type, and defaults where the API has them', () => {
    type Field = { type?: unknown; default?: unknown };
    type Schema = { properties: Record<string, Field>; required?: string[] };
    const all = (openApiDocument().components as { schemas: Record<string, Schema> }).schemas;
    const schemas = all as Record<string, Schema> & {
      CreateMemoryRequest: Schema;
      SearchMemoriesRequest: Schema;
      CreateKeyRequest: Schema;
    };
    for (const name of ['CreateMemoryRequest', 'SearchMemoriesRequest', 'SessionContextRequest']) {
      for (const [field, schema] of Object.entries(schemas[name]?.properties ?? {})) {
        expect({ field, typed: schema.type !== undefined }).toEqual({ field, typed: true });
      }
    }
    expect(schemas.CreateMemoryRequest.properties.memory_type?.default).toBe('episodic');
    expect(schemas.CreateMemoryRequest.properties.event_type?.default).toBe('general');
    expect(schemas.CreateMemoryRequest.required).toEqual(['agent_id', 'content']);
    expect(schemas.SearchMemoriesRequest.properties.limit?.default).toBe(100);
    expect(schemas.CreateKeyRequest.properties.permissions?.default).toEqual(['read', 'write']);
  });
});

describe('GET /openapi.json', () => {
  it('serves the document without an API key', async () => {
    const { app } = await buildTestApp();
    const res = await request(app).get('/openapi.json').expect(200);
    expect(res.body).toEqual(JSON.parse(openApiText()));
  });

  it('describes the real responses when they are checked against its schemas', async () => {
    const { app, adminKey } = await buildTestApp();
    // The schemas use only keywords JSON Schema draft-07 shares with 3.1, which ajv 6 checks.
    const ajv = new Ajv({ allErrors: true });
    const doc = openApiDocument() as { components: object };
    // One schema holds the components, so their document-relative $refs resolve.
    ajv.addSchema({ $id: 'memtrace', components: doc.components });
    const check = (name: string, body: unknown) => {
      const validate = ajv.getSchema(`memtrace#/components/schemas/${name}`);
      expect(validate, name).toBeDefined();
      const ok = validate?.(body);
      expect({ name, errors: ok ? null : validate?.errors }).toEqual({ name, errors: null });
    };
    const auth = { 'x-api-key': adminKey };
    const memory = await request(app)
      .post('/api/v1/memories')
      .set(auth)
      .send({ agent_id: 'a1', session_id: 's1', content: 'x', tags: ['t'], importance: 0.5 })
      .expect(201);
    check('MemoryResponse', memory.body);
    const batch = await request(app)
      .post('/api/v1/memories')
      .set(auth)
      .send({
        memories: [
          { agent_id: 'a1', content: 'x', session_id: 's1' },
          { agent_id: 'a1', content: 'y' },
        ],
      })
      .expect(201);
    check('BatchResponse', batch.body);
    check('MemoryListResponse', (await request(app).get('/api/v1/memories').set(auth)).body);
    check(
      'SearchResponse',
      (
        await request(app)
          .post('/api/v1/search')
          .set(auth)
          .send({ tags: ['t'] })
      ).body,
    );
    const session = await request(app).post('/api/v1/sessions').set(auth).send({ agent_id: 'a1' });
    check('SessionResponse', session.body);
    check('SessionListResponse', (await request(app).get('/api/v1/sessions').set(auth)).body);
    check(
      'ContextResponse',
      (await request(app).post('/api/v1/sessions/s1/context').set(auth).send({})).body,
    );
    const agent = await request(app).post('/api/v1/agents').set(auth).send({ name: 'a1' });
    check('AgentResponse', agent.body);
    check('AgentListResponse', (await request(app).get('/api/v1/agents').set(auth)).body);
    check('AgentStatsResponse', (await request(app).get('/api/v1/agents/a1/stats').set(auth)).body);
    const key = await request(app).post('/api/v1/keys').set(auth).send({ name: 'k' });
    check('IssuedKeyResponse', key.body);
    check('KeyListResponse', (await request(app).get('/api/v1/keys').set(auth)).body);
    check(
      'CreatedOrgResponse',
      (await request(app).post('/api/v1/orgs').set(auth).send({ name: 'o' })).body,
    );
    check('OrgListResponse', (await request(app).get('/api/v1/orgs').set(auth)).body);
    check('HealthResponse', (await request(app).get('/health')).body);
    check('ReadyResponse', (await request(app).get('/ready')).body);
    check('ErrorResponse', (await request(app).get('/api/v1/memories/mem_nope').set(auth)).body);
    check('ErrorResponse', (await request(app).post('/api/v1/memories').set(auth).send({})).body);
  });
});
