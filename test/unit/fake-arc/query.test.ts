import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeArc, type FakeArc } from '../../support/fake-arc/index.js';
import { freshDb, post, query, rowsOf, write } from './arc-client.js';

let arc: FakeArc;
let db: string;
const T0 = 1_704_103_199_600_000n; // µs: 2024-01-01T09:59:59.6Z

beforeAll(async () => {
  arc = await startFakeArc();
  db = freshDb();
  await write(arc, db, {
    m: 'events',
    columns: {
      time: [T0, T0 + 1_000_000n, T0 + 2_000_000n],
      id: ['a', 'b', 'c'],
      n: [1n, 2n, 7n],
      x: [1.5, 2.5, 3.5],
      ok: [true, false, null],
    },
  });
  await write(arc, db, { m: 'other', columns: { time: [T0], id: ['a'], tag: ['t1'] } });
});
afterAll(async () => {
  await arc.stop();
});

const ENVELOPE_OK =
  /^\{"success":true,"columns":\[.*\],"data":\[.*\],"row_count":\d+,"execution_time_ms":\d+,"timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\}$/s;
const ENVELOPE_ERR =
  /^\{"success":false,"columns":null,"data":null,"row_count":0,"execution_time_ms":\d+,"timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ","error":".*"\}$/s;

async function rejected(sql: string, headers: Record<string, string> = {}): Promise<string> {
  const r = await query(arc, db, sql, headers);
  expect(r.status).toBe(400);
  expect(r.text).toMatch(ENVELOPE_ERR);
  return r.json.error as string;
}

describe('POST /api/v1/query — envelopes (§1.5)', () => {
  it('§1.5 success body has Arc key order, row-major data, integral execution_time_ms, seconds timestamp', async () => {
    const r = await query(arc, db, 'SELECT id, n FROM events ORDER BY time');
    expect(r.status).toBe(200);
    expect(r.text).toMatch(ENVELOPE_OK);
    expect(r.json.columns).toEqual(['id', 'n']);
    expect(r.json.data).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 7],
    ]);
    expect(r.json.row_count).toBe(3);
    expect(r.json).not.toHaveProperty('types');
  });

  it('§1.5 error body has columns:null, data:null, row_count:0 and the error last', async () => {
    const r = await query(arc, db, '');
    expect(r.text).toMatch(ENVELOPE_ERR);
    expect(r.json.execution_time_ms).toBe(0);
  });

  it('§1.5 DuckDB errors are 500 with the message verbatim', async () => {
    const r = await query(arc, db, 'SELECT nope FROM events');
    expect(r.status).toBe(500);
    expect(r.text).toMatch(ENVELOPE_ERR);
    expect(r.json.error).toMatch(/^Binder Error: Referenced column "nope" not found/);
  });

  it('§1.5 a body that is not JSON is 400 Invalid request body', async () => {
    const r = await post(arc, '/api/v1/query', '{not json');
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/^Invalid request body: /);
  });

  it('§1.5 a body without Content-Type: application/json is 400 Invalid request body', async () => {
    const r = await post(
      arc,
      '/api/v1/query',
      { sql: 'SELECT 1' },
      { 'content-type': 'text/plain' },
    );
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/^Invalid request body: /);
  });
});

