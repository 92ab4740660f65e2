import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  apiAs,
  buildTestApp,
  createKey,
  TEST_START,
  type ApiClient,
  type TestApp,
} from '../support/test-app.js';

const SECRET = 'arc-secret-token-9f8e7d6c';
const BODY = {
  url: 'https://arc.acme.internal:8000/',
  database: 'acme',
  measurement: 'agent_events',
  api_key: SECRET,
};

let t: TestApp;
let operator: ApiClient;
let orgId: string;
let orgAdmin: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  operator = apiAs(t.app, t.adminKey);
  const created = await operator.post('/api/v1/orgs', { name: 'acme' });
  orgId = created.body.org_id as string;
  orgAdmin = apiAs(t.app, created.body.api_key as string);
});

const arcPath = (id = orgId) => `/api/v1/orgs/${id}/arc`;

describe('PUT /api/v1/orgs/{id}/arc', () => {
  it('returns 201 with the instance, api_key_set true and no key, when created', async () => {
    // Act
    const res = await operator.put(arcPath(), BODY);

    // Assert
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      org_id: orgId,
      url: 'https://arc.acme.internal:8000',
      database: 'acme',
      measurement: 'agent_events',
      api_key_set: true,
      created_at: new Date(TEST_START).toISOString(),
      updated_at: new Date(TEST_START).toISOString(),
    });
    expect(res.text).not.toContain(SECRET);
  });

  it('returns 200 and replaces every field, keeping created_at, when put again', async () => {
    // Arrange
    await operator.put(arcPath(), BODY);
    t.clock.advance(5_000);

    // Act
    const res = await operator.put(arcPath(), { url: 'http://127.0.0.1:8100', database: 'acme2' });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      url: 'http://127.0.0.1:8100',
      database: 'acme2',
      measurement: 'events',
      api_key_set: false,
      created_at: new Date(TEST_START).toISOString(),
      updated_at: new Date(TEST_START + 5_000).toISOString(),
    });
  });

  it('stores the key sealed, never as sent', async () => {
    await operator.put(arcPath(), BODY);
    const stored = await t.storage.arcInstances.get(orgId);
    expect(stored?.apiKeySealed).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    expect(await t.services.arcInstances.routeFor(orgId)).toMatchObject({ apiKey: SECRET });
  });

  it.each([
    ['url', { ...BODY, url: 'ftp://arc.example.com' }, /^url must be an http/],
    ['url', { ...BODY, url: 'https://u:p@arc.example.com' }, /^url must be/],
    ['url', { ...BODY, url: 42 }, /^url must be a string/],
    ['url', { database: 'acme' }, /^url is required/],
    ['database', { ...BODY, database: '9lives' }, /^database must start with a letter/],
    ['database', { ...BODY, database: 'd'.repeat(65) }, /^database must start with a letter/],
    ['database', { url: BODY.url }, /^database is required/],
    ['measurement', { ...BODY, measurement: 'bad.name' }, /^measurement must start/],
    ['measurement', { ...BODY, measurement: 'm'.repeat(129) }, /^measurement must start/],
    ['api_key', { ...BODY, api_key: 'two words' }, /^api_key must be 1 to 1024 visible/],
    ['api_key', { ...BODY, api_key: '' }, /^api_key must be 1 to 1024 visible/],
    ['api_key', { ...BODY, api_key: 7 }, /^api_key must be a string/],
    ['extra', { ...BODY, apiKey: SECRET }, /^apiKey is not a known field/],
  ])('returns 400 for an invalid %s, storing nothing (%#)', async (_field, body, message) => {
    // Act
    const res = await operator.put(arcPath(), body);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.message).toMatch(message);
    expect(res.text).not.toContain(SECRET);
    expect(await t.storage.arcInstances.get(orgId)).toBeNull();
  });

  it('returns 404 for an unknown org', async () => {
    const res = await operator.put(arcPath('org_000000000000000000000999'), BODY);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found', message: 'org not found' });
  });

  it('returns 503 naming MEMTRACE_MASTER_KEY when a key is sent and none is configured', async () => {
    // Arrange
    const bare = await buildTestApp({ masterKey: null });
    const op = apiAs(bare.app, bare.adminKey);

    // Act
    const withKey = await op.put('/api/v1/orgs/org_default/arc', BODY);
    const withoutKey = await op.put('/api/v1/orgs/org_default/arc', { ...BODY, api_key: null });

    // Assert
    expect(withKey.status).toBe(503);
    expect(withKey.body.message).toMatch(/MEMTRACE_MASTER_KEY is not set/);
    expect(withoutKey.status).toBe(201);
    expect(withoutKey.body.api_key_set).toBe(false);
  });
});

describe('GET and DELETE /api/v1/orgs/{id}/arc', () => {
  it('shows the instance without its key', async () => {
    await operator.put(arcPath(), BODY);
    const res = await operator.get(arcPath());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ org_id: orgId, database: 'acme', api_key_set: true });
    expect(res.text).not.toContain(SECRET);
    expect(Object.keys(res.body)).not.toContain('api_key');
  });

  it('returns 404 when the org uses the default instance, or does not exist', async () => {
    const none = await operator.get(arcPath());
    const unknown = await operator.get(arcPath('org_000000000000000000000999'));
    expect(none.status).toBe(404);
    expect(none.body.message).toMatch(/no Arc instance of its own/);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('org not found');
  });

  it('returns 204 once, then 404, and the org uses the default instance again', async () => {
    await operator.put(arcPath(), BODY);
    expect((await operator.delete(arcPath())).status).toBe(204);
    expect((await operator.delete(arcPath())).status).toBe(404);
    expect((await operator.get(arcPath())).status).toBe(404);
    expect(await t.services.arcInstances.routeFor(orgId)).toBeNull();
  });
});

describe('Access to /api/v1/orgs/{id}/arc', () => {
  it('returns 401 without a key', async () => {
    const res = await request(t.app).put(arcPath()).send(BODY);
    expect(res.status).toBe(401);
  });

  it.each([
    ['read', ['read'] as const],
    ['read+write', ['read', 'write'] as const],
  ])('returns 403 to a non-admin key of the default org (%s)', async (_name, perms) => {
    // Arrange
    const user = apiAs(t.app, await createKey(t, perms));

    // Act
    const responses = [
      await user.put(arcPath(), BODY),
      await user.get(arcPath()),
      await user.delete(arcPath()),
    ];

    // Assert
    expect(responses.map((r) => r.status)).toEqual([403, 403, 403]);
    expect(await t.storage.arcInstances.get(orgId)).toBeNull();
  });

  it("returns 403 to another org's admin, even for its own org", async () => {
    // Act
    const own = await orgAdmin.put(arcPath(), BODY);
    const peek = await orgAdmin.get('/api/v1/orgs/org_default/arc');

    // Assert
    expect(own.status).toBe(403);
    expect(own.body).toMatchObject({ error: 'forbidden' });
    expect(peek.status).toBe(403);
  });
});
