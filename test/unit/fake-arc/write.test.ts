import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '@msgpack/msgpack';
import { startFakeArc, type FakeArc } from '../../support/fake-arc/index.js';
import { freshDb, msgpack, query, rowsOf, write, writeRaw } from './arc-client.js';

let arc: FakeArc;
beforeAll(async () => {
  arc = await startFakeArc();
});
afterAll(async () => {
  await arc.stop();
});

const T0 = 1_700_000_000_123_456n; // µs: 2023-11-14T22:13:20.123456Z

describe('POST /api/v1/write/msgpack — shapes (§1.3)', () => {
  it('§1.3 columnar write returns 204 with an empty body and every key becomes a column', async () => {
    const db = freshDb();
    const r = await write(arc, db, {
      m: 'cpu',
      columns: { time: [T0, T0 + 1n], host: ['a', 'b'], v: [1.5, 2.5] },
    });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    const rows = rowsOf(await query(arc, db, 'SELECT * FROM cpu ORDER BY time'));
    expect(rows).toEqual([
      { time: '2023-11-14T22:13:20.123456Z', host: 'a', v: 1.5 },
      { time: '2023-11-14T22:13:20.123457Z', host: 'b', v: 2.5 },
    ]);
  });

  it('§1.3 gzip is detected by magic bytes, with no Content-Encoding header', async () => {
    const db = freshDb();
    const r = await write(arc, db, { m: 'cpu', columns: { time: [T0], v: [1.5] } }, { gzip: true });
    expect(r.status).toBe(204);
    expect(rowsOf(await query(arc, db, 'SELECT v FROM cpu'))).toEqual([{ v: 1.5 }]);
  });

  it('§1.3 Content-Type is not checked', async () => {
    const db = freshDb();
    const r = await writeRaw(arc, msgpack({ m: 'cpu', columns: { time: [T0], v: [1.5] } }), {
      'content-type': 'text/plain',
      'x-arc-database': db,
    });
    expect(r.status).toBe(204);
  });

  it('§1.3 an empty body is 400 Empty payload', async () => {
    const r = await writeRaw(arc, new Uint8Array());
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'Empty payload' });
  });

  it('§1.3 columnar arrays of different lengths are 400 with the length-mismatch message', async () => {
    const r = await write(arc, freshDb(), { m: 'cpu', columns: { time: [T0, T0], v: [1.5] } });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      error:
        "Invalid MessagePack payload: columnar format: array length mismatch (expected 2, got 1 for 'v')",
    });
  });

  it('§1.3 empty columns is 400', async () => {
    const r = await write(arc, freshDb(), { m: 'cpu', columns: {} });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/^Invalid MessagePack payload: .*non-empty 'columns'/);
  });

  it('§1.3 a missing m is 400', async () => {
    const r = await write(arc, freshDb(), { columns: { v: [1.5] } });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe(
      "Invalid MessagePack payload: missing required field 'm' (measurement)",
    );
  });

  it('§1.3 bytes that are not msgpack are 400 Invalid MessagePack payload', async () => {
    const r = await writeRaw(arc, Uint8Array.from([0x92, 0x01]));
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/^Invalid MessagePack payload: /);
  });

  it('§1.3 row format: tags and fields become columns, tag values are stringified, host is added', async () => {
    const db = freshDb();
    const r = await write(arc, db, [
      { m: 'cpu', t: T0, h: 'h0', fields: { v: 1.5 }, tags: { region: 'eu', rack: 7n } },
      { m: 'cpu', t: T0 + 1n, fields: { v: 2.5 }, tags: { region: 'us', rack: 8n } },
    ]);
    expect(r.status).toBe(204);
    const rows = rowsOf(
      await query(
        arc,
        db,
        'SELECT host, region, rack, typeof(rack) AS rt, v FROM cpu ORDER BY time',
      ),
    );
    expect(rows).toEqual([
      { host: 'h0', region: 'eu', rack: '7', rt: 'VARCHAR', v: 1.5 },
      { host: 'unknown', region: 'us', rack: '8', rt: 'VARCHAR', v: 2.5 },
    ]);
  });

  it('§1.3 row format: a numeric h becomes host_<n>', async () => {
    const db = freshDb();
    await write(arc, db, { m: 'cpu', t: T0, h: 7n, fields: { v: 1.5 } });
    expect(rowsOf(await query(arc, db, 'SELECT host FROM cpu'))).toEqual([{ host: 'host_7' }]);
  });

  it('§1.3 row format: rows of one measurement in one request share a batch; missing fields are NULL', async () => {
    const db = freshDb();
    await write(arc, db, [
      { m: 'cpu', t: T0, fields: { a: 1.5 } },
      { m: 'cpu', t: T0 + 1n, fields: { b: 'x' } },
    ]);
    expect(rowsOf(await query(arc, db, 'SELECT a, b FROM cpu ORDER BY time'))).toEqual([
      { a: 1.5, b: null },
      { a: null, b: 'x' },
    ]);
  });

  it('§1.3 row format: a field named like a tag gets the _value suffix', async () => {
    const db = freshDb();
    await write(arc, db, { m: 'cpu', t: T0, fields: { region: 1.5 }, tags: { region: 'eu' } });
    expect(rowsOf(await query(arc, db, 'SELECT region, region_value FROM cpu'))).toEqual([
      { region: 'eu', region_value: 1.5 },
    ]);
  });

  it('§1.3 row format: compact f becomes field_0…', async () => {
    const db = freshDb();
    await write(arc, db, { m: 'cpu', t: T0, f: [1.5, 'x'] });
    expect(rowsOf(await query(arc, db, 'SELECT field_0, field_1 FROM cpu'))).toEqual([
      { field_0: 1.5, field_1: 'x' },
    ]);
  });

  it("§1.3 row format without fields or f is 400 missing required field 'fields' or 'f'", async () => {
    const r = await write(arc, freshDb(), { m: 'cpu', t: T0 });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      error: "Invalid MessagePack payload: missing required field 'fields' or 'f'",
    });
  });

  it('§1.3 batch: {"batch":[…]} mixes columnar and row items', async () => {
    const db = freshDb();
    const r = await write(arc, db, {
      batch: [
        { m: 'a', columns: { time: [T0], v: [1.5] } },
        { m: 'b', t: T0, fields: { v: 2.5 } },
      ],
    });
    expect(r.status).toBe(204);
    expect(rowsOf(await query(arc, db, 'SELECT v FROM a'))).toEqual([{ v: 1.5 }]);
    expect(rowsOf(await query(arc, db, 'SELECT v FROM b'))).toEqual([{ v: 2.5 }]);
  });

  it('§1.3 batch items that fail to decode are silently skipped and the request is still 204', async () => {
    const db = freshDb();
    const r = await write(arc, db, [
      { m: 'a', columns: { time: [T0, T0], v: [1.5] } }, // length mismatch
      { m: 'a', t: T0 }, // no fields
      { m: 'a', columns: { time: [T0], v: [3.5] } },
    ]);
    expect(r.status).toBe(204);
    expect(rowsOf(await query(arc, db, 'SELECT v FROM a'))).toEqual([{ v: 3.5 }]);
  });
});

