import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  apiAs,
  buildTestApp,
  createKey,
  type ApiClient,
  type TestApp,
} from '../support/test-app.js';

let t: TestApp;
let admin: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  admin = apiAs(t.app, t.adminKey);
});

describe('Auth.authenticate', () => {
  it('returns 401 "missing API key" when no key is sent', async () => {
    // Act
    const res = await request(t.app).get('/api/v1/memories');

    // Assert
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('unauthorized');
    expect(res.body.message).toMatch(/^missing API key/);
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
  });

  it.each([
    ['an unknown well-formed key', `mtk_${'A'.repeat(43)}`],
    ['a malformed key', 'not-a-key'],
  ])('returns 401 "invalid API key" when x-api-key is %s', async (_what, key) => {
    // Act
    const res = await request(t.app).get('/api/v1/memories').set('x-api-key', key);

    // Assert
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'unauthorized', message: 'invalid API key' });
  });

  it.each(['Bearer', 'bearer', 'BEARER'])(
    'accepts the key when it comes as Authorization: %s <key>',
    async (scheme) => {
      // Act
      const res = await request(t.app)
        .get('/api/v1/memories')
        .set('Authorization', `${scheme} ${t.adminKey}`);

      // Assert
      expect(res.status).toBe(200);
    },
  );

  it.each([
    ['a key followed by more text', (key: string) => `Bearer ${key} junk`],
    ['the key without a scheme', (key: string) => key],
    ['another scheme', (key: string) => `Basic ${key}`],
    ['the scheme without a key', () => 'Bearer'],
    ['two keys', (key: string) => `Bearer ${key}, Bearer ${key}`],
  ])('returns 401 naming the expected form when Authorization holds %s', async (_what, header) => {
    // Act
    const res = await request(t.app)
      .get('/api/v1/memories')
      .set('Authorization', header(t.adminKey));

    // Assert
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: 'unauthorized',
      message: "Authorization header must be 'Bearer <key>'",
      request_id: res.headers['x-request-id'],
    });
  });

  it('returns 401 "missing API key" when x-api-key and Authorization are empty', async () => {
    // Act
    const res = await request(t.app)
      .get('/api/v1/memories')
      .set('x-api-key', '')
      .set('Authorization', '');

    // Assert
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/^missing API key/);
  });

  it('returns 401 naming the header when x-api-key is sent twice', async () => {
    // Act
    const res = await request(t.app)
      .get('/api/v1/memories')
      .set('x-api-key', [t.adminKey, t.adminKey] as unknown as string); // sent as two header lines

    // Assert
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({
      error: 'unauthorized',
      message: 'send the API key in one x-api-key header',
    });
  });

  it.each([
    ['x-api-key with a Bearer prefix', { 'x-api-key': 'Bearer KEY' }],
    ['x-api-key with spaces inside', { 'x-api-key': 'KEY KEY' }],
  ])('returns 401 "invalid API key" when the request sends %s', async (_what, headers) => {
    // Act
    const res = await request(t.app)
      .get('/api/v1/memories')
      .set(
        Object.fromEntries(
          Object.entries(headers).map(([k, v]) => [k, v.replaceAll('KEY', t.adminKey)]),
        ),
      );

    // Assert
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'unauthorized', message: 'invalid API key' });
  });

  it.each([
    ['x-api-key with spaces around it', { 'x-api-key': '  KEY  ' }],
    ['an empty x-api-key next to a Bearer key', { 'x-api-key': '', authorization: 'Bearer KEY' }],
    ['Authorization with spaces around the key', { authorization: 'Bearer \t KEY  ' }],
  ])('accepts the key when the request sends %s', async (_what, headers) => {
    // Act
    const res = await request(t.app)
      .get('/api/v1/memories')
      .set(
        Object.fromEntries(
          Object.entries(headers).map(([k, v]) => [k, v.replaceAll('KEY', t.adminKey)]),
        ),
      );

    // Assert
    expect(res.status).toBe(200);
  });

  it('returns 401 for a key when it has been revoked, at once', async () => {
    // Arrange
    const created = await admin.post('/api/v1/keys', { name: 'temp', permissions: ['read'] });
    const temp = apiAs(t.app, created.body.api_key);
    expect((await temp.get('/api/v1/memories')).status).toBe(200);

    // Act
    const revoke = await admin.delete(`/api/v1/keys/${created.body.key_id}`);
    const after = await temp.get('/api/v1/memories');

    // Assert
    expect(revoke.status).toBe(204);
    expect(after.status).toBe(401);
    expect(after.body.message).toBe('invalid API key');
  });

  it('needs no key when /health and /ready are called', async () => {
    // Act
    const health = await request(t.app).get('/health');
    const ready = await request(t.app).get('/ready');

    // Assert
    expect(health.status).toBe(200);
    expect(ready.status).toBe(200);
  });

  it('returns 401 rather than 404 when an unknown /api/v1 route is called without a key', async () => {
    // Act
    const res = await request(t.app).get('/api/v1/nothing-here');

    // Assert
    expect(res.status).toBe(401);
  });
});

