import { readdir } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { headerString, json, type Reply } from './http-reply.js';
import { renderValue, rfc3339Seconds } from './render.js';
import { parseShow, rewriteSql, SqlRejected, validateHeaderDatabase, validateSql } from './sql.js';
import { quoteLiteral, type ArcStorage } from './storage.js';

/** `POST /api/v1/query` (§1.5): body parsing, validation, rewrites, DuckDB, Arc's envelopes. */

export interface QueryContext {
  readonly storage: ArcStorage;
  readonly dataDir: string;
}

const renderCell = (type: DuckDBType | undefined, v: DuckDBValue): string =>
  type === undefined ? JSON.stringify(String(v)) : renderValue(type, v);

function queryError(status: number, started: number, error: string, elapsed = false): Reply {
  return json(status, {
    success: false,
    columns: null,
    data: null,
    row_count: 0,
    execution_time_ms: elapsed ? Date.now() - started : 0,
    timestamp: rfc3339Seconds(new Date(started)),
    error,
  });
}

function querySuccess(started: number, columns: string[], rowsJson: string[]): Reply {
  const render = (rows: string[]): string =>
    `{"success":true,"columns":${JSON.stringify(columns)},"data":[${rows.join(',')}],` +
    `"row_count":${rows.length},"execution_time_ms":${Date.now() - started},` +
    `"timestamp":${JSON.stringify(rfc3339Seconds(new Date(started)))}}`;
  return {
    status: 200,
    body: render(rowsJson),
    headers: { 'content-type': 'application/json' },
    streamed: true,
    midStreamFailure: () => render(rowsJson.slice(0, Math.floor(rowsJson.length / 2))),
  };
}

export async function handleQuery(
  ctx: QueryContext,
  req: http.IncomingMessage,
  raw: Buffer,
): Promise<Reply> {
  const started = Date.now();
  const contentType = headerString(req, 'content-type').toLowerCase();
  if (!contentType.startsWith('application/json')) {
    return queryError(400, started, 'Invalid request body: Unprocessable Entity');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    return queryError(400, started, `Invalid request body: ${(e as Error).message}`);
  }
  const rawSql =
    parsed !== null && typeof parsed === 'object' ? (parsed as { sql?: unknown }).sql : undefined;
  if (rawSql !== undefined && rawSql !== null && typeof rawSql !== 'string') {
    const goType = typeof rawSql === 'number' ? 'number' : typeof rawSql;
    return queryError(
      400,
      started,
      `Invalid request body: json: cannot unmarshal ${goType} into Go struct field QueryRequest.sql of type string`,
    );
  }
  const sql = typeof rawSql === 'string' ? rawSql : '';
  const headerDb = headerString(req, 'x-arc-database') || undefined;
  let rewritten: string;
  try {
    validateSql(sql);
    if (headerDb !== undefined) validateHeaderDatabase(headerDb);
    const show = parseShow(sql);
    if (show) return answerShow(ctx, started, show, headerDb);
    rewritten = rewriteSql(sql, {
      headerDb,
      source: (db, m) =>
        `read_parquet(${quoteLiteral(path.join(ctx.dataDir, db, m, '**', '*.parquet'))}, union_by_name=true)`,
    });
  } catch (e) {
    if (e instanceof SqlRejected) return queryError(400, started, e.message);
    throw e;
  }
  let result;
  try {
    result = await ctx.storage.query(rewritten);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // A measurement with no flushed file yet: Arc answers an empty success (§1.2).
    if (message.includes('No files found that match the pattern')) {
      return querySuccess(started, [], []);
    }
    return queryError(500, started, message, true);
  }
  const rows = result.rows.map(
    (row) => `[${row.map((v, i) => renderCell(result.types[i], v)).join(',')}]`,
  );
  return querySuccess(started, result.columns, rows);
}

async function answerShow(
  ctx: QueryContext,
  started: number,
  show: NonNullable<ReturnType<typeof parseShow>>,
  headerDb: string | undefined,
): Promise<Reply> {
  const visible = async (dir: string): Promise<string[]> => {
    try {
      const entries = await readdir(dir, { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_'))
        .map((e) => e.name)
        .sort();
    } catch {
      return [];
    }
  };
  if (show.kind === 'databases') {
    const dbs = await visible(ctx.dataDir);
    return querySuccess(
      started,
      ['database'],
      dbs.map((d) => JSON.stringify([d])),
    );
  }
  const db = show.db ?? headerDb ?? 'default';
  const rows: string[] = [];
  for (const table of await visible(path.join(ctx.dataDir, db))) {
    const stats = await ctx.storage.tableStats(db, table);
    rows.push(
      JSON.stringify([
        db,
        table,
        `${path.join(ctx.dataDir, db, table)}/`,
        stats.files,
        stats.bytes / (1024 * 1024),
      ]),
    );
  }
  return querySuccess(
    started,
    ['database', 'table_name', 'storage_path', 'file_count', 'total_size_mb'],
    rows,
  );
}
