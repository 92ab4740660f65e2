import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listParquetFiles, startFakeArc, type FakeArc } from '../../support/fake-arc/index.js';
import { freshDb, post, query, rowsOf, write } from './arc-client.js';

const T0 = 1_700_000_000_000_000n;
const HOUR = 3_600_000_000n;

let arc: FakeArc;
beforeAll(async () => {
  arc = await startFakeArc({ deleteEnabled: true });
});
afterAll(async () => {
  await arc.stop();
});

async function seed(db: string): Promise<void> {
  // Two hour partitions → two files.
  await write(arc, db, {
    m: 'events',
    columns: {
      time: [T0, T0 + 1n, T0 + HOUR],
      id: ['a', 'b', 'c'],
      tag: ['x', null, 'y'],
    },
  });
}

const del = (body: Record<string, unknown>) => post(arc, '/api/v1/delete', body);

describe('POST /api/v1/delete (§1.11)', () => {
  it('§1.11 is disabled by default: 403 Delete operations are disabled…', async () => {
    const off = await startFakeArc();
    try {
      const r = await post(off, '/api/v1/delete', {
        database: 'd',
        measurement: 'm',
        where: "id = 'a'",
        confirm: true,
      });
      expect(r.status).toBe(403);
      expect(r.json.success).toBe(false);
      expect(r.json.error).toMatch(/^Delete operations are disabled/);
    } finally {
      await off.stop();
    }
  });

  it('§1.11 deletes matching rows by rewriting flushed files, with Arc’s response fields', async () => {
    const db = freshDb();
    await seed(db);
    const r = await del({ database: db, measurement: 'events', where: "id = 'a'", confirm: true });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual([
      'success',
      'deleted_count',
      'affected_files',
      'rewritten_files',
      'execution_time_ms',
      'dry_run',
      'files_processed',
    ]);
    expect(r.json).toMatchObject({
      success: true,
      deleted_count: 1,
      affected_files: 1,
      rewritten_files: 1,
      dry_run: false,
    });
    expect(r.json.files_processed).toHaveLength(1);
    expect(r.json.files_processed[0]).toMatch(/^events_\d{8}_\d{6}_\d+\.parquet$/);
    const rows = rowsOf(await query(arc, db, 'SELECT id FROM events ORDER BY time'));
    expect(rows).toEqual([{ id: 'b' }, { id: 'c' }]);
  });

  it('§1.11 a file whose rows are all deleted is removed', async () => {
    const db = freshDb();
    await seed(db);
    const dir = path.join(arc.dataDir, db, 'events');
    expect(await listParquetFiles(dir)).toHaveLength(2);
    const r = await del({ database: db, measurement: 'events', where: "id = 'c'", confirm: true });
    expect(r.json.deleted_count).toBe(1);
    expect(await listParquetFiles(dir)).toHaveLength(1);
  });

  it('§1.11 dry_run counts without changing anything', async () => {
    const db = freshDb();
    await seed(db);
    const r = await del({
      database: db,
      measurement: 'events',
      where: "id <> 'zzz'",
      dry_run: true,
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      success: true,
      deleted_count: 3,
      affected_files: 2,
      rewritten_files: 0,
      dry_run: true,
    });
    expect(r.json.files_processed).toHaveLength(2);
    expect(rowsOf(await query(arc, db, 'SELECT count(*) AS c FROM events'))).toEqual([{ c: 3 }]);
  });

  it('§1.11 no matching rows is success with zero counts and files_processed []', async () => {
    const db = freshDb();
    await seed(db);
    const r = await del({ database: db, measurement: 'events', where: "id = 'q'", confirm: true });
    expect(r.json).toMatchObject({ success: true, deleted_count: 0, files_processed: [] });
  });

  it('§1.11 rows whose condition is NULL vanish too (the rewrite keeps only WHERE NOT (…))', async () => {
    const db = freshDb();
    await seed(db);
    const r = await del({ database: db, measurement: 'events', where: "tag = 'x'", confirm: true });
    // Row b has tag NULL: NOT (NULL = 'x') is NULL, so the rewrite drops it as well.
    expect(r.json.deleted_count).toBe(2);
    expect(rowsOf(await query(arc, db, 'SELECT id FROM events'))).toEqual([{ id: 'c' }]);
  });

  it('§1.11 confirm:true is required unless dry_run', async () => {
    const r = await del({ database: 'd', measurement: 'm', where: "id = 'a'" });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe(
      'Confirmation required for delete operation. Set confirm=true or use dry_run=true to preview.',
    );
  });

  it.each([
    [{ measurement: 'm', where: 'x' }, 'database is required'],
    [{ database: 'd', where: 'x' }, 'measurement is required'],
    [
      { database: '../d', measurement: 'm', where: 'x' },
      'database name contains invalid characters',
    ],
    [{ database: 'd', measurement: 'm' }, /^WHERE clause is required/],
    [{ database: 'd', measurement: 'm', where: 'id = 1; DROP' }, /forbidden pattern: ;/],
    [{ database: 'd', measurement: 'm', where: "id IN (SELECT 'a')" }, /forbidden keyword: SELECT/],
    [{ database: 'd', measurement: 'm', where: "id = 'a" }, 'WHERE clause has unmatched quotes'],
    [{ database: 'd', measurement: 'm', where: '1=1' }, /^Full table delete detected/],
  ])('§1.11 request %j is 400', async (body, message) => {
    const r = await del({ confirm: false, ...body });
    expect(r.status).toBe(400);
    expect(r.json.success).toBe(false);
    if (typeof message === 'string') expect(r.json.error).toBe(message);
    else expect(r.json.error).toMatch(message);
  });

  it('§1.11 buffered rows are not deleted (only flushed files are rewritten)', async () => {
    const buffered = await startFakeArc({ deleteEnabled: true, maxBufferAgeMs: 60_000 });
    try {
      const db = freshDb();
      await write(buffered, db, { m: 'events', columns: { time: [T0], id: ['a'] } });
      const r = await post(buffered, '/api/v1/delete', {
        database: db,
        measurement: 'events',
        where: "id = 'a'",
        confirm: true,
      });
      expect(r.json.deleted_count).toBe(0);
      await buffered.flushAll();
      expect(rowsOf(await query(buffered, db, 'SELECT id FROM events'))).toEqual([{ id: 'a' }]);
    } finally {
      await buffered.stop();
    }
  });

  it('§1.11 SQL DELETE FROM through /api/v1/query is rejected', async () => {
    const r = await query(arc, freshDb(), "DELETE FROM events WHERE id = 'a'");
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('Dangerous SQL operation not allowed');
  });
});