describe('Auth.authorize', () => {
  it.each([
    ['POST', '/api/v1/memories', { agent_id: 'a', content: 'x' }],
    ['POST', '/api/v1/sessions', { agent_id: 'a' }],
    ['PUT', '/api/v1/sessions/sess_x', { status: 'closed' }],
    ['POST', '/api/v1/agents', { name: 'crawler' }],
    ['DELETE', '/api/v1/agents/crawler', undefined],
  ])('returns 403 when a read key calls %s %s', async (method, path, body) => {
    // Arrange
    const reader = apiAs(t.app, await createKey(t, ['read']));

    // Act
    const res =
      method === 'POST'
        ? await reader.post(path, body)
        : method === 'PUT'
          ? await reader.put(path, body)
          : await reader.delete(path);

    // Assert
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('forbidden');
    expect(res.body.message).toContain("'write'");
  });

  it('stores nothing when a read key tries to write', async () => {
    // Arrange
    const reader = apiAs(t.app, await createKey(t, ['read']));

    // Act
    await reader.post('/api/v1/memories', { agent_id: 'a', content: 'sneaky' });

    // Assert
    const list = await admin.get('/api/v1/memories');
    expect(list.body.count).toBe(0);
  });

  it('checks the permission before the body when a read key sends an invalid body', async () => {
    // Arrange
    const reader = apiAs(t.app, await createKey(t, ['read']));

    // Act
    const bad = await reader.post('/api/v1/memories', { nonsense: true });
    const malformed = await reader
      .post('/api/v1/memories')
      .set('Content-Type', 'application/json')
      .send('{"agent_id":');

    // Assert
    expect(bad.status).toBe(403);
    expect(malformed.status).toBe(403);
  });

  it.each([
    ['GET', '/api/v1/memories'],
    ['POST', '/api/v1/search'],
    ['GET', '/api/v1/sessions'],
    ['GET', '/api/v1/agents'],
  ])('lets a read key call %s %s', async (method, path) => {
    // Arrange
    const reader = apiAs(t.app, await createKey(t, ['read']));

    // Act
    const res = method === 'GET' ? await reader.get(path) : await reader.post(path, {});

    // Assert
    expect(res.status).toBe(200);
  });

  it('lets a read key fetch context when the session exists', async () => {
    // Arrange
    const session = await admin.post('/api/v1/sessions', { agent_id: 'a' });
    const reader = apiAs(t.app, await createKey(t, ['read']));

    // Act
    const res = await reader.post(`/api/v1/sessions/${session.body.session_id}/context`, {});

    // Assert
    expect(res.status).toBe(200);
  });

  it('returns 403 when a write-only key reads', async () => {
    // Arrange
    const writer = apiAs(t.app, await createKey(t, ['write']));

    // Act
    const res = await writer.get('/api/v1/memories');

    // Assert
    expect(res.status).toBe(403);
    expect(res.body.message).toContain("'read'");
  });

  it.each([
    ['POST', '/api/v1/keys'],
    ['GET', '/api/v1/keys'],
    ['DELETE', '/api/v1/keys/key_x'],
  ])('returns 403 when a read+write key calls %s %s', async (method, path) => {
    // Arrange
    const user = apiAs(t.app, await createKey(t, ['read', 'write']));

    // Act
    const res =
      method === 'POST'
        ? await user.post(path, { name: 'k' })
        : method === 'GET'
          ? await user.get(path)
          : await user.delete(path);

    // Assert
    expect(res.status).toBe(403);
    expect(res.body.message).toContain("'admin'");
  });

  it('returns 403 when an admin of another org creates or lists orgs', async () => {
    // Arrange
    const org = await admin.post('/api/v1/orgs', { name: 'acme' });
    const otherAdmin = apiAs(t.app, org.body.api_key);

    // Act
    const create = await otherAdmin.post('/api/v1/orgs', { name: 'evil' });
    const list = await otherAdmin.get('/api/v1/orgs');

    // Assert
    expect(create.status).toBe(403);
    expect(create.body.error).toBe('forbidden');
    expect(list.status).toBe(403);
  });

  it('returns 403 when a non-admin key of the default org creates an org', async () => {
    // Arrange
    const user = apiAs(t.app, await createKey(t, ['read', 'write']));

    // Act
    const res = await user.post('/api/v1/orgs', { name: 'acme' });

    // Assert
    expect(res.status).toBe(403);
  });
});

