import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiAs, buildTestApp, createKey, type TestApp } from '../support/test-app.js';

let t: TestApp;

beforeEach(async () => {
  t = await buildTestApp();
});

describe('GET /api/v1/auth/whoami', () => {
  it("answers the operator's admin key with its org, id, permissions and operator: true", async () => {
    // Act
    const res = await apiAs(t.app, t.adminKey).get('/api/v1/auth/whoami');

    // Assert
    expect(res.status).toBe(200);
    const keys = await apiAs(t.app, t.adminKey).get('/api/v1/keys');
    expect(res.body).toEqual({
      org_id: 'org_default',
      key_id: keys.body.keys[0].key_id,
      permissions: ['read', 'write', 'admin'],
      operator: true,
    });
  });

  it.each([[['read'] as const], [['write'] as const], [['read', 'write'] as const]])(
    'answers a key with %j with exactly those permissions and operator: false',
    async (perms) => {
      // Arrange
      const key = await createKey(t, perms);

      // Act
      const res = await apiAs(t.app, key).get('/api/v1/auth/whoami');

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.permissions).toEqual(perms);
      expect(res.body.operator).toBe(false);
      expect(res.body.org_id).toBe('org_default');
      expect(res.body.key_id).toMatch(/^key_[0-9a-f]{24}$/);
    },
  );

  it("answers another org's admin key with operator: false", async () => {
    // Arrange
    const org = await apiAs(t.app, t.adminKey).post('/api/v1/orgs', { name: 'acme' });

    // Act
    const res = await apiAs(t.app, org.body.api_key).get('/api/v1/auth/whoami');

    // Assert
    expect(res.body).toMatchObject({
      org_id: org.body.org_id,
      permissions: ['read', 'write', 'admin'],
      operator: false,
    });
  });

  it('is a 401 without a key', async () => {
    // Act
    const res = await request(t.app).get('/api/v1/auth/whoami');

    // Assert
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('unauthorized');
  });
});
