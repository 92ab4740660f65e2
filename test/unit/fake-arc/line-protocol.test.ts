import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeArc, type FakeArc } from '../../support/fake-arc/index.js';
import { freshDb, query, rowsOf, type ArcReply } from './arc-client.js';

let arc: FakeArc;
beforeAll(async () => {
  arc = await startFakeArc();
});
afterAll(async () => {
  await arc.stop();
});

async function lp(
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<ArcReply> {
  const res = await fetch(`${arc.url}${path}`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
}

describe('line protocol writes (§1.4)', () => {
  it('§1.4 tags and fields become columns: i → BIGINT, float → DOUBLE, "str" → VARCHAR, t → BOOLEAN', async () => {
    const db = freshDb();
    const r = await lp(
      '/api/v1/write/line-protocol',
      'cpu,host=h0,region=eu n=3i,x=1.5,s="a \\"q\\"",ok=t 1700000000123456789\n' +
        'cpu,host=h1 n=4i,x=2,s="b",ok=false 1700000000123457000',
      { 'x-arc-database': db },
    );
    expect(r.status).toBe(204);
    const rows = rowsOf(
      await query(
        arc,
        db,
        'SELECT time, host, region, n, typeof(n) AS nt, x, typeof(x) AS xt, s, ok FROM cpu ORDER BY time',
      ),
    );
    expect(rows).toEqual([
      {
        time: '2023-11-14T22:13:20.123456Z',
        host: 'h0',
        region: 'eu',
        n: 3,
        nt: 'BIGINT',
        x: 1.5,
        xt: 'DOUBLE',
        s: 'a "q"',
        ok: true,
      },
      {
        time: '2023-11-14T22:13:20.123457Z',
        host: 'h1',
        region: null,
        n: 4,
        nt: 'BIGINT',
        x: 2,
        xt: 'DOUBLE',
        s: 'b',
        ok: false,
      },
    ]);
  });

  it('§1.4 ?precision= sets the timestamp unit (default ns)', async () => {
    const db = freshDb();
    await lp('/api/v1/write/line-protocol?precision=s', 'cpu v=1 1700000000', {
      'x-arc-database': db,
    });
    expect(rowsOf(await query(arc, db, 'SELECT time FROM cpu'))).toEqual([
      { time: '2023-11-14T22:13:20Z' },
    ]);
  });

  it('§1.4 an unknown precision is 400', async () => {
    const r = await lp('/api/v1/write/line-protocol?precision=h', 'cpu v=1');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'invalid precision "h": must be ns, us, ms, or s' });
  });

  it('§1.4 an empty body is 400 Empty request body; no parsable line is 400 No valid records', async () => {
    expect((await lp('/api/v1/write/line-protocol', '')).json).toEqual({
      error: 'Empty request body',
    });
    expect((await lp('/api/v1/write/line-protocol', 'not line protocol')).json).toEqual({
      error: 'No valid records in request',
    });
  });

  it('§1.4 gzip bodies are detected by magic bytes', async () => {
    const db = freshDb();
    const r = await lp('/api/v1/write/line-protocol', gzipSync('cpu v=1.5 1700000000000000000'), {
      'x-arc-database': db,
    });
    expect(r.status).toBe(204);
    expect(rowsOf(await query(arc, db, 'SELECT v FROM cpu'))).toEqual([{ v: 1.5 }]);
  });

  it('§1.4 /write?db= (InfluxDB 1.x) and /api/v2/write?bucket= (2.x); the header overrides both', async () => {
    const a = freshDb();
    const b = freshDb();
    const c = freshDb();
    expect((await lp(`/write?db=${a}&rp=x`, 'cpu v=1.5')).status).toBe(204);
    expect((await lp(`/api/v2/write?bucket=${b}&org=o`, 'cpu v=2.5')).status).toBe(204);
    await lp(`/write?db=${a}`, 'cpu v=3.5', { 'x-arc-database': c });
    expect(rowsOf(await query(arc, a, 'SELECT v FROM cpu'))).toEqual([{ v: 1.5 }]);
    expect(rowsOf(await query(arc, b, 'SELECT v FROM cpu'))).toEqual([{ v: 2.5 }]);
    expect(rowsOf(await query(arc, c, 'SELECT v FROM cpu'))).toEqual([{ v: 3.5 }]);
  });

  it('§1.4 a field named like a tag gets the _value suffix', async () => {
    const db = freshDb();
    await lp('/api/v1/write/line-protocol', 'cpu,region=eu region=1.5', { 'x-arc-database': db });
    expect(rowsOf(await query(arc, db, 'SELECT region, region_value FROM cpu'))).toEqual([
      { region: 'eu', region_value: 1.5 },
    ]);
  });
});
