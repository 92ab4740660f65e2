import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  DuckDBInstance,
  DuckDBTimestampTZValue,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { CellValue, ColumnType, TypedBatch } from './ingest.js';

/**
 * Arc's storage side: per (database, measurement) in-memory buffers that queries cannot see, and
 * flushes that write one Parquet file per UTC hour of the data's own `time` under
 * `{db}/{m}/YYYY/MM/DD/HH/{m}_{yyyymmdd_hhmmss}_{nanos}.parquet` (reference §1.2, §1.8).
 * One DuckDB 1.5.5 connection does all the work, one statement at a time.
 */

export interface BufferPolicy {
  /** 0 = flush before the write is acknowledged; > 0 = flush that long after a buffer's first write. */
  readonly maxBufferAgeMs: number;
  readonly maxBufferSize: number;
}

export interface QueryResult {
  readonly columns: string[];
  readonly types: DuckDBType[];
  readonly rows: DuckDBValue[][];
}

export interface DeleteOutcome {
  readonly deleted: number;
  readonly file: string;
}

interface Buffer {
  readonly db: string;
  readonly measurement: string;
  readonly signature: string;
  readonly schema: { name: string; type: ColumnType }[];
  readonly time: bigint[];
  readonly values: Map<string, CellValue[]>;
  timer?: NodeJS.Timeout;
}

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
export const quoteLiteral = (s: string): string => `'${s.replaceAll("'", "''")}'`;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function signatureOf(batch: TypedBatch): string {
  return batch.columns
    .map((c) => `${c.name}:${c.type}`)
    .sort()
    .join(',');
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Lists `.parquet` files below `dir` (recursively), sorted; [] when `dir` does not exist. */
export async function listParquetFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.parquet')) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

export class ArcStorage {
  private readonly buffers = new Map<string, Buffer>();
  private chain: Promise<unknown> = Promise.resolve();
  private tmpCounter = 0;
  private fileCounter = 0;
  private closed = false;

  private constructor(
    readonly dataDir: string,
    private readonly policy: BufferPolicy,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  static async open(dataDir: string, policy: BufferPolicy): Promise<ArcStorage> {
    // Arc runs DuckDB with preserve_insertion_order=false (internal/database/duckdb.go).
    const instance = await DuckDBInstance.create(':memory:', {
      preserve_insertion_order: 'false',
    });
    const conn = await instance.connect();
    return new ArcStorage(dataDir, policy, instance, conn);
  }

  /** Runs `fn` after every earlier DuckDB task: one statement at a time on one connection. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  measurementDir(db: string, measurement: string): string {
    return path.join(this.dataDir, db, measurement);
  }

  /**
   * Buffers one typed batch. A batch whose column signature differs from the buffer's flushes the
   * old buffer first; a full buffer, or any buffer when the age policy is 0, is flushed before
   * this resolves.
   */
  async write(db: string, batch: TypedBatch): Promise<void> {
    if (batch.time.length === 0) return;
    const key = `${db}\u0000${batch.measurement}`;
    const signature = signatureOf(batch);
    let buf = this.buffers.get(key);
    // Re-read after each flush: a concurrent write may have created a new buffer meanwhile.
    while (buf && buf.signature !== signature) {
      await this.flushBuffer(this.detach(key));
      buf = this.buffers.get(key);
    }
    if (!buf) {
      const created: Buffer = {
        db,
        measurement: batch.measurement,
        signature,
        schema: batch.columns.map((c) => ({ name: c.name, type: c.type })),
        time: [],
        values: new Map(batch.columns.map((c) => [c.name, []])),
      };
      if (this.policy.maxBufferAgeMs > 0) {
        created.timer = setTimeout(() => {
          if (this.buffers.get(key) !== created) return;
          // Arc logs a failed background flush; here it only happens when the server is torn down.
          this.flushBuffer(this.detach(key)).catch(() => undefined);
        }, this.policy.maxBufferAgeMs);
        created.timer.unref();
      }
      this.buffers.set(key, created);
      buf = created;
    }
    buf.time.push(...batch.time);
    for (const col of batch.columns) buf.values.get(col.name)?.push(...col.values);
    if (this.policy.maxBufferAgeMs === 0 || buf.time.length >= this.policy.maxBufferSize) {
      await this.flushBuffer(this.detach(key));
    }
  }

  private detach(key: string): Buffer | undefined {
    const buf = this.buffers.get(key);
    if (!buf) return undefined;
    this.buffers.delete(key);
    if (buf.timer) clearTimeout(buf.timer);
    return buf;
  }

  /** Flushes every buffer now (the admin flush endpoint and shutdown). */
  async flushAll(): Promise<void> {
    const keys = [...this.buffers.keys()];
    for (const key of keys) await this.flushBuffer(this.detach(key));
  }

  /** Rows buffered and not yet visible to queries, for assertions. */
  bufferedRows(): number {
    let n = 0;
    for (const b of this.buffers.values()) n += b.time.length;
    return n;
  }

  private async flushBuffer(buf: Buffer | undefined): Promise<void> {
    if (!buf || buf.time.length === 0) return;
    await this.exclusive(() => this.writeParquet(buf));
  }

  private async writeParquet(buf: Buffer): Promise<void> {
    const byHour = new Map<bigint, number[]>();
    buf.time.forEach((t, i) => {
      const hour = t - (((t % 3_600_000_000n) + 3_600_000_000n) % 3_600_000_000n);
      const rows = byHour.get(hour);
      if (rows) rows.push(i);
      else byHour.set(hour, [i]);
    });
    for (const [hour, rows] of byHour) {
      const h = new Date(Number(hour / 1000n));
      const dir = path.join(
        this.measurementDir(buf.db, buf.measurement),
        String(h.getUTCFullYear()),
        pad(h.getUTCMonth() + 1),
        pad(h.getUTCDate()),
        pad(h.getUTCHours()),
      );
      await mkdir(dir, { recursive: true });
      const now = new Date();
      const stamp =
        `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}_` +
        `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
      const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(this.fileCounter++ % 1_000_000);
      const file = path.join(dir, `${buf.measurement}_${stamp}_${nanos}.parquet`);
      // Arc's Parquet column order comes from Go map iteration: random per file.
      const columns = shuffled([{ name: 'time', type: 'TIMESTAMPTZ' }, ...buf.schema]);
      const table = `fake_arc_flush_${this.tmpCounter++}`;
      const ddl = columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
      await this.conn.run(`CREATE TEMP TABLE ${table} (${ddl})`);
      try {
        const appender = await this.conn.createAppender(table);
        for (const i of rows) {
          for (const c of columns) {
            if (c.name === 'time') {
              appender.appendTimestampTZ(new DuckDBTimestampTZValue(buf.time[i] as bigint));
              continue;
            }
            const v = buf.values.get(c.name)?.[i] ?? null;
            if (v === null) appender.appendNull();
            else if (c.type === 'BIGINT') appender.appendBigInt(v as bigint);
            else if (c.type === 'DOUBLE') appender.appendDouble(v as number);
            else if (c.type === 'BOOLEAN') appender.appendBoolean(v as boolean);
            else appender.appendVarchar(v as string);
          }
          appender.endRow();
        }
        appender.closeSync();
        const tmp = `${file}.tmp`;
        await this.conn.run(
          `COPY (SELECT * FROM ${table} ORDER BY "time") TO ${quoteLiteral(tmp)} (FORMAT parquet)`,
        );
        await rename(tmp, file);
      } finally {
        await this.conn.run(`DROP TABLE ${table}`);
      }
    }
  }

  /** Runs SQL that has already been validated and rewritten. */
  query(sql: string): Promise<QueryResult> {
    return this.exclusive(async () => {
      const result = await this.conn.run(sql);
      return {
        columns: result.columnNames(),
        types: result.columnTypes(),
        rows: await result.getRows(),
      };
    });
  }

  /**
   * Arc's delete: count matches per flushed file, then rewrite each affected file with
   * `WHERE NOT (<where>)` (or remove it when nothing remains). Buffered rows are untouched.
   */
  async deleteRows(
    db: string,
    measurement: string,
    where: string,
    dryRun: boolean,
  ): Promise<{ matched: DeleteOutcome[]; rewritten: DeleteOutcome[] }> {
    const files = await listParquetFiles(this.measurementDir(db, measurement));
    return this.exclusive(async () => {
      const matched: DeleteOutcome[] = [];
      for (const file of files) {
        let count: number;
        try {
          const r = await this.conn.run(
            `SELECT COUNT(*) FROM read_parquet(${quoteLiteral(file)}) WHERE ${where}`,
          );
          count = Number((await r.getRows())[0]?.[0] ?? 0);
        } catch {
          // Arc logs a file whose count fails (e.g. an unknown column) and skips it.
          continue;
        }
        if (count > 0) matched.push({ file, deleted: count });
      }
      if (dryRun) return { matched, rewritten: [] };
      const rewritten: DeleteOutcome[] = [];
      for (const { file } of matched) {
        const r = await this.conn.run(
          `SELECT COUNT(*), COUNT(*) FILTER (WHERE NOT (${where})) FROM read_parquet(${quoteLiteral(file)})`,
        );
        const row = (await r.getRows())[0] ?? [0, 0];
        const before = Number(row[0]);
        const after = Number(row[1]);
        if (after === 0) {
          await rm(file, { force: true });
        } else {
          const tmp = `${file}.new`;
          await this.conn.run(
            `COPY (SELECT * FROM read_parquet(${quoteLiteral(file)}) WHERE NOT (${where})) ` +
              `TO ${quoteLiteral(tmp)} (FORMAT parquet)`,
          );
          await rename(tmp, file);
        }
        rewritten.push({ file, deleted: before - after });
      }
      return { matched, rewritten };
    });
  }

  /** Sizes of the flushed files of one measurement, for SHOW TABLES. */
  async tableStats(db: string, measurement: string): Promise<{ files: number; bytes: number }> {
    const files = await listParquetFiles(this.measurementDir(db, measurement));
    let bytes = 0;
    for (const f of files) bytes += (await stat(f)).size;
    return { files: files.length, bytes };
  }

  /** Flushes buffers, then closes DuckDB. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flushAll();
    this.closed = true;
    await this.chain;
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
