import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeArc, type FakeArc } from '../../support/fake-arc/index.js';
import { freshDb, post, query, write } from './arc-client.js';

const ADMIN = 'admin-token-0123456789abcdef0123456789';
const READER = 'reader-token';
const WRITER = 'writer-token';
const DELETER = 'deleter-token';

let arc: FakeArc;
beforeAll(async () => {
  arc = await startFakeArc({
    authToken: ADMIN,
    tokens: { [READER]: ['read'], [WRITER]: ['write'], [DELETER]: ['delete'] },
    deleteEnabled: true,
  });
});
afterAll(async () => {
  await arc.stop();
});

const payload = { m: 'cpu', columns: { time: [1_700_000_000_000_000n], v: [1.5] } };
const bearer = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });

describe('auth (§1.10)', () => {
  it('§1.10 no token is 401 Authentication required', async () => {
    const r = await query(arc, freshDb(), 'SELECT 1');
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ success: false, error: 'Authentication required' });
  });

  it('§1.10 an unknown token is 401 Invalid or expired token', async () => {
    const r = await query(arc, freshDb(), 'SELECT 1', bearer('nope'));
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ success: false, error: 'Invalid or expired token' });
  });

  it.each([
    ['Authorization: Bearer <t>', { authorization: `Bearer ${ADMIN}` }, ''],
    ['Authorization: Token <t>', { authorization: `Token ${ADMIN}` }, ''],
    ['Authorization: <t>', { authorization: ADMIN }, ''],
    ['x-api-key: <t>', { 'x-api-key': ADMIN }, ''],
    ['?p=<t>', {}, `?p=${ADMIN}`],
  ])('§1.10 the token is accepted from %s', async (_form, headers, qs) => {
    const res = await fetch(`${arc.url}/api/v1/query${qs}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ sql: 'SELECT 1 AS x' }),
    });
    expect(res.status).toBe(200);
  });

  it('§1.10 GET /api/v1/auth/verify is public and reports whether a token is valid', async () => {
    const ok = await fetch(`${arc.url}/api/v1/auth/verify`, { headers: bearer(READER) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ valid: true, permissions: ['read'] });
    const bad = await fetch(`${arc.url}/api/v1/auth/verify`, { headers: bearer('nope') });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ valid: false });
  });

  it('§1.10 /health and /ready are public', async () => {
    expect((await fetch(`${arc.url}/health`)).status).toBe(200);
    expect((await fetch(`${arc.url}/ready`)).status).toBe(200);
  });

  it('§1.10 a read token can query but not write: 403 Permission denied: write required', async () => {
    expect((await query(arc, freshDb(), 'SELECT 1', bearer(READER))).status).toBe(200);
    const r = await write(arc, freshDb(), payload, { headers: bearer(READER) });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ success: false, error: 'Permission denied: write required' });
  });

  it('§1.10 a write token can write but not query: 403 Permission denied: read required', async () => {
    expect((await write(arc, freshDb(), payload, { headers: bearer(WRITER) })).status).toBe(204);
    const r = await query(arc, freshDb(), 'SELECT 1', bearer(WRITER));
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ success: false, error: 'Permission denied: read required' });
  });

  it('§1.10 the flush endpoint needs admin', async () => {
    const r = await post(arc, '/api/v1/write/line-protocol/flush', '', bearer(WRITER));
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ success: false, error: 'Permission denied: admin required' });
    expect((await post(arc, '/api/v1/write/line-protocol/flush', '', bearer(ADMIN))).status).toBe(
      200,
    );
  });

  it('§1.10/§1.11 delete needs admin (a delete-only token is not enough)', async () => {
    const body = { database: 'x', measurement: 'y', where: "id = 'a'", confirm: true };
    const r = await post(arc, '/api/v1/delete', body, bearer(DELETER));
    expect(r.status).toBe(403);
    expect(r.json.error).toBe('Permission denied: admin required');
    expect((await post(arc, '/api/v1/delete', body, bearer(ADMIN))).status).toBe(200);
  });

  it('§1.10 admin implies every permission', async () => {
    const db = freshDb();
    expect((await write(arc, db, payload, { headers: bearer(ADMIN) })).status).toBe(204);
    expect((await query(arc, db, 'SELECT v FROM cpu', bearer(ADMIN))).json.data).toEqual([[1.5]]);
  });

  it('§1.10/§1.1 an unknown route is 401 without a token and 404 with one', async () => {
    expect((await post(arc, '/x', '')).status).toBe(401);
    const r = await post(arc, '/x', '', bearer(READER));
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ error: 'Cannot POST /x' });
  });
});

describe('server basics (§1.1, §1.7)', () => {
  let open: FakeArc;
  beforeAll(async () => {
    open = await startFakeArc();
  });
  afterAll(async () => {
    await open.stop();
  });

  it('§1.10 auth is off when no token is configured', async () => {
    expect((await query(open, freshDb(), 'SELECT 1')).status).toBe(200);
  });

  it('§1.1 unknown routes are 404 {"error":"Cannot <METHOD> <path>"}', async () => {
    const r = await post(open, '/x', '');
    expect(r.status).toBe(404);
    expect(r.text).toBe('{"error":"Cannot POST /x"}');
    const g = await fetch(`${open.url}/api/v1/nope`);
    expect(g.status).toBe(404);
    expect(await g.json()).toEqual({ error: 'Cannot GET /api/v1/nope' });
  });

  it('§1.7 /health is 200 {"status":"ok","time","uptime","uptime_sec"}', async () => {
    const res = await fetch(`${open.url}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['status', 'time', 'uptime', 'uptime_sec']);
    expect(body.status).toBe('ok');
    expect(body.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(body.uptime).toMatch(/^[\d.hms]+$/);
    expect(typeof body.uptime_sec).toBe('number');
  });

  it('§1.7 /ready is 200 ready, and 503 not_ready with Arc’s reason while not ready', async () => {
    const ok = await fetch(`${open.url}/ready`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ready' });
    open.setReady(false);
    try {
      const down = await fetch(`${open.url}/ready`);
      expect(down.status).toBe(503);
      const body = (await down.json()) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['status', 'time', 'reason']);
      expect(body).toMatchObject({
        status: 'not_ready',
        reason:
          'server is starting up or shutting down; load balancer should not route traffic here',
      });
    } finally {
      open.setReady(true);
    }
  });
});
