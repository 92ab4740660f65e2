import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NodeCrypto } from '../../adapters/system/node-crypto.js';
import { listRoutes, routeName, type AppRoute } from '../support/app-routes.js';
import { SERVER_DRIVERS } from '../support/server-drivers.js';
import {
  aBootstrapKey,
  freePort,
  spawnServer,
  waitUntilHealthy,
} from '../support/server-process.js';
import { apiAs, buildTestApp, createKey } from '../support/test-app.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Every request memtrace can get with a key in it: valid, unknown, revoked, misplaced. */
async function requestsCarryingKeys(url: string, admin: string) {
  const call = (path: string, headers: Record<string, string>, init: RequestInit = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...headers },
    }).then(async (res) => {
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, string> };
    });
  const created = await call(
    '/api/v1/keys',
    { 'x-api-key': admin },
    { method: 'POST', body: JSON.stringify({ name: 'worker', permissions: ['read', 'write'] }) },
  );
  const org = await call(
    '/api/v1/orgs',
    { authorization: `Bearer ${admin}` },
    { method: 'POST', body: JSON.stringify({ name: 'tenant two' }) },
  );
  const worker = created.body.api_key as string;
  const tenant = org.body.api_key as string;
  const unknown = aBootstrapKey();
  const statuses = {
    worker: (await call('/api/v1/memories', { 'x-api-key': worker })).status,
    tenant: (await call('/api/v1/memories', { authorization: `Bearer ${tenant}` })).status,
    unknown: (await call('/api/v1/memories', { 'x-api-key': unknown })).status,
    malformed: (await call('/api/v1/memories', { 'x-api-key': `${unknown}!` })).status,
    badScheme: (await call('/api/v1/memories', { authorization: `Basic ${worker}` })).status,
    inQuery: (await call(`/api/v1/memories?api_key=${worker}`, { 'x-api-key': worker })).status,
    inPath: (await call(`/api/v1/memories/${worker}`, { 'x-api-key': worker })).status,
    revoke: (
      await call(
        `/api/v1/keys/${created.body.key_id}`,
        { 'x-api-key': admin },
        { method: 'DELETE' },
      )
    ).status,
    revoked: (await call('/api/v1/memories', { 'x-api-key': worker })).status,
  };
  return { keys: { admin, worker, tenant }, unknown, statuses };
}

describe.each(SERVER_DRIVERS)('Keys at rest and in logs on $name', (driver) => {
  it.skipIf(!driver.enabled)(
    'stores only SHA-256 hashes and logs no key when requests carry valid, unknown and revoked keys',
    async () => {
      // Arrange
      const store = await driver.open();
      const admin = aBootstrapKey();
      const server = spawnServer(
        {
          ...store.env,
          MEMTRACE_AUTH_BOOTSTRAP_KEY: admin,
          MEMTRACE_LOG_LEVEL: 'debug',
          MEMTRACE_LOG_FORMAT: 'json',
        },
        await freePort(),
      );
      try {
        await waitUntilHealthy(server);

        // Act
        const { keys, unknown, statuses } = await requestsCarryingKeys(server.url, admin);
        server.proc.kill('SIGTERM');
        await server.exited;
        const atRest = (await store.rawContents()).toString('latin1');
        const logs = server.stderr() + server.stdout();

        // Assert
        expect(statuses).toEqual({
          worker: 200,
          tenant: 200,
          unknown: 401,
          malformed: 401,
          badScheme: 401,
          inQuery: 400,
          inPath: 404,
          revoke: 204,
          revoked: 401,
        });
        expect(logs).toContain('"message":"request"');
        for (const key of [...Object.values(keys), unknown]) {
          expect(atRest).not.toContain(key);
          expect(atRest).not.toContain(key.slice(4, 24));
          expect(logs).not.toContain(key.slice(4, 24));
        }
        for (const key of Object.values(keys)) expect(atRest).toContain(sha256(key));
        expect(atRest).not.toContain(sha256(unknown));
      } finally {
        if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
        await server.exited;
        await store.close();
      }
    },
    60_000,
  );
});

const isAdminRoute = (r: AppRoute) => /^\/api\/v1\/(keys|orgs)\b/.test(r.path);
const isWriteRoute = (r: AppRoute) =>
  r.path.startsWith('/api/v1/') &&
  !isAdminRoute(r) &&
  r.method !== 'GET' &&
  !(r.method === 'POST' && /\/(search|context)$/.test(r.path));
const concrete = (r: AppRoute) => r.path.replace(':id', 'x_1');

function call(t: Awaited<ReturnType<typeof buildTestApp>>, key: string, r: AppRoute) {
  const api = apiAs(t.app, key);
  const path = concrete(r);
  if (r.method === 'GET') return api.get(path);
  if (r.method === 'PUT') return api.put(path, {});
  if (r.method === 'DELETE') return api.delete(path);
  if (r.method === 'PATCH') return api.patch(path, {});
  return api.post(path, {});
}

describe('Auth.permissions', () => {
  it('returns 403 without details when a read-write key calls any admin route', async () => {
    // Arrange
    const t = await buildTestApp();
    const key = await createKey(t, ['read', 'write']);
    const routes = listRoutes(t.app).filter(isAdminRoute);

    // Act
    const responses = await Promise.all(routes.map((r) => call(t, key, r)));

    // Assert
    expect(routes.map(routeName).sort()).toEqual([
      'DELETE /api/v1/keys/:id',
      'DELETE /api/v1/orgs/:id/arc',
      'GET /api/v1/keys',
      'GET /api/v1/orgs',
      'GET /api/v1/orgs/:id/arc',
      'POST /api/v1/keys',
      'POST /api/v1/orgs',
      'PUT /api/v1/orgs/:id/arc',
      'PUT /api/v1/orgs/:id/retention',
    ]);
    for (const res of responses) {
      expect(res.status).toBe(403);
      expect(Object.keys(res.body).sort()).toEqual(['error', 'message', 'request_id']);
    }
  });

  it('returns 403 when a read-only key calls any route that writes', async () => {
    // Arrange
    const t = await buildTestApp();
    const key = await createKey(t, ['read']);
    const routes = listRoutes(t.app).filter(isWriteRoute);

    // Act
    const responses = await Promise.all(routes.map((r) => call(t, key, r)));

    // Assert
    expect(routes.length).toBeGreaterThanOrEqual(5);
    responses.forEach((res, i) => expect(res.status, routeName(routes[i] as AppRoute)).toBe(403));
  });

  it('returns 401 on the next request when the key was revoked', async () => {
    // Arrange
    const t = await buildTestApp();
    const key = await createKey(t, ['read']);
    const keyId = (await apiAs(t.app, t.adminKey).get('/api/v1/keys')).body.keys[1].key_id;
    expect((await apiAs(t.app, key).get('/api/v1/memories')).status).toBe(200);

    // Act
    await apiAs(t.app, t.adminKey).delete(`/api/v1/keys/${keyId}`);
    const res = await apiAs(t.app, key).get('/api/v1/memories');

    // Assert
    expect(res.status).toBe(401);
  });
});

describe('NodeCrypto.timingSafeEqual', () => {
  it('compares hashes in constant time when they differ only in the last character', () => {
    // Arrange
    const crypto = new NodeCrypto();
    const hash = sha256('mtk_x');

    // Act
    const same = crypto.timingSafeEqual(hash, hash);
    const last = crypto.timingSafeEqual(
      hash,
      `${hash.slice(0, -1)}${hash.endsWith('0') ? '1' : '0'}`,
    );

    // Assert
    expect([same, last]).toEqual([true, false]);
  });
});
