import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../adapters/http/create-app.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { listRoutes } from '../support/app-routes.js';
import { buildTestApp } from '../support/test-app.js';

// Not OPTIONS: Express answers it on every route path itself, with Allow.
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

describe('HttpApi.index', () => {
  it('points to the reference, the document, the probes and the API when asked for /', async () => {
    // Arrange
    const { app } = await buildTestApp();

    // Act
    const res = await request(app).get('/');

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      service: 'memtrace',
      docs: '/docs',
      console: '/console',
      openapi: '/openapi.json',
      health: '/health',
      ready: '/ready',
      api: '/api/v1',
    });
    for (const path of ['/docs/', '/openapi.json', '/health', '/ready']) {
      expect((await request(app).get(path)).status, path).toBe(200);
    }
  });
});

describe('HttpApi.methodNotAllowed', () => {
  it('answers 405 with Allow and the error body for every route path asked with a method it does not take', async () => {
    // Arrange: every route Express serves, metrics included; without the /mcp mount, which
    // answers in MCP's own protocol (JSON-RPC errors)
    const { deps, adminKey } = await buildTestApp();
    const app = createApp({ ...deps, mounts: [], metrics: new PrometheusMetrics() });
    const routes = listRoutes(app).filter((r) => r.method !== 'USE');
    const byPath = new Map<string, Set<string>>();
    for (const r of routes)
      (byPath.get(r.path) ?? byPath.set(r.path, new Set()).get(r.path))!.add(r.method);
    expect(routes.length).toBeGreaterThan(20);

    // A path may match the pattern of another (`/memories/forget` that of `/memories/:id`):
    // what Express routes there is every method of every pattern it matches.
    const matches = (pattern: string, url: string) =>
      new RegExp(`^${pattern.replace(/:\w+/g, '[^/]+')}$`).test(url);
    for (const path of byPath.keys()) {
      const url = path.replace(/:\w+/g, 'id_nowhere');
      const allowed = new Set(
        [...byPath].filter(([pattern]) => matches(pattern, url)).flatMap(([, m]) => [...m]),
      );
      if (allowed.has('GET')) allowed.add('HEAD');
      for (const method of METHODS.filter((m) => !allowed.has(m))) {
        // Act
        const res = await request(app)
          [method.toLowerCase() as 'get'](url)
          .set('x-api-key', adminKey);

        // Assert
        const at = `${method} ${url}`;
        expect(res.status, at).toBe(405);
        expect(res.headers.allow, at).toBe([...allowed].sort().join(', '));
        if (method === 'HEAD') continue; // no body
        expect(res.body, at).toMatchObject({
          error: 'method_not_allowed',
          message: `${method} is not allowed on ${url}; allowed: ${[...allowed].sort().join(', ')}`,
        });
        expect(typeof res.body.request_id, at).toBe('string');
      }
    }
    expect(byPath.has('/api/v1/memories/:id')).toBe(true);
    expect(byPath.has('/api/v1/memories/forget')).toBe(true);
  });

  it('still answers 404 for a path no route serves, whatever the method', async () => {
    // Arrange
    const { app, adminKey } = await buildTestApp();

    // Act
    const responses = await Promise.all([
      request(app).post('/nowhere').set('x-api-key', adminKey),
      request(app).delete('/api/v1/nowhere').set('x-api-key', adminKey),
      request(app).get('/api/v1/memories/a/b').set('x-api-key', adminKey),
    ]);

    // Assert
    for (const res of responses) {
      expect(res.status).toBe(404);
      expect(res.headers.allow).toBeUndefined();
      expect(res.body.error).toBe('not_found');
    }
  });

  it('asks for the key before it names the methods of an /api/v1 path', async () => {
    // Arrange
    const { app } = await buildTestApp();

    // Act
    const res = await request(app).get('/api/v1/search');

    // Assert
    expect(res.status).toBe(401);
    expect(res.headers.allow).toBeUndefined();
  });
});