describe('POST /api/v1/query — response encoding (§1.5)', () => {
  const raw = (headers: Record<string, string>, sql = 'SELECT 1 AS x'): Promise<Response> =>
    fetch(`${arc.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-arc-database': db, ...headers },
      body: JSON.stringify({ sql }),
    });

  it('§1.5 a success is streamed (chunked) and gzip-compressed when Accept-Encoding allows it', async () => {
    const res = await raw({ 'accept-encoding': 'gzip' });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(((await res.json()) as { data: unknown }).data).toEqual([[1]]);
  });

  it('§1.5 no compression without a matching Accept-Encoding, or with q=0', async () => {
    expect((await raw({ 'accept-encoding': 'identity' })).headers.get('content-encoding')).toBe(
      null,
    );
    expect((await raw({ 'accept-encoding': 'gzip;q=0' })).headers.get('content-encoding')).toBe(
      null,
    );
  });

  it('§1.5 error bodies are plain JSON, never compressed', async () => {
    const res = await raw({ 'accept-encoding': 'gzip' }, 'SELECT 1; SELECT 2');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-encoding')).toBe(null);
  });
});

describe('POST /api/v1/query — validation (§1.5, messages verbatim)', () => {
  it.each(['', '   ', '\n'])('§1.5 SQL %j is 400 SQL query is required', async (sql) => {
    expect(await rejected(sql)).toBe('SQL query is required');
  });

  it('§1.5 a body without sql is 400 SQL query is required', async () => {
    const r = await post(arc, '/api/v1/query', {});
    expect(r.json.error).toBe('SQL query is required');
  });

  it('§1.5 SQL longer than 10000 characters is 400', async () => {
    const sql = `SELECT 1 AS x ${' '.repeat(10_000)}`;
    expect(await rejected(sql)).toBe('SQL query exceeds maximum length (10000 characters)');
  });

  it('§1.5 two statements are 400 Multiple SQL statements are not allowed', async () => {
    expect(await rejected('SELECT 1; SELECT 2')).toBe('Multiple SQL statements are not allowed');
  });

  it('§1.5 one trailing ; is fine, and so is a ; inside a string literal', async () => {
    expect((await query(arc, db, 'SELECT 1 AS x;')).status).toBe(200);
    expect(rowsOf(await query(arc, db, "SELECT 'a;b' AS s"))).toEqual([{ s: 'a;b' }]);
  });

  it.each([
    'DROP TABLE events',
    'DROP VIEW v',
    'DELETE FROM events',
    'TRUNCATE TABLE events',
    'ALTER TABLE events ADD COLUMN y INT',
    'CREATE TABLE t AS SELECT 1',
    'CREATE INDEX i ON events (id)',
    'INSERT INTO events VALUES (1)',
    'UPDATE events SET id = 1',
    "ATTACH 'x.db'",
    'DETACH x',
    "COPY events TO 'x.csv'",
    'PRAGMA version',
    'SET threads = 1',
    'RESET threads',
    'LOAD httpfs',
    'INSTALL httpfs',
    'CALL pragma_version()',
    "EXPORT DATABASE 'x'",
    "IMPORT DATABASE 'x'",
    'CREATE SECRET s (TYPE s3)',
    'DROP SECRET s',
    'SELECT id AS load FROM events',
    'SELECT 1 AS set',
    'SELECT copy FROM events',
  ])('§1.5 %s is 400 Dangerous SQL operation not allowed', async (sql) => {
    expect(await rejected(sql)).toBe('Dangerous SQL operation not allowed');
  });

  it('§1.5 denylisted words are fine double-quoted, inside literals, in comments and inside other words', async () => {
    const r = await query(
      arc,
      db,
      `SELECT id AS "load", 'DROP TABLE x; set' AS "set", n AS offset_n -- DELETE FROM events
       FROM events /* COPY */ WHERE id <> 'call' ORDER BY time LIMIT 1 OFFSET 0`,
    );
    expect(rowsOf(r)).toEqual([{ load: 'a', set: 'DROP TABLE x; set', offset_n: 1 }]);
  });

  it.each([
    ["SELECT * FROM read_parquet('/etc/x.parquet')", 'read_parquet'],
    ["SELECT * FROM read_csv_auto('/etc/passwd')", 'read_csv_auto'],
    ["SELECT * FROM read_json('/x.json')", 'read_json'],
    ["SELECT * FROM glob('/*')", 'glob'],
    ["SELECT * FROM parquet_scan('/x')", 'parquet_scan'],
    ["SELECT * FROM read_text('/etc/hosts')", 'read_text'],
  ])('§1.5 %s is 400 File I/O function not allowed', async (sql, fn) => {
    expect(await rejected(sql)).toBe(`File I/O function not allowed in user SQL: ${fn}()`);
  });

  it.each([
    "SELECT * FROM '/etc/x.parquet'",
    "SELECT * FROM events JOIN '/x.parquet' b ON true",
    "SELECT b.v FROM events, '/data/*/**/*.parquet' b",
    "SELECT * FROM (SELECT 1 AS x) a, '/x.parquet' b",
  ])('§1.5 %s is 400 String literal not allowed in table position', async (sql) => {
    expect(await rejected(sql)).toBe(
      'String literal not allowed in table position (replacement scans are disabled); reference a table by name',
    );
  });

  it('§1.5 a string literal used as a value is fine, even one shaped like a path', async () => {
    const r = await query(arc, db, "SELECT count(*) AS c FROM events WHERE id <> '/x/*.parquet'");
    expect(rowsOf(r)).toEqual([{ c: 3 }]);
  });

  it('§1.5 a quoted I/O function name is still an I/O function', async () => {
    expect(await rejected(`SELECT * FROM "parquet_scan"('/x')`)).toBe(
      'File I/O function not allowed in user SQL: parquet_scan()',
    );
  });

  it('§1.5 several trailing semicolons are one statement', async () => {
    expect((await query(arc, db, 'SELECT 1 AS x;; ')).status).toBe(200);
  });
});

describe('POST /api/v1/query — table rewrite (§1.2)', () => {
  it('§1.2 FROM m reads the header database', async () => {
    expect(rowsOf(await query(arc, db, 'SELECT count(*) AS c FROM events'))).toEqual([{ c: 3 }]);
  });

  it('§1.2 FROM db.m reads that database when no header is sent', async () => {
    const r = await query(arc, undefined, `SELECT count(*) AS c FROM ${db}.events`);
    expect(rowsOf(r)).toEqual([{ c: 3 }]);
  });

  it('§1.2 JOIN db.m works without the header too', async () => {
    const r = await query(
      arc,
      undefined,
      `SELECT e.id, o.tag FROM ${db}.events e JOIN ${db}.other o ON e.id = o.id`,
    );
    expect(rowsOf(r)).toEqual([{ id: 'a', tag: 't1' }]);
  });

  it('§1.2 FROM db.m with the header is 400 Cross-database queries … not allowed', async () => {
    expect(await rejected(`SELECT * FROM ${db}.events`)).toBe(
      'Cross-database queries (db.table syntax) not allowed when x-arc-database header is set',
    );
    expect(await rejected(`SELECT * FROM events JOIN ${db}.other ON events.id = other.id`)).toMatch(
      /^Cross-database queries/,
    );
    expect(await rejected(`SELECT * FROM events, ${db}.other`)).toMatch(/^Cross-database queries/);
  });

  it('§1.2 without a header, FROM m reads the "default" database', async () => {
    const r = await query(arc, undefined, 'SELECT count(*) AS c FROM events');
    expect(r.json.columns).toEqual([]); // nothing was written to default.events
  });

  it('§1.2 JOIN m is rewritten; the rewritten source has no table alias, so alias it yourself', async () => {
    const r = await query(
      arc,
      db,
      'SELECT e.id, o.tag FROM events AS e LEFT JOIN other AS o ON e.id = o.id ORDER BY e.time',
    );
    expect(rowsOf(r)).toEqual([
      { id: 'a', tag: 't1' },
      { id: 'b', tag: null },
      { id: 'c', tag: null },
    ]);
  });

  it('§1.2 comma cross-joins rewrite every table of the FROM list', async () => {
    const r = await query(
      arc,
      db,
      'SELECT e.id, o.tag FROM events e, other o WHERE e.id = o.id ORDER BY e.id',
    );
    expect(rowsOf(r)).toEqual([{ id: 'a', tag: 't1' }]);
  });

  it('§1.2 commas outside a FROM list (projection, IN, GROUP BY, list literals) are left alone', async () => {
    const ok = await query(
      arc,
      db,
      "SELECT id, n FROM events WHERE id IN ('a', 'b') AND [n, 1] <> [0, 0] GROUP BY id, n ORDER BY id, n",
    );
    expect(rowsOf(ok)).toEqual([
      { id: 'a', n: 1 },
      { id: 'b', n: 2 },
    ]);
  });

  it('§1.2 CTE names are not rewritten', async () => {
    const r = await query(
      arc,
      db,
      'WITH recent AS (SELECT * FROM events WHERE n > 1), big AS (SELECT * FROM recent) SELECT id FROM big ORDER BY id',
    );
    expect(rowsOf(r)).toEqual([{ id: 'b' }, { id: 'c' }]);
  });

  it('§1.2 function calls in table position are not rewritten', async () => {
    expect(rowsOf(await query(arc, db, 'SELECT count(*) AS c FROM range(4)'))).toEqual([{ c: 4 }]);
  });

  it('§1.2 a quoted identifier FROM "m" is resolved to the measurement', async () => {
    await write(arc, db, { m: 'my-m', columns: { time: [T0], v: [1.5] } });
    expect(rowsOf(await query(arc, db, 'SELECT v FROM "my-m"'))).toEqual([{ v: 1.5 }]);
  });

  it('§1.2/§1.5 a quoted name in table position that is not a valid identifier is 400', async () => {
    expect(await rejected('SELECT * FROM "../events"')).toBe(
      'Quoted identifier in table position is not a valid database or measurement name (replacement scans are disabled): ../events',
    );
    expect(await rejected('SELECT * FROM events JOIN "db2/x.parquet" b ON true')).toMatch(
      /^Quoted identifier in table position/,
    );
  });

  it('§1.2 quoted database and measurement names resolve: "db"."m" and db."m" without the header', async () => {
    await write(arc, db, { m: 'q-m', columns: { time: [T0], v: [2.5] } });
    expect(rowsOf(await query(arc, undefined, `SELECT v FROM "${db}"."q-m"`))).toEqual([
      { v: 2.5 },
    ]);
    expect(rowsOf(await query(arc, undefined, `SELECT v FROM ${db}."q-m"`))).toEqual([{ v: 2.5 }]);
  });

  it('§1.2 a quoted CTE name is not rewritten', async () => {
    const r = await query(arc, db, 'WITH "w-1" AS (SELECT 1 AS x) SELECT x FROM "w-1"');
    expect(rowsOf(r)).toEqual([{ x: 1 }]);
  });

  it('§1.2 FROM inside EXTRACT/SUBSTRING/TRIM is not taken for a table', async () => {
    const r = await query(
      arc,
      db,
      "SELECT EXTRACT(hour FROM time) AS h, SUBSTRING(id FROM 1 FOR 1) AS s, TRIM(BOTH 'x' FROM id) AS t FROM events ORDER BY time LIMIT 1",
    );
    expect(rowsOf(r)).toEqual([{ h: 9, s: 'a', t: 'a' }]);
  });

  it('§1.2 FROM inside a string literal is not rewritten (literal masking)', async () => {
    const r = await query(arc, db, "SELECT 'FROM other' AS s FROM events WHERE id = 'a'");
    expect(rowsOf(r)).toEqual([{ s: 'FROM other' }]);
  });

  it('§1.2 FROM inside a comment is ignored (comment stripping)', async () => {
    const r = await query(
      arc,
      db,
      'SELECT id /* FROM other */ FROM events -- JOIN nowhere\nWHERE n = 7',
    );
    expect(rowsOf(r)).toEqual([{ id: 'c' }]);
  });

  it('§1.2 an invalid x-arc-database header on a query is 400', async () => {
    const r = await query(arc, 'bad db', 'SELECT 1');
    expect(r.status).toBe(400);
    expect(r.json.error).toBe(
      'invalid x-arc-database header: name contains invalid characters (allowed: alphanumeric, underscore, hyphen)',
    );
  });

  it('§1.2 a measurement with no Parquet files yet is 200 with no columns, no data', async () => {
    const r = await query(arc, db, 'SELECT count(*) FROM never_written');
    expect(r.status).toBe(200);
    expect(r.text).toMatch(ENVELOPE_OK);
    expect(r.json).toMatchObject({ success: true, columns: [], data: [], row_count: 0 });
  });

  it('§1.2 even a query naming non-existent columns "succeeds" while the measurement is empty', async () => {
    const r = await query(arc, db, 'SELECT no_such_column FROM never_written WHERE x = 1');
    expect(r.status).toBe(200);
    expect(r.json.columns).toEqual([]);
  });

  it('§1.5 SHOW DATABASES lists databases', async () => {
    const r = await query(arc, undefined, 'SHOW DATABASES');
    expect(r.json.columns).toEqual(['database']);
    expect(r.json.data).toContainEqual([db]);
  });

  it('§1.5 a comment does not hide SHOW DATABASES', async () => {
    const r = await query(arc, undefined, '/* list */ SHOW DATABASES');
    expect(r.json.columns).toEqual(['database']);
  });

  it('§1.5 SHOW TABLES FROM an invalid database name is 400', async () => {
    const r = await query(arc, undefined, 'SHOW TABLES FROM -x');
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/^invalid database name: /);
  });

  it('§1.5 SHOW MEASUREMENTS FROM db lists another database without the header', async () => {
    const r = await query(arc, undefined, `SHOW MEASUREMENTS FROM ${db}`);
    const names = (r.json.data as unknown[][]).map((row) => [row[0], row[1]]);
    expect(names).toEqual(expect.arrayContaining([[db, 'events']]));
  });

  it('§1.5 SHOW TABLES lists measurements with storage stats', async () => {
    const r = await query(arc, db, 'SHOW TABLES');
    expect(r.json.columns).toEqual([
      'database',
      'table_name',
      'storage_path',
      'file_count',
      'total_size_mb',
    ]);
    const names = (r.json.data as unknown[][]).map((row) => row[1]);
    expect(names).toEqual(expect.arrayContaining(['events', 'other']));
    const events = (r.json.data as unknown[][]).find((row) => row[1] === 'events');
    expect(events?.[3]).toBe(2); // 09:59:59.6 and 10:00:00.6 land in two hour partitions
  });
});

describe('POST /api/v1/query — time rewrites (§1.2)', () => {
  it('§1.2 time_bucket becomes epoch arithmetic: TIMESTAMPTZ result, ::BIGINT rounds 09:59:59.6 into 10:00', async () => {
    const r = await query(
      arc,
      db,
      "SELECT time_bucket(INTERVAL '1 hour', time) AS b, typeof(time_bucket('1 hour', time)) AS t FROM events ORDER BY time LIMIT 1",
    );
    expect(rowsOf(r)).toEqual([{ b: '2024-01-01T10:00:00Z', t: 'TIMESTAMP WITH TIME ZONE' }]);
  });

  it('§1.2 time_bucket with an origin uses the origin offset', async () => {
    const r = await query(
      arc,
      db,
      "SELECT time_bucket(INTERVAL '1 hour', time, TIMESTAMP '2024-01-01 00:30:00') AS b FROM events ORDER BY time LIMIT 1",
    );
    expect(rowsOf(r)).toEqual([{ b: '2024-01-01T09:30:00Z' }]);
  });

  it('§1.2 month buckets are left to DuckDB', async () => {
    const r = await query(
      arc,
      db,
      "SELECT time_bucket(INTERVAL '1 month', time) AS b FROM events ORDER BY time LIMIT 1",
    );
    expect(rowsOf(r)).toEqual([{ b: '2024-01-01T00:00:00Z' }]);
  });

  it("§1.2 date_trunc('week') is Thursday-aligned (epoch-based), not DuckDB's Monday", async () => {
    const r = await query(
      arc,
      db,
      "SELECT date_trunc('week', time) AS w, date_trunc('month', time) AS m FROM events ORDER BY time LIMIT 1",
    );
    expect(rowsOf(r)).toEqual([{ w: '2023-12-28T00:00:00Z', m: '2024-01-01T00:00:00Z' }]);
  });

  it("§1.2 date_trunc('hour') rounds like time_bucket", async () => {
    const r = await query(
      arc,
      db,
      "SELECT date_trunc('hour', time) AS h FROM events ORDER BY time LIMIT 1",
    );
    expect(rowsOf(r)).toEqual([{ h: '2024-01-01T10:00:00Z' }]);
  });

  it('§1.2 date_trunc is not rewritten when its column contains (', async () => {
    const r = await query(
      arc,
      db,
      "SELECT date_trunc('hour', to_timestamp(epoch(time))) AS h FROM events ORDER BY time LIMIT 1",
    );
    expect(rowsOf(r)).toEqual([{ h: '2024-01-01T09:00:00Z' }]);
  });
});

describe('POST /api/v1/query — time literals (§1.5)', () => {
  it('§1.5 a string literal without a zone compares in UTC, and one with Z or an offset too', async () => {
    const r = await query(
      arc,
      db,
      `SELECT count(*) FILTER (WHERE time >= '2024-01-01 10:00:00') AS naive,
              count(*) FILTER (WHERE time >= '2024-01-01T10:00:00Z') AS utc,
              count(*) FILTER (WHERE time >= '2024-01-01T11:00:00+01:00') AS offset
       FROM events`,
    );
    expect(rowsOf(r)).toEqual([{ naive: 2, utc: 2, offset: 2 }]);
  });
});

describe('POST /api/v1/query — value rendering (§1.5)', () => {
  const one = async (sql: string): Promise<unknown> => {
    const r = await query(arc, db, sql);
    expect(r.status).toBe(200);
    return r.json.data[0][0];
  };

  it('§1.5 BIGINT and COUNT(*) are JSON numbers, AVG is a number', async () => {
    expect(await one('SELECT count(*) FROM events')).toBe(3);
    expect(await one('SELECT avg(n) FROM events')).toBeCloseTo(3.3333333333333335);
    const r = await query(arc, db, 'SELECT 9223372036854775807::BIGINT AS b');
    expect(r.text).toContain('[[9223372036854775807]]');
  });

  it('§1.5 SUM(bigint) is HUGEINT and comes back as a JSON string', async () => {
    expect(await one('SELECT sum(n) FROM events')).toBe('10');
  });

  it('§1.5 DECIMAL comes back as a string without trailing zeros', async () => {
    expect(await one('SELECT 3.0::DECIMAL(10,2)')).toBe('3');
    expect(await one('SELECT 1.5 * n FROM events ORDER BY time LIMIT 1')).toBe('1.5');
    expect(await one('SELECT (-2.50)::DECIMAL(10,2)')).toBe('-2.5');
  });

  it('§1.5 DOUBLE NaN and ±Inf render as null', async () => {
    const r = await query(
      arc,
      db,
      "SELECT 'nan'::DOUBLE AS a, 'inf'::DOUBLE AS b, '-inf'::DOUBLE AS c, 0.5::DOUBLE AS d",
    );
    expect(r.json.data).toEqual([[null, null, null, 0.5]]);
  });

  it('§1.5 DOUBLE never uses an exponent', async () => {
    const r = await query(arc, db, 'SELECT 1e21::DOUBLE AS a, 1e-7::DOUBLE AS b, 3.0::DOUBLE AS c');
    expect(r.text).toContain('[[1000000000000000000000,0.0000001,3]]');
  });

  it('§1.5 timestamps are UTC RFC3339Nano with trailing zeros trimmed and no fraction when 0', async () => {
    const r = await query(
      arc,
      db,
      `SELECT TIMESTAMPTZ '2023-11-14 22:13:20Z' AS a, TIMESTAMPTZ '2023-11-14 22:13:20.5Z' AS b,
              TIMESTAMPTZ '2023-11-14 22:13:20.123456Z' AS c, TIMESTAMP '2023-11-14 22:13:20.25' AS d,
              '2023-11-14 22:13:20.123456789'::TIMESTAMP_NS AS e, '2023-11-14 22:13:20'::TIMESTAMP_S AS f,
              '2023-11-14 22:13:20.1'::TIMESTAMP_MS AS g`,
    );
    expect(r.json.data).toEqual([
      [
        '2023-11-14T22:13:20Z',
        '2023-11-14T22:13:20.5Z',
        '2023-11-14T22:13:20.123456Z',
        '2023-11-14T22:13:20.25Z',
        '2023-11-14T22:13:20.123456789Z',
        '2023-11-14T22:13:20Z',
        '2023-11-14T22:13:20.1Z',
      ],
    ]);
  });

  it('§1.5 DATE renders as midnight UTC', async () => {
    expect(await one("SELECT DATE '2024-01-15'")).toBe('2024-01-15T00:00:00Z');
  });

  it('§1.5 NULL, BOOLEAN, VARCHAR and UUID', async () => {
    const r = await query(
      arc,
      db,
      "SELECT NULL AS a, true AS b, 'x' AS c, '6f1c3a4e-0a7b-4c1e-9d2e-1f2a3b4c5d6e'::UUID AS d",
    );
    expect(r.json.data).toEqual([[null, true, 'x', '6f1c3a4e-0a7b-4c1e-9d2e-1f2a3b4c5d6e']]);
  });

  it('§1.5 epoch_ms(time) is a plain number for clients that parse time themselves', async () => {
    expect(await one('SELECT epoch_ms(time) FROM events ORDER BY time LIMIT 1')).toBe(
      1_704_103_199_600,
    );
  });
});