describe('AdminRoutes.keys', () => {
  it('returns 201 with the key shown once when an admin creates a key', async () => {
    // Act
    const res = await admin.post('/api/v1/keys', { name: 'ci', permissions: ['read', 'write'] });

    // Assert
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(
      ['api_key', 'created_at', 'key_id', 'name', 'permissions'].sort(),
    );
    expect(res.body.api_key).toMatch(/^mtk_[A-Za-z0-9_-]{43}$/);
    expect(res.body.key_id).toMatch(/^key_[0-9a-f]{24}$/);
    expect(res.body.permissions).toEqual(['read', 'write']);
    expect(res.body.created_at).toBe('2026-02-13T10:30:00.000Z');
  });

  it('defaults permissions to read and write when none are given', async () => {
    // Act
    const res = await admin.post('/api/v1/keys', { name: 'ci' });

    // Assert
    expect(res.body.permissions).toEqual(['read', 'write']);
  });

  it('works for writing when the new key is used', async () => {
    // Arrange
    const created = await admin.post('/api/v1/keys', { name: 'ci' });

    // Act
    const res = await apiAs(t.app, created.body.api_key).post('/api/v1/memories', {
      agent_id: 'a',
      content: 'via new key',
    });

    // Assert
    expect(res.status).toBe(201);
    expect(res.body.org_id).toBe('org_default');
  });

  it.each([
    [{}, 'name is required'],
    [{ name: '' }, 'name must not be empty'],
    [
      { name: 'k', permissions: ['read', 'root'] },
      'permissions[1] must be one of read, write, admin',
    ],
    [{ name: 'k', permissions: [] }, 'permissions must list at least one of read, write, admin'],
    [{ name: 'k', permissions: 'read' }, 'permissions must be an array of strings'],
    [{ name: 'k', scope: 'all' }, 'scope is not a known field'],
  ])('returns 400 when the key request is %j', async (body, message) => {
    // Act
    const res = await admin.post('/api/v1/keys', body);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', message });
  });

  it('lists keys without any plaintext or hash when an admin lists keys', async () => {
    // Arrange
    await admin.post('/api/v1/keys', { name: 'ci' });

    // Act
    const res = await admin.get('/api/v1/keys');

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(2);
    expect(res.body.keys).toHaveLength(2);
    for (const key of res.body.keys) {
      expect(Object.keys(key).sort()).toEqual(['created_at', 'key_id', 'name', 'permissions']);
    }
    expect(JSON.stringify(res.body)).not.toContain('mtk_');
  });

  it('returns 404 when the key to revoke is unknown', async () => {
    // Act
    const res = await admin.delete('/api/v1/keys/key_000000000000000000000000');

    // Assert
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });

  it('returns 404 when the key to revoke belongs to another org', async () => {
    // Arrange
    const org = await admin.post('/api/v1/orgs', { name: 'acme' });
    const acme = apiAs(t.app, org.body.api_key);
    const acmeKey = await acme.post('/api/v1/keys', { name: 'acme-ci' });

    // Act
    const res = await admin.delete(`/api/v1/keys/${acmeKey.body.key_id}`);

    // Assert
    expect(res.status).toBe(404);
    expect((await apiAs(t.app, acmeKey.body.api_key).get('/api/v1/memories')).status).toBe(200);
  });

  it('returns 409 when the last admin key of the org would be revoked', async () => {
    // Arrange
    const keys = await admin.get('/api/v1/keys');
    const adminKeyId = keys.body.keys[0].key_id as string;

    // Act
    const res = await admin.delete(`/api/v1/keys/${adminKeyId}`);

    // Assert
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('conflict');
    expect((await admin.get('/api/v1/memories')).status).toBe(200);
  });

  it('keeps one admin key in every org when both admin keys are revoked at the same moment', async () => {
    // Arrange: 15 orgs, each with two admin keys.
    const orgs = await Promise.all(
      Array.from({ length: 15 }, async (_, i) => {
        const org = await admin.post('/api/v1/orgs', { name: `race ${i}` });
        const first = apiAs(t.app, org.body.api_key);
        const second = await first.post('/api/v1/keys', { name: 'second', permissions: ['admin'] });
        const firstId = (await first.get('/api/v1/keys')).body.keys[0].key_id as string;
        const secondKey = apiAs(t.app, second.body.api_key);
        return { first, firstId, secondId: second.body.key_id as string, second: secondKey };
      }),
    );

    // Act: every revocation of every org in flight together.
    const statuses = await Promise.all(
      orgs.map(async (o) => {
        const [a, b] = await Promise.all([
          o.first.delete(`/api/v1/keys/${o.secondId}`),
          o.first.delete(`/api/v1/keys/${o.firstId}`),
        ]);
        return [a.status, b.status].sort();
      }),
    );

    // Assert
    // One revocation lands; the other is refused (409), or finds its own key already revoked (401).
    for (const pair of statuses)
      expect([
        [204, 401],
        [204, 409],
      ]).toContainEqual(pair);
    for (const o of orgs) {
      const [viaFirst, viaSecond] = [
        await o.first.get('/api/v1/keys'),
        await o.second.get('/api/v1/keys'),
      ];
      // Exactly one of the two keys still works, and it is the org's one admin key.
      expect([viaFirst.status, viaSecond.status].sort()).toEqual([200, 401]);
      const left = viaFirst.status === 200 ? viaFirst : viaSecond;
      expect(left.body.keys).toHaveLength(1);
      expect(left.body.keys[0].permissions).toContain('admin');
    }
  });

  it('returns 404 when a key is revoked twice', async () => {
    // Arrange
    const created = await admin.post('/api/v1/keys', { name: 'ci' });
    await admin.delete(`/api/v1/keys/${created.body.key_id}`);

    // Act
    const res = await admin.delete(`/api/v1/keys/${created.body.key_id}`);

    // Assert
    expect(res.status).toBe(404);
  });
});