describe('POST /api/v1/write/msgpack — time (§1.3)', () => {
  it('§1.3 a missing time column is filled with the server time in µs', async () => {
    const db = freshDb();
    const before = Date.now();
    await write(arc, db, { m: 'cpu', columns: { v: [1.5, 2.5] } });
    const rows = rowsOf(await query(arc, db, 'SELECT epoch_ms(time) AS ms FROM cpu'));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.ms).toBeGreaterThanOrEqual(before - 1);
      expect(row.ms).toBeLessThanOrEqual(Date.now() + 1);
    }
  });

  it.each([
    ['seconds', 1_700_000_000n, '2023-11-14T22:13:20Z'],
    ['milliseconds', 1_700_000_000_123n, '2023-11-14T22:13:20.123Z'],
    ['microseconds', 1_700_000_000_123_456n, '2023-11-14T22:13:20.123456Z'],
    ['nanoseconds (sub-µs lost)', 1_700_000_000_123_456_789n, '2023-11-14T22:13:20.123456Z'],
  ])('§1.3 time unit is detected from its magnitude: %s', async (_unit, ts, expected) => {
    const db = freshDb();
    await write(arc, db, { m: 'cpu', columns: { time: [ts], v: [1.5] } });
    expect(rowsOf(await query(arc, db, 'SELECT time FROM cpu'))).toEqual([{ time: expected }]);
  });

  it('§1.3 a float time is accepted and truncated to an integer', async () => {
    const db = freshDb();
    await write(arc, db, { m: 'cpu', columns: { time: [1_700_000_000.9], v: [1.5] } });
    expect(rowsOf(await query(arc, db, 'SELECT time FROM cpu'))).toEqual([
      { time: '2023-11-14T22:13:20Z' },
    ]);
  });

  it('§1.3 the unit comes from the FIRST value only and applies to the whole column', async () => {
    const db = freshDb();
    // First value in seconds, second in ms: the ms value is multiplied by 1e6 as well.
    await write(arc, db, {
      m: 'cpu',
      columns: { time: [1_700_000_000n, 1_700_000_000_000n], v: [1.5, 2.5] },
    });
    const rows = rowsOf(await query(arc, db, 'SELECT v, year(time) AS y FROM cpu ORDER BY v'));
    expect(rows[0]).toEqual({ v: 1.5, y: 2023 });
    expect(rows[1]?.y).toBeGreaterThan(50_000);
  });

  it('§1.3 time is stored as TIMESTAMP WITH TIME ZONE', async () => {
    const db = freshDb();
    await write(arc, db, { m: 'cpu', columns: { time: [T0], v: [1.5] } });
    expect(rowsOf(await query(arc, db, 'SELECT typeof(time) AS t FROM cpu'))).toEqual([
      { t: 'TIMESTAMP WITH TIME ZONE' },
    ]);
  });

  it('§1.3 a string time is 400 invalid timestamp type in columnar format: string', async () => {
    const r = await write(arc, freshDb(), { m: 'cpu', columns: { time: ['2024-01-01'], v: [1] } });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(
      /^Invalid MessagePack payload: .*invalid timestamp type in columnar format: string$/,
    );
  });

  it('§1.3 a null inside time is 500 Failed to write records: …time column cannot contain null values…', async () => {
    const r = await write(arc, freshDb(), { m: 'cpu', columns: { time: [T0, null], v: [1, 2] } });
    expect(r.status).toBe(500);
    expect(r.json.error).toMatch(
      /^Failed to write records: .*time column cannot contain null values/,
    );
  });
});

