import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeArc, type FakeArc } from '../../support/fake-arc/index.js';
import { freshDb, query, rowsOf, write } from './arc-client.js';

const T0 = 1_700_000_000_000_000n;
const payload = { m: 'events', columns: { time: [T0], v: [1.5] } };

let arc: FakeArc;
beforeAll(async () => {
  arc = await startFakeArc();
});
afterEach(() => {
  arc.clearFaults();
});
afterAll(async () => {
  await arc.stop();
});

describe('fault injection (§2.2)', () => {
  it('§2.2 a status fault answers the next matching request with that status and body, then clears', async () => {
    arc.injectFault({
      status: 503,
      body: '{"error":"Write rejected (schema churn): too many schemas"}',
      path: '/write/msgpack',
    });
    const db = freshDb();
    const first = await write(arc, db, payload);
    expect(first.status).toBe(503);
    expect(first.json).toEqual({ error: 'Write rejected (schema churn): too many schemas' });
    expect((await write(arc, db, payload)).status).toBe(204);
  });

  it('§2.2 a fault only hits requests whose path contains its path', async () => {
    arc.injectFault({ status: 500, path: '/api/v1/query' });
    const db = freshDb();
    expect((await write(arc, db, payload)).status).toBe(204);
    expect((await query(arc, db, 'SELECT 1')).status).toBe(500);
    expect((await query(arc, db, 'SELECT 1')).status).toBe(200);
  });

  it('§2.2 times repeats a fault', async () => {
    arc.injectFault({ status: 502, times: 2 });
    const db = freshDb();
    expect((await query(arc, db, 'SELECT 1')).status).toBe(502);
    expect((await query(arc, db, 'SELECT 1')).status).toBe(502);
    expect((await query(arc, db, 'SELECT 1')).status).toBe(200);
  });

  it('§2.2 latencyMs delays the response and the request still succeeds', async () => {
    arc.injectFault({ latencyMs: 300 });
    const started = Date.now();
    const r = await query(arc, freshDb(), 'SELECT 1 AS x');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(r.json.data).toEqual([[1]]);
  });

  it('§2.2 dropSocket closes the connection without a response', async () => {
    arc.injectFault({ dropSocket: true });
    await expect(query(arc, freshDb(), 'SELECT 1')).rejects.toThrow();
    expect((await query(arc, freshDb(), 'SELECT 1')).status).toBe(200);
  });

  it('§2.2 dropSocket drops the request before it is handled: the write is not applied', async () => {
    const db = freshDb();
    arc.injectFault({ dropSocket: true, path: '/write/msgpack' });
    await expect(write(arc, db, payload)).rejects.toThrow();
    expect((await query(arc, db, 'SELECT * FROM events')).json.columns).toEqual([]);
  });

  it('§2.2 dropAfterHandling applies the write, then drops the socket (the retry-duplicate case)', async () => {
    const db = freshDb();
    arc.injectFault({ dropAfterHandling: true, path: '/write/msgpack' });
    await expect(write(arc, db, payload)).rejects.toThrow();
    expect(rowsOf(await query(arc, db, 'SELECT v FROM events'))).toEqual([{ v: 1.5 }]);
  });

  it('§2.2 truncate200 sends half of a 200 body and closes the socket', async () => {
    arc.injectFault({ truncate200: true, path: '/api/v1/query' });
    const res = await fetch(`${arc.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT * FROM range(1000)' }),
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('§1.5 midStreamError: a 200 with valid JSON, fewer rows and no error field', async () => {
    arc.injectFault({ midStreamError: true, path: '/api/v1/query' });
    const r = await query(arc, freshDb(), 'SELECT * FROM range(10) t(x) ORDER BY x');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ success: true, row_count: 5 });
    expect(r.json.data).toEqual([[0], [1], [2], [3], [4]]);
    expect(r.json).not.toHaveProperty('error');
  });

  it('§2.2 clearFaults removes pending faults', async () => {
    arc.injectFault({ status: 500, times: 5 });
    arc.clearFaults();
    expect((await query(arc, freshDb(), 'SELECT 1')).status).toBe(200);
  });

  it('§2.2 requests are logged with method, path and headers', async () => {
    const before = arc.requests.length;
    const db = freshDb();
    await write(arc, db, payload, { headers: { 'x-api-key': 'k' } });
    const logged = arc.requests.slice(before);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/write/msgpack',
      headers: { 'x-arc-database': db, 'x-api-key': 'k' },
    });
  });

  it('§2.2 pause refuses connections but keeps data; resume listens again on the same port', async () => {
    const db = freshDb();
    await write(arc, db, payload);
    const url = arc.url;
    await arc.pause();
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    await arc.resume();
    expect(arc.url).toBe(url);
    expect(rowsOf(await query(arc, db, 'SELECT v FROM events'))).toEqual([{ v: 1.5 }]);
  });
});