describe('AdminRoutes.orgs', () => {
  it('returns 201 with its first admin key when the operator creates an org', async () => {
    // Act
    const res = await admin.post('/api/v1/orgs', { name: 'acme' });

    // Assert
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual([
      'api_key',
      'created_at',
      'name',
      'org_id',
      'retention',
    ]);
    expect(res.body.org_id).toMatch(/^org_[0-9a-f]{24}$/);
    expect(res.body.name).toBe('acme');
    const acmeKeys = await apiAs(t.app, res.body.api_key).get('/api/v1/keys');
    expect(acmeKeys.status).toBe(200);
    expect(acmeKeys.body.keys[0].permissions).toEqual(['read', 'write', 'admin']);
  });

  it('lists every org when the operator lists orgs', async () => {
    // Arrange
    await admin.post('/api/v1/orgs', { name: 'acme' });

    // Act
    const res = await admin.get('/api/v1/orgs');

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(2);
    expect(res.body.orgs.map((o: { org_id: string }) => o.org_id)).toContain('org_default');
    expect(Object.keys(res.body.orgs[0]).sort()).toEqual([
      'created_at',
      'name',
      'org_id',
      'retention',
    ]);
  });

  it('returns 409 when the org name is taken', async () => {
    // Arrange
    await admin.post('/api/v1/orgs', { name: 'acme' });

    // Act
    const res = await admin.post('/api/v1/orgs', { name: 'acme' });

    // Assert
    expect(res.status).toBe(409);
  });

  it.each([
    [{}, 'name is required'],
    [{ name: 7 }, 'name must be a string'],
    [{ name: 'acme', plan: 'pro' }, 'plan is not a known field'],
  ])('returns 400 when the org request is %j', async (body, message) => {
    // Act
    const res = await admin.post('/api/v1/orgs', body);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
  });
});
