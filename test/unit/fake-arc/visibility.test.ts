import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listParquetFiles, startFakeArc, type FakeArc } from '../../support/fake-arc/index.js';
import { freshDb, post, query, rowsOf, write } from './arc-client.js';

const T0 = 1_700_000_000_000_000n;
const LONG = 60_000; // a buffer age no test waits for

let arc: FakeArc | undefined;
afterEach(async () => {
  await arc?.stop();
  arc = undefined;
});

async function count(a: FakeArc, db: string, m = 'events'): Promise<number> {
  const r = await query(a, db, `SELECT count(*) AS c FROM ${m}`);
  const rows = rowsOf(r);
  return rows.length === 0 ? 0 : Number(rows[0]?.c);
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('buffer and flush visibility (§1.8)', () => {
  it('§1.8 with buffer age 0 (the default) a write is queryable as soon as it is acknowledged', async () => {
    arc = await startFakeArc();
    const db = freshDb();
    await write(arc, db, { m: 'events', columns: { time: [T0], v: [1.5] } });
    expect(await count(arc, db)).toBe(1);
  });

  it('§1.8 with a buffer age, a 204 write is not queryable until the age timer flushes it', async () => {
    arc = await startFakeArc({ maxBufferAgeMs: 300 });
    const db = freshDb();
    const r = await write(arc, db, { m: 'events', columns: { time: [T0], v: [1.5] } });
    expect(r.status).toBe(204);
    const early = await query(arc, db, 'SELECT count(*) FROM events');
    expect(early.json).toMatchObject({ success: true, columns: [], data: [] });
    const a = arc;
    await eventually(async () => (await count(a, db)) === 1);
  });

  it('§1.8 age counts from the buffer’s FIRST write: later writes ride along in the same flush', async () => {
    arc = await startFakeArc({ maxBufferAgeMs: 400 });
    const db = freshDb();
    await write(arc, db, { m: 'events', columns: { time: [T0], v: [1.5] } });
    await write(arc, db, { m: 'events', columns: { time: [T0 + 1n], v: [2.5] } });
    const a = arc;
    await eventually(async () => (await count(a, db)) === 2);
    expect(await listParquetFiles(path.join(arc.dataDir, db, 'events'))).toHaveLength(1);
  });

  it('§1.8 a buffer reaching max_buffer_size is flushed at once', async () => {
    arc = await startFakeArc({ maxBufferAgeMs: LONG, maxBufferSize: 3 });
    const db = freshDb();
    await write(arc, db, { m: 'events', columns: { time: [T0, T0 + 1n], v: [1.5, 2.5] } });
    expect(await count(arc, db)).toBe(0);
    await write(arc, db, { m: 'events', columns: { time: [T0 + 2n], v: [3.5] } });
    expect(await count(arc, db)).toBe(3);
  });

  it('§1.8 a batch with a different column signature flushes the old buffer first', async () => {
    arc = await startFakeArc({ maxBufferAgeMs: LONG });
    const db = freshDb();
    await write(arc, db, { m: 'events', columns: { time: [T0], v: [1.5] } });
    expect(await count(arc, db)).toBe(0);
    // Same column name, different type: a new signature.
    await write(arc, db, { m: 'events', columns: { time: [T0 + 1n], v: ['x'] } });
    expect(rowsOf(await query(arc, db, 'SELECT v FROM events'))).toEqual([{ v: 1.5 }]);
    // A new column is a new signature too.
    await write(arc, db, { m: 'events', columns: { time: [T0 + 2n], v: ['y'], w: [1n] } });
    expect(await count(arc, db)).toBe(2);
  });

  it('§1.8 concurrent writes that keep changing signature lose no row', async () => {
    arc = await startFakeArc({ maxBufferAgeMs: LONG });
    const db = freshDb();
    const a = arc;
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        write(a, db, {
          m: 'events',
          columns: { time: [T0 + BigInt(i)], v: [i % 2 === 0 ? 1.5 : 'x'] },
        }),
      ),
    );
    await arc.flushAll();
    expect(await count(arc, db)).toBe(30);
  });

  it('§1.8 buffers are per (database, measurement)', async () => {
    arc = await startFakeArc({ maxBufferAgeMs: LONG, maxBufferSize: 2 });
    const db = freshDb();
    await write(arc, db, { m: 'a', columns: { time: [T0], v: [1.5] } });
    await write(arc, db, { m: 'b', columns: { time: [T0], v: [1.5] } });
    expect(await count(arc, db, 'a')).toBe(0);
    expect(await count(arc, db, 'b')).toBe(0);
  });

  it('§1.8/§1.4 POST /api/v1/write/line-protocol/flush flushes all buffers and answers Arc’s body', async () => {
    arc = await startFakeArc({ maxBufferAgeMs: LONG });
    const db = freshDb();
    await write(arc, db, { m: 'events', columns: { time: [T0], v: [1.5] } });
    await write(arc, db, { m: 'other', columns: { time: [T0], v: [1.5] } });
    expect(await count(arc, db)).toBe(0);
    const r = await post(arc, '/api/v1/write/line-protocol/flush', '');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'success', message: 'All buffers flushed' });
    expect(await count(arc, db)).toBe(1);
    expect(await count(arc, db, 'other')).toBe(1);
  });

  it('§1.8 flushAll() makes buffered writes visible (test hook for the same flush)', async () => {
    arc = await startFakeArc({ maxBufferAgeMs: LONG });
    const db = freshDb();
    await write(arc, db, { m: 'events', columns: { time: [T0], v: [1.5] } });
    await arc.flushAll();
    expect(await count(arc, db)).toBe(1);
  });

  it('§1.8 shutdown flushes: data written before stop() is there after a restart on the same dir', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fake-arc-restart-'));
    try {
      const db = freshDb();
      const first = await startFakeArc({ dataDir: dir, maxBufferAgeMs: LONG });
      await write(first, db, { m: 'events', columns: { time: [T0], v: [1.5] } });
      await first.stop();
      await first.stop(); // idempotent
      arc = await startFakeArc({ dataDir: dir });
      expect(await count(arc, db)).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('§2.2 stop() removes the temp data dir it created', async () => {
    const a = await startFakeArc();
    await write(a, freshDb(), { m: 'events', columns: { time: [T0], v: [1.5] } });
    await a.stop();
    await expect(listParquetFiles(a.dataDir)).resolves.toEqual([]);
  });
});