describe('POST /api/v1/write/msgpack — per-batch types (§1.3)', () => {
  it('§1.3 int → BIGINT, float → DOUBLE, str → VARCHAR, bool → BOOLEAN, all-null → VARCHAR', async () => {
    const db = freshDb();
    await write(arc, db, {
      m: 'cpu',
      columns: { time: [T0], i: [1n], f: [1], s: ['x'], b: [true], n: [null] },
    });
    const sql =
      'SELECT typeof(i) AS i, typeof(f) AS f, typeof(s) AS s, typeof(b) AS b, typeof(n) AS n FROM cpu';
    expect(rowsOf(await query(arc, db, sql))).toEqual([
      { i: 'BIGINT', f: 'DOUBLE', s: 'VARCHAR', b: 'BOOLEAN', n: 'VARCHAR' },
    ]);
  });

  it('§1.3 the type comes from the first NON-NULL value', async () => {
    const db = freshDb();
    await write(arc, db, { m: 'cpu', columns: { time: [T0, T0 + 1n], x: [null, 2.5] } });
    expect(rowsOf(await query(arc, db, 'SELECT typeof(x) AS t, x FROM cpu ORDER BY time'))).toEqual(
      [
        { t: 'DOUBLE', x: null },
        { t: 'DOUBLE', x: 2.5 },
      ],
    );
  });

  it('§1.3 a float after an int in the same column is silently truncated to int64', async () => {
    const db = freshDb();
    const r = await write(arc, db, { m: 'cpu', columns: { time: [T0, T0 + 1n], x: [1n, 2.7] } });
    expect(r.status).toBe(204);
    expect(rowsOf(await query(arc, db, 'SELECT x FROM cpu ORDER BY time'))).toEqual([
      { x: 1 },
      { x: 2 },
    ]);
  });

  it('§1.3 float column with an int first value is truncated: 1.0 encoded without forceIntegerToFloat', async () => {
    const db = freshDb();
    // The JS pitfall: @msgpack/msgpack's default encodes 1.0 as an int.
    const body = encode(
      { m: 'cpu', columns: { time: [T0, T0 + 1n], x: [1.0, 2.5] } },
      { useBigInt64: true },
    );
    await writeRaw(arc, body, { 'x-arc-database': db });
    expect(rowsOf(await query(arc, db, 'SELECT typeof(x) AS t, x FROM cpu ORDER BY time'))).toEqual(
      [
        { t: 'BIGINT', x: 1 },
        { t: 'BIGINT', x: 2 },
      ],
    );
  });

  it("§1.3 a string in an int column is 500 cannot convert string to int64 in column 'x'", async () => {
    const r = await write(arc, freshDb(), {
      m: 'cpu',
      columns: { time: [T0, T0 + 1n], x: [1n, 'two'] },
    });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({
      error:
        "Failed to write records: failed to convert columns: cannot convert string to int64 in column 'x'",
    });
  });

  it('§1.3 a string in a float column is 500 too', async () => {
    const r = await write(arc, freshDb(), {
      m: 'cpu',
      columns: { time: [T0, T0 + 1n], x: [1.5, 'two'] },
    });
    expect(r.status).toBe(500);
    expect(r.json.error).toMatch(/^Failed to write records: .*cannot convert string to float64/);
  });

  it('§1.3 a non-bool in a bool column is 500', async () => {
    const r = await write(arc, freshDb(), {
      m: 'cpu',
      columns: { time: [T0, T0 + 1n], x: [true, 1n] },
    });
    expect(r.status).toBe(500);
    expect(r.json.error).toMatch(/^Failed to write records: .*in column 'x'/);
  });

  it('§1.3 nested maps and arrays are an error', async () => {
    const r = await write(arc, freshDb(), {
      m: 'cpu',
      columns: { time: [T0], x: [{ a: 1 }] },
    });
    expect(r.status).toBe(500);
    expect(r.json.error).toMatch(/^Failed to write records: /);
  });

  it('§1.3 columns whose names start with _ are dropped', async () => {
    const db = freshDb();
    await write(arc, db, { m: 'cpu', columns: { time: [T0], v: [1.5], _hidden: ['x'] } });
    const r = await query(arc, db, 'SELECT * FROM cpu');
    expect([...(r.json.columns as string[])].sort()).toEqual(['time', 'v']);
  });

  it('§1.3 across batches a column may change type; union_by_name unifies BIGINT+DOUBLE → DOUBLE', async () => {
    const db = freshDb();
    await write(arc, db, { m: 'cpu', columns: { time: [T0], x: [1n] } });
    await write(arc, db, { m: 'cpu', columns: { time: [T0 + 1n], x: [2.5] } });
    expect(rowsOf(await query(arc, db, 'SELECT typeof(x) AS t, x FROM cpu ORDER BY time'))).toEqual(
      [
        { t: 'DOUBLE', x: 1 },
        { t: 'DOUBLE', x: 2.5 },
      ],
    );
  });

  it('§1.3 a column missing from some files reads as NULL there', async () => {
    const db = freshDb();
    await write(arc, db, { m: 'cpu', columns: { time: [T0], a: ['x'] } });
    await write(arc, db, { m: 'cpu', columns: { time: [T0 + 1n], b: ['y'] } });
    expect(rowsOf(await query(arc, db, 'SELECT a, b FROM cpu ORDER BY time'))).toEqual([
      { a: 'x', b: null },
      { a: null, b: 'y' },
    ]);
  });

  it('§1.3 unicode strings round-trip byte for byte', async () => {
    const db = freshDb();
    const s = 'héllo — 日本語 🚀 \'"\\';
    await write(arc, db, { m: 'cpu', columns: { time: [T0], s: [s] } });
    expect(rowsOf(await query(arc, db, 'SELECT s FROM cpu'))).toEqual([{ s }]);
  });

  it('§1.3 large int64 values keep all their digits in the JSON response (§1.5)', async () => {
    const db = freshDb();
    await write(arc, db, { m: 'cpu', columns: { time: [T0], x: [9_007_199_254_740_993n] } });
    const r = await query(arc, db, 'SELECT x FROM cpu');
    expect(r.text).toContain('[[9007199254740993]]');
  });
});

