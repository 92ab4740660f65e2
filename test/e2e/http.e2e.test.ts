import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../adapters/http/create-app.js';
import type { Logger, LogMeta, MemoryService } from '../../domain/index.js';
import {
  apiAs,
  buildTestApp,
  TEST_DRIVER,
  type ApiClient,
  type TestApp,
} from '../support/test-app.js';

/** A logger that keeps what it is given. */
function recordingLogger() {
  const lines: { level: string; message: string; meta: LogMeta | undefined }[] = [];
  const at =
    (level: string) =>
    (message: string, meta?: LogMeta): void => {
      lines.push({ level, message, meta });
    };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { logger, lines };
}

let t: TestApp;
let api: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

describe('HealthRoutes.health', () => {
  it('reports ok with the uptime when called', async () => {
    // Arrange
    t.clock.advance((2 * 3600 + 30 * 60 + 15) * 1000);

    // Act
    const res = await request(t.app).get('/health');

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', service: 'memtrace', uptime: '2h30m15s' });
  });
});

describe('HealthRoutes.ready', () => {
  it('reports ready with the driver when the storage answers', async () => {
    // Act
    const res = await request(t.app).get('/ready');

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', storage: 'connected', driver: TEST_DRIVER });
  });

  it('returns 503 not ready when the ping rejects', async () => {
    // Arrange
    const app = createApp({ ...t.deps, ping: () => Promise.reject(new Error('ECONNREFUSED')) });

    // Act
    const res = await request(app).get('/ready');

    // Assert
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'not ready', storage: 'disconnected', driver: TEST_DRIVER });
  });

  it('returns 503 after 2 seconds when the ping never answers', async () => {
    // Arrange
    const app = createApp({ ...t.deps, ping: () => new Promise<void>(() => undefined) });
    const started = Date.now();

    // Act
    const res = await request(app).get('/ready');

    // Assert
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('CreateApp.requestId', () => {
  it('echoes the caller request id when it is well formed', async () => {
    // Act
    const res = await api.get('/api/v1/memories/mem_x').set('x-request-id', 'trace-123.abc_9');

    // Assert
    expect(res.headers['x-request-id']).toBe('trace-123.abc_9');
    expect(res.body.request_id).toBe('trace-123.abc_9');
  });

  it.each(['has spaces', 'x'.repeat(129), 'semi;colon'])(
    'replaces the request id when the caller sends %j',
    async (given) => {
      // Act
      const res = await request(t.app).get('/health').set('x-request-id', given);

      // Assert
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('makes a new id for every request when none is sent', async () => {
    // Act
    const a = await request(t.app).get('/health');
    const b = await request(t.app).get('/health');

    // Assert
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });
});

describe('CreateApp.headers', () => {
  it('sends no x-powered-by header when any route answers', async () => {
    // Act
    const res = await request(t.app).get('/health');

    // Assert
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('sets Cache-Control: no-store when an /api route answers, errors included', async () => {
    // Act
    const ok = await api.get('/api/v1/memories');
    const unauthorized = await request(t.app).get('/api/v1/memories');

    // Assert
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(unauthorized.headers['cache-control']).toBe('no-store');
  });

  it('answers in JSON when a route answers', async () => {
    // Act
    const res = await api.get('/api/v1/memories');

    // Assert
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('CreateApp.routeNotFound', () => {
  it.each([
    ['GET', '/nowhere', 'no route for GET /nowhere'],
    ['GET', '/api/v1/nothing?x=1', 'no route for GET /api/v1/nothing'],
    ['PATCH', '/api/v1/memories/a/b', 'no route for PATCH /api/v1/memories/a/b'],
  ])(
    'returns a JSON 404 naming the route when %s %s has no route',
    async (method, path, message) => {
      // Act
      const res = await request(t.app)
        [method.toLowerCase() as 'get' | 'patch' | 'post'](path)
        .set('x-api-key', t.adminKey);

      // Assert
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        error: 'not_found',
        message,
        request_id: res.headers['x-request-id'],
      });
    },
  );
});

describe('CreateApp.methodNotAllowed', () => {
  it.each([
    ['PATCH', '/api/v1/memories', 'GET, HEAD, POST'],
    ['POST', '/health', 'GET, HEAD'],
  ])(
    'returns a JSON 405 with Allow when %s %s is a path served with other methods',
    async (method, path, allow) => {
      // Act
      const res = await request(t.app)
        [method.toLowerCase() as 'patch' | 'post'](path)
        .set('x-api-key', t.adminKey);

      // Assert
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe(allow);
      expect(res.body).toEqual({
        error: 'method_not_allowed',
        message: `${method} is not allowed on ${path}; allowed: ${allow}`,
        request_id: res.headers['x-request-id'],
      });
    },
  );
});

describe('CreateApp.jsonBody', () => {
  it('returns 400 "body is not valid JSON" when the JSON is malformed', async () => {
    // Act
    const res = await api
      .post('/api/v1/memories')
      .set('Content-Type', 'application/json')
      .send('{"agent_id": "a", "content": ');

    // Assert
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', message: 'body is not valid JSON' });
  });

  it.each(['[{"agent_id":"a","content":"x"}]', '"text"', '42', 'null', 'true'])(
    'returns 400 "body must be a JSON object" when the body is %s',
    async (body) => {
      // Act
      const res = await api
        .post('/api/v1/memories')
        .set('Content-Type', 'application/json')
        .send(body);

      // Assert
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('body must be a JSON object');
    },
  );

  it('parses JSON when curl -d sends it as a form', async () => {
    // Act
    const res = await api
      .post('/api/v1/memories')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('{"agent_id":"my_agent","content":"Crawled https://example.com"}');

    // Assert
    expect(res.status).toBe(201);
    expect(res.body.content).toBe('Crawled https://example.com');
  });

  it('parses JSON when no Content-Type is sent', async () => {
    // Act
    const res = await request(t.app)
      .post('/api/v1/search')
      .set('x-api-key', t.adminKey)
      .set('Content-Type', '')
      .send('{"limit": 5}');

    // Assert
    expect(res.status).toBe(200);
  });

  it('treats an empty body as {} when nothing is sent', async () => {
    // Act
    const res = await api.post('/api/v1/sessions');

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('agent_id is required');
  });

  it('returns 413 when the body is larger than maxBodyBytes', async () => {
    // Arrange
    const small = await buildTestApp({ maxBodyBytes: 1024 });

    // Act
    const res = await apiAs(small.app, small.adminKey).post('/api/v1/memories', {
      agent_id: 'a',
      content: 'x'.repeat(2048),
    });

    // Assert
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({
      error: 'payload_too_large',
      message: 'body must be at most 1024 bytes',
    });
    expect((await apiAs(small.app, small.adminKey).get('/api/v1/memories')).body.count).toBe(0);
  });

  it('returns 400 when a key is __proto__', async () => {
    // Act
    const res = await api
      .post('/api/v1/memories')
      .set('Content-Type', 'application/json')
      .send('{"agent_id":"a","content":"x","metadata":{"__proto__":{"admin":true}}}');

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('__proto__ is not a known field');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('returns 400 when the JSON is nested too deeply', async () => {
    // Arrange
    const deep = `{"agent_id":"a","content":"x","metadata":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`;

    // Act
    const res = await api
      .post('/api/v1/memories')
      .set('Content-Type', 'application/json')
      .send(deep);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('body must not be nested more than 64 levels deep');
  });

  it('returns 400 when the charset is not UTF', async () => {
    // Act
    const res = await api
      .post('/api/v1/memories')
      .set('Content-Type', 'application/json; charset=latin1')
      .send('{"agent_id":"a","content":"x"}');

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('returns 400 when a path parameter is not valid percent-encoding', async () => {
    // Act
    const res = await api.get('/api/v1/memories/%E0%A4%A');

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('CreateApp.errorHandler', () => {
  it('returns 500 "internal error" and logs the stack when a service fails unexpectedly', async () => {
    // Arrange
    const { logger, lines } = recordingLogger();
    const failing = {
      list: () => Promise.reject(new Error('disk on fire at /var/secret')),
    } as unknown as MemoryService;
    const app = createApp({ ...t.deps, memories: failing, logger });

    // Act
    const res = await request(app).get('/api/v1/memories').set('x-api-key', t.adminKey);

    // Assert
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: 'internal_error',
      message: 'internal error',
      request_id: res.headers['x-request-id'],
    });
    expect(JSON.stringify(res.body)).not.toContain('secret');
    const logged = lines.find((l) => l.level === 'error');
    expect(logged?.meta?.stack).toContain('disk on fire');
    expect(logged?.meta?.request_id).toBe(res.headers['x-request-id']);
  });

  it('returns 503 unavailable when the storage reports it is unreachable', async () => {
    // Arrange
    const { DomainError } = await import('../../domain/index.js');
    const down = {
      list: () =>
        Promise.reject(new DomainError('unavailable', 'STORAGE_DOWN', 'storage unavailable')),
    } as unknown as MemoryService;
    const app = createApp({ ...t.deps, memories: down });

    // Act
    const res = await request(app).get('/api/v1/memories').set('x-api-key', t.adminKey);

    // Assert
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: 'unavailable', message: 'storage unavailable' });
  });
});

describe('CreateApp.requestLog', () => {
  it('logs one request line without keys or query values when a request finishes', async () => {
    // Arrange
    const { logger, lines } = recordingLogger();
    const app = createApp({ ...t.deps, logger });

    // Act
    const res = await request(app)
      .get('/api/v1/memories?content_contains=private')
      .set('x-api-key', t.adminKey)
      .set('x-request-id', 'log-test-1');

    // Assert
    expect(res.status).toBe(200);
    const requests = lines.filter((l) => l.message === 'request');
    expect(requests).toHaveLength(1);
    expect(requests[0]?.meta).toEqual({
      request_id: 'log-test-1',
      method: 'GET',
      path: '/api/v1/memories',
      status: 200,
      duration_ms: expect.any(Number),
      org_id: 'org_default',
    });
    const everything = JSON.stringify(lines);
    expect(everything).not.toContain(t.adminKey);
    expect(everything).not.toContain('private');
  });

  it('logs a null org when the request has no valid key', async () => {
    // Arrange
    const { logger, lines } = recordingLogger();
    const app = createApp({ ...t.deps, logger });

    // Act
    await request(app).get('/api/v1/memories').set('x-api-key', 'mtk_wrong');

    // Assert
    const line = lines.find((l) => l.message === 'request');
    expect(line?.meta).toMatchObject({ status: 401, org_id: null });
    expect(JSON.stringify(lines)).not.toContain('mtk_wrong');
  });
});
