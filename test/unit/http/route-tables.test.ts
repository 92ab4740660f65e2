import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../adapters/http/routes/all-routes.js';
import { API_BASE } from '../../../adapters/http/routes/route.js';

describe('the route tables', () => {
  it('declare each operation once: one operationId, one method on one path', () => {
    const ids = ROUTES.map((r) => r.operationId);
    const routes = ROUTES.map((r) => `${r.method} ${r.path.toLowerCase()}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('put every route that needs a key under /api/v1, and no public one there', () => {
    for (const r of ROUTES) {
      expect({ route: r.operationId, underApi: r.path.startsWith(`${API_BASE}/`) }).toEqual({
        route: r.operationId,
        underApi: r.access !== 'public',
      });
    }
  });

  it('document 413 on every route that reads a body and 404 on every route naming an id', () => {
    for (const r of ROUTES) {
      const errors = r.errors ?? [];
      if (r.access !== 'public' && r.body) expect(errors, r.operationId).toContain(413);
      if (r.path.includes('{id}')) expect(errors, r.operationId).toContain(404);
    }
  });

  it('give every route at least one success status, each with a description', () => {
    for (const r of ROUTES) {
      const ok = Object.entries(r.ok);
      expect(ok.length, r.operationId).toBeGreaterThan(0);
      for (const [status, response] of ok) {
        expect(Number(status), r.operationId).toBeLessThan(400);
        expect(response.description, r.operationId).not.toBe('');
      }
    }
  });
});
