import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listParquetFiles, startFakeArc, type FakeArc } from '../../support/fake-arc/index.js';
import { freshDb, query, write } from './arc-client.js';

let arc: FakeArc;
beforeAll(async () => {
  arc = await startFakeArc();
});
afterAll(async () => {
  await arc.stop();
});

async function parquetColumns(file: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const conn = await instance.connect();
    const r = await conn.run(
      `DESCRIBE SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`,
    );
    const rows = await r.getRows();
    conn.closeSync();
    return rows.map((row) => String(row[0]));
  } finally {
    instance.closeSync();
  }
}

describe("Arc's storage layout (§1.2)", () => {
  it('§1.2 files go to {db}/{m}/YYYY/MM/DD/HH/{m}_{yyyymmdd_hhmmss}_{nanos}.parquet by the data’s own UTC hour', async () => {
    const db = freshDb();
    // 2023-11-14T22:13:20Z and 2023-11-14T23:00:00Z: two hour partitions from one write.
    await write(arc, db, {
      m: 'cpu',
      columns: { time: [1_700_000_000_000_000n, 1_700_002_800_000_000n], v: [1.5, 2.5] },
    });
    const files = (await listParquetFiles(path.join(arc.dataDir, db))).map((f) =>
      path.relative(arc.dataDir, f),
    );
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(
      new RegExp(`^${db}/cpu/2023/11/14/22/cpu_\\d{8}_\\d{6}_\\d+\\.parquet$`),
    );
    expect(files[1]).toMatch(
      new RegExp(`^${db}/cpu/2023/11/14/23/cpu_\\d{8}_\\d{6}_\\d+\\.parquet$`),
    );
  });

  it('§1.5 column order differs between files (Go map order), so clients must read columns by name', async () => {
    const db = freshDb();
    for (let i = 0; i < 12; i++) {
      await write(arc, db, {
        m: 'cpu',
        columns: { time: [1_700_000_000_000_000n + BigInt(i)], a: [1.5], b: ['x'], c: [1n] },
      });
    }
    const files = await listParquetFiles(path.join(arc.dataDir, db, 'cpu'));
    expect(files).toHaveLength(12);
    const orders = new Set<string>();
    for (const f of files) orders.add((await parquetColumns(f)).join(','));
    expect(orders.size).toBeGreaterThan(1);
    // union_by_name still lines every file up by name.
    const r = await query(
      arc,
      db,
      "SELECT count(*) AS n FROM cpu WHERE a = 1.5 AND b = 'x' AND c = 1",
    );
    expect(r.json.data).toEqual([[12]]);
  });

  it('§1.2 a file holds its rows sorted by time', async () => {
    const db = freshDb();
    const T = 1_700_000_000_000_000n;
    await write(arc, db, {
      m: 'cpu',
      columns: { time: [T + 3n, T + 1n, T + 2n], v: [3, 1, 2] },
    });
    const [file] = await listParquetFiles(path.join(arc.dataDir, db, 'cpu'));
    const instance = await DuckDBInstance.create(':memory:');
    try {
      const conn = await instance.connect();
      const r = await conn.run(`SELECT v FROM read_parquet('${file}')`);
      expect((await r.getRows()).map((row) => row[0])).toEqual([1, 2, 3]);
      conn.closeSync();
    } finally {
      instance.closeSync();
    }
  });
});