describe('database and measurement names (§1.2)', () => {
  it('§1.2 no x-arc-database header writes to and reads from "default"', async () => {
    await write(arc, undefined, { m: 'fallback', columns: { time: [T0], v: [1.5] } });
    expect(rowsOf(await query(arc, undefined, 'SELECT v FROM fallback'))).toEqual([{ v: 1.5 }]);
    expect(rowsOf(await query(arc, 'default', 'SELECT v FROM fallback'))).toEqual([{ v: 1.5 }]);
  });

  it.each(['1db', '_db', 'a.b', 'a/b', 'x'.repeat(65)])(
    '§1.2 write database name %s is 400',
    async (db) => {
      const r = await write(arc, db, { m: 'cpu', columns: { time: [T0], v: [1.5] } });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({
        error:
          'invalid database name: must start with a letter and contain only alphanumeric characters, underscores, or hyphens (max 64 characters)',
      });
    },
  );

  it('§1.2 write database names with - and _ up to 64 chars are accepted', async () => {
    const r = await write(arc, `a-b_${'x'.repeat(60)}`, {
      m: 'cpu',
      columns: { time: [T0], v: [1.5] },
    });
    expect(r.status).toBe(204);
  });

  it.each(['9cpu', 'cpu.load', 'cpu load', ''])('§1.2 measurement name %j is 400', async (m) => {
    const r = await write(arc, freshDb(), { m, columns: { time: [T0], v: [1.5] } });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe(
      `invalid measurement name ${JSON.stringify(m)}: must start with a letter and contain only alphanumeric characters, underscores, or hyphens`,
    );
  });

  it('§1.2 an integer m becomes measurement_<n>', async () => {
    const db = freshDb();
    await write(arc, db, { m: 42n, columns: { time: [T0], v: [1.5] } });
    expect(rowsOf(await query(arc, db, 'SELECT v FROM measurement_42'))).toEqual([{ v: 1.5 }]);
  });

  it('§1.2 table names keep their case: Cpu and cpu are different measurements', async () => {
    const db = freshDb();
    await write(arc, db, { m: 'Cpu', columns: { time: [T0], v: [1.5] } });
    expect(rowsOf(await query(arc, db, 'SELECT v FROM Cpu'))).toEqual([{ v: 1.5 }]);
    const lower = await query(arc, db, 'SELECT v FROM cpu');
    expect(lower.json.columns).toEqual([]);
  });
});
