import { connect } from 'node:net';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../adapters/http/create-app.js';
import { sqliteDriver, type ServerStore } from '../support/server-drivers.js';
import {
  aBootstrapKey,
  freePort,
  spawnServer,
  waitUntilHealthy,
  type ServerProcess,
} from '../support/server-process.js';
import { apiAs, buildTestApp, createKey } from '../support/test-app.js';

describe('HttpApi.securityHeaders', () => {
  it('sends helmet headers and no x-powered-by when answering a route, an API error and a 404', async () => {
    // Arrange
    const t = await buildTestApp();

    // Act
    const responses = await Promise.all([
      request(t.app).get('/health'),
      request(t.app).get('/api/v1/memories'),
      request(t.app).get('/nowhere'),
    ]);

    // Assert
    for (const res of responses) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      // memtrace speaks plain http: upgrading would send a browser to an https nobody answers.
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(res.headers['strict-transport-security']).toContain('max-age=');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('HttpApi.urlLimits', () => {
  it('returns 414 with the error body when the URL is longer than the limit', async () => {
    // Arrange
    const t = await buildTestApp();
    const app = createApp({ ...t.deps, maxUrlBytes: 1024 });

    // Act
    const res = await request(app)
      .get(`/api/v1/memories?content_contains=${'a'.repeat(1100)}`)
      .set('x-api-key', t.adminKey);

    // Assert
    expect(res.status).toBe(414);
    expect(res.body).toMatchObject({
      error: 'invalid_request',
      message: 'URL must be at most 1024 bytes',
    });
  });

  it('returns 400 when the URL carries an encoded NUL', async () => {
    // Arrange
    const t = await buildTestApp();

    // Act
    const inPath = await apiAs(t.app, t.adminKey).get('/api/v1/memories/mem_%00');
    const inQuery = await apiAs(t.app, t.adminKey).get('/api/v1/memories?content_contains=a%00b');

    // Assert
    expect([inPath.status, inQuery.status]).toEqual([400, 400]);
    expect(inQuery.body.message).toBe('URL must not contain NUL (%00)');
  });
});

describe('HttpApi.bodyText', () => {
  it.each([
    ['a lone surrogate', '{"agent_id":"a","content":"\\ud800"}', 'lone surrogate'],
    [
      'a lone low surrogate in metadata',
      '{"agent_id":"a","content":"x","metadata":{"k":"\\udc00"}}',
      'lone surrogate',
    ],
    ['a NUL', '{"agent_id":"a","content":"a\\u0000b"}', 'NUL'],
    ['a NUL in a key', '{"agent_id":"a","content":"x","metadata":{"a\\u0000":1}}', 'NUL'],
    ['a number beyond a double', '{"agent_id":"a","content":"x","metadata":{"n":1e309}}', '1e309'],
  ])('returns 400 when the body holds %s', async (_what, body, words) => {
    // Arrange
    const t = await buildTestApp();

    // Act
    const res = await apiAs(t.app, t.adminKey)
      .post('/api/v1/memories')
      .set('content-type', 'application/json')
      .send(body);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.message).toContain(words);
  });

  it('stores and reads back a surrogate pair, -0 and constructor keys unchanged', async () => {
    // Arrange
    const t = await buildTestApp();
    const api = apiAs(t.app, t.adminKey);
    const metadata = { constructor: { prototype: 'p' }, list: [{ constructor: 1 }], zero: -0 };

    // Act
    const created = await api.post('/api/v1/memories', {
      agent_id: 'agent_text',
      content: '😀 \udbff\udfff',
      metadata,
    });
    const read = await api.get(`/api/v1/memories/${created.body.memory_id}`);

    // Assert
    expect(created.status).toBe(201);
    expect(read.body.content).toBe('😀 \udbff\udfff');
    expect(read.body.metadata).toEqual({
      constructor: { prototype: 'p' },
      list: [{ constructor: 1 }],
      zero: 0,
    });
  });

  it('returns 400, not 500, when free-form JSON holds constructor keys in the wrong place', async () => {
    // Arrange
    const t = await buildTestApp();
    const api = apiAs(t.app, t.adminKey);

    // Act
    const session = await api.post('/api/v1/sessions', {
      agent_id: 'agent_x',
      metadata: [false, { constructor: 'x' }],
    });
    const tags = await api.post('/api/v1/memories', {
      agent_id: 'agent_x',
      content: 'x',
      tags: [{ constructor: 'x' }],
    });

    // Assert
    expect([session.status, tags.status]).toEqual([400, 400]);
  });
});

describe('HttpApi.rateLimit', () => {
  it('answers 429 rate_limited with Retry-After when a key exceeds its burst, and serves it again after the wait', async () => {
    // Arrange
    const t = await buildTestApp();
    const app = createApp({ ...t.deps, rateLimit: { requestsPerMinute: 60, burst: 3 } });
    const other = await createKey(t, ['read']);
    const api = apiAs(app, t.adminKey);

    // Act
    const allowed = [];
    for (let i = 0; i < 3; i++) allowed.push((await api.get('/api/v1/memories')).status);
    const limited = await api.get('/api/v1/memories');
    const otherKey = await apiAs(app, other).get('/api/v1/memories');
    t.clock.advance(1000);
    const later = await api.get('/api/v1/memories');

    // Assert
    expect(allowed).toEqual([200, 200, 200]);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.body).toMatchObject({ error: 'rate_limited' });
    expect(Object.keys(limited.body).sort()).toEqual(['error', 'message', 'request_id']);
    expect(otherKey.status).toBe(200);
    expect(later.status).toBe(200);
  });

  it('never answers 429 when no rate limit is configured (the default)', async () => {
    // Arrange
    const t = await buildTestApp();
    const api = apiAs(t.app, t.adminKey);

    // Act
    const statuses = new Set<number>();
    for (let i = 0; i < 100; i++) statuses.add((await api.get('/api/v1/memories')).status);

    // Assert
    expect([...statuses]).toEqual([200]);
  });
});

/** A raw HTTP exchange: what the server sends back before it closes the connection. */
function rawExchange(
  url: string,
  send: (socket: ReturnType<typeof connect>) => void,
  limitMs: number,
): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open ${limitMs} ms: ${answer}`));
    }, limitMs);
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', () => undefined);
    socket.on('connect', () => send(socket));
  });
}

describe('Server.limits', () => {
  const key = aBootstrapKey();
  let store: ServerStore;
  let server: ServerProcess;

  afterAll(async () => {
    server.proc.kill('SIGTERM');
    await server.exited;
    await store.close();
  });

  it('answers 431 with the error body when request headers exceed the configured size', async () => {
    // Arrange
    store = await sqliteDriver.open();
    server = spawnServer(
      {
        ...store.env,
        MEMTRACE_AUTH_BOOTSTRAP_KEY: key,
        MEMTRACE_SERVER_MAX_HEADER_BYTES: '2048',
        MEMTRACE_SERVER_HEADERS_TIMEOUT: '1',
        MEMTRACE_SERVER_REQUEST_TIMEOUT: '2',
      },
      await freePort(),
    );
    await waitUntilHealthy(server);

    // Act
    const res = await fetch(`${server.url}/health`, { headers: { 'x-filler': 'f'.repeat(4096) } });

    // Assert
    expect(res.status).toBe(431);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  }, 30_000);

  it('answers 408 and closes the connection when a client sends its headers too slowly', async () => {
    // Act: half a request head, then nothing
    const answer = await rawExchange(
      server.url,
      (socket) => socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '),
      15_000,
    );

    // Assert
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"error":"invalid_request"');
  }, 30_000);

  it('answers 400 with the error body and closes the connection when the request is not HTTP', async () => {
    // Act
    const answer = await rawExchange(server.url, (socket) => socket.write('HELLO\r\n\r\n'), 15_000);

    // Assert
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"error":"invalid_request"');
  }, 30_000);
});
