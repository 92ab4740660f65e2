import { mkdtemp, readdir, rm, mkdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { decodeMsgpack, MsgpackDecodeError } from './msgpack-decoder.js';
import {
  decodePayload,
  PayloadDecodeError,
  RecordWriteError,
  toBatches,
  type DecodedRecord,
} from './ingest.js';
import { parseLineProtocol, parsePrecision } from './line-protocol.js';
import { renderValue, rfc3339Seconds } from './render.js';
import { parseShow, rewriteSql, SqlRejected, validateHeaderDatabase, validateSql } from './sql.js';
import { ArcStorage, listParquetFiles, quoteLiteral } from './storage.js';

/**
 * An Arc server for memtrace's tests and for trying the arc driver locally: Arc's HTTP wire
 * (reference arc-wire-reference.md §1) on a real DuckDB 1.5.5 over Parquet files laid out as Arc
 * lays them out. Listens on 127.0.0.1 only.
 */

export type ArcPermission = 'read' | 'write' | 'delete' | 'admin';

export interface FakeArcOptions {
  /** Port to listen on; default 0 (ephemeral). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Where Parquet files go; default a fresh temp dir, removed by stop(). */
  dataDir?: string;
  /** Turns auth on; this token has admin permission. */
  authToken?: string;
  /** Extra tokens and their permissions (auth is on when any token is configured). */
  tokens?: Record<string, ArcPermission[]>;
  /** 0 (default) = flush before replying 204; > 0 = Arc's eventual visibility, by timer. */
  maxBufferAgeMs?: number;
  /** Rows per (db, measurement) buffer that force a flush; default 50 000. */
  maxBufferSize?: number;
  /** Enables POST /api/v1/delete; default false, like Arc. */
  deleteEnabled?: boolean;
}

/**
 * A fault applied to the next `times` requests (default 1) whose path contains `path` (any
 * request when omitted). `latencyMs` delays the request; `dropSocket` closes the connection with
 * no response before handling; `dropAfterHandling` handles the request (a write is stored) and
 * then closes the connection with no response; `status` (+ `body`) replies instead of handling;
 * `truncate200` handles the request but cuts a 200 body in half and closes the socket.
 */
export interface FakeArcFaults {
  status?: number;
  body?: string;
  latencyMs?: number;
  dropSocket?: boolean;
  dropAfterHandling?: boolean;
  truncate200?: boolean;
  path?: string;
  times?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeArc {
  /** `http://host:port`, no trailing slash. */
  url: string;
  dataDir: string;
  /** Flushes buffers, closes the server and DuckDB, removes a temp data dir. Idempotent. */
  stop(): Promise<void>;
  /** Flushes every buffer now, as Arc's admin flush endpoint does. */
  flushAll(): Promise<void>;
  injectFault(f: FakeArcFaults): void;
  clearFaults(): void;
  /** When false, /ready returns Arc's 503 not_ready body. */
  setReady(ready: boolean): void;
  /** Every request received, oldest first. */
  requests: LoggedRequest[];
  /** Stops listening (connections refused) but keeps data and buffers. */
  pause(): Promise<void>;
  /** Listens again on the same port. */
  resume(): Promise<void>;
}

const WRITE_DB = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const MEASUREMENT = /^[a-zA-Z][a-zA-Z0-9_-]*$/;
const PUBLIC_PATHS = new Set(['/health', '/ready', '/api/v1/auth/verify']);
const DELETE_DISABLED =
  'Delete operations are disabled. Set delete.enabled=true in arc.toml to enable.';
const DELETE_KEYWORDS =
  /\b(DROP|DELETE|INSERT|UPDATE|EXEC|EXECUTE|UNION|SELECT|CREATE|ALTER|COPY|ATTACH|DETACH|LOAD|INSTALL|PRAGMA|CALL|SET)\b/i;
const DELETE_CONFIRMATION_THRESHOLD = 10_000;
const DELETE_MAX_ROWS = 1_000_000;

interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Arc streams query results: chunked, and gzip when the client accepts it. */
  streamed?: boolean;
}

const json = (status: number, body: unknown): Reply => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
});

/** Go's time.Duration.String() for a duration in milliseconds (e.g. "1m2.3s", "150ms"). */
function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = ((ms % 60_000) / 1000).toFixed(3).replace(/\.?0+$/, '');
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function headerString(req: http.IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/**
 * Arc's response-compression negotiation (`response_compression.go`): zstd is preferred, then
 * gzip; q=0 means not acceptable. Node 20 has no zstd encoder, so only gzip is produced here.
 */
function acceptsGzip(acceptEncoding: string): boolean {
  return acceptEncoding.split(',').some((part) => {
    const [token = '', params = ''] = part.split(';').map((x) => x.trim().toLowerCase());
    const q = /^q=([\d.]+)$/.exec(params);
    if (q && Number(q[1]) === 0) return false;
    return token === 'gzip' || token === 'x-gzip';
  });
}

/** Arc's token sources, in order: Bearer, Token, raw Authorization, x-api-key, ?p= (§1.10). */
function tokenOf(req: http.IncomingMessage, url: URL): string | undefined {
  const authz = headerString(req, 'authorization').trim();
  if (authz) {
    const m = /^(?:Bearer|Token)\s+(.+)$/i.exec(authz);
    return m ? (m[1] as string).trim() : authz;
  }
  const key = headerString(req, 'x-api-key').trim();
  if (key) return key;
  return url.searchParams.get('p') ?? undefined;
}

interface Route {
  readonly permission?: ArcPermission;
  readonly handle: (req: http.IncomingMessage, body: Buffer) => Promise<Reply>;
}

class FakeArcServer implements FakeArc {
  url = '';
  readonly requests: LoggedRequest[] = [];
  private readonly faults: FakeArcFaults[] = [];
  private ready = true;
  private port = 0;
  private stopping: Promise<void> | undefined;
  private readonly startedAt = Date.now();
  private readonly server: http.Server;
  private readonly tokens = new Map<string, ArcPermission[]>();
  private readonly routes: Map<string, Route>;

  constructor(
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    private readonly storage: ArcStorage,
    private readonly opts: FakeArcOptions,
  ) {
    if (opts.authToken) this.tokens.set(opts.authToken, ['admin']);
    for (const [t, perms] of Object.entries(opts.tokens ?? {})) this.tokens.set(t, perms);
    this.routes = new Map<string, Route>([
      ['GET /health', { handle: async () => this.health() }],
      ['GET /ready', { handle: async () => this.readiness() }],
      ['POST /api/v1/write/msgpack', { permission: 'write', handle: (r, b) => this.write(r, b) }],
      [
        'POST /api/v1/write/line-protocol',
        { permission: 'write', handle: (r, b) => this.writeLineProtocol(r, b) },
      ],
      [
        'POST /write',
        { permission: 'write', handle: (r, b) => this.writeLineProtocol(r, b, 'db') },
      ],
      [
        'POST /api/v2/write',
        { permission: 'write', handle: (r, b) => this.writeLineProtocol(r, b, 'bucket') },
      ],
      [
        'POST /api/v1/write/line-protocol/flush',
        { permission: 'admin', handle: () => this.flushEndpoint() },
      ],
      ['POST /api/v1/query', { permission: 'read', handle: (r, b) => this.query(r, b) }],
      ['POST /api/v1/delete', { permission: 'admin', handle: (_r, b) => this.delete(b) }],
      ['GET /api/v1/auth/verify', { handle: async (r) => this.verify(r) }],
    ]);
    this.server = http.createServer((req, res) => {
      this.dispatch(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }));
      });
    });
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://${host}:${this.port}`;
  }

  private get authEnabled(): boolean {
    return this.tokens.size > 0;
  }

  injectFault(f: FakeArcFaults): void {
    this.faults.push({ ...f, times: f.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  setReady(ready: boolean): void {
    this.ready = ready;
  }

  flushAll(): Promise<void> {
    return this.storage.flushAll();
  }

  private takeFault(pathname: string): FakeArcFaults | undefined {
    const list = this.faults;
    const i = list.findIndex((f) => f.path === undefined || pathname.includes(f.path));
    if (i < 0) return undefined;
    const f = list[i] as FakeArcFaults;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) list.splice(i, 1);
    return f;
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, headers: { ...req.headers } });
    const body = await readBody(req);
    const fault = this.takeFault(url.pathname);
    if (fault?.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault?.dropSocket) {
      req.socket.destroy();
      return;
    }
    if (fault?.status !== undefined) {
      const text = fault.body ?? JSON.stringify({ error: 'injected fault' });
      return this.send(res, { status: fault.status, body: text }, false);
    }
    const reply = await this.route(req, url, method, body);
    if (fault?.dropAfterHandling) {
      req.socket.destroy();
      return;
    }
    if (reply.streamed && acceptsGzip(headerString(req, 'accept-encoding'))) {
      reply.headers = { ...reply.headers, 'content-encoding': 'gzip' };
    }
    this.send(res, reply, fault?.truncate200 === true);
  }

  private send(res: http.ServerResponse, reply: Reply, truncate: boolean): void {
    const gzip = reply.headers?.['content-encoding'] === 'gzip';
    const text = Buffer.from(reply.body ?? '');
    const body = gzip ? zlib.gzipSync(text) : text;
    const headers: Record<string, string | number> = { ...reply.headers };
    if (reply.status !== 204 && !reply.streamed) headers['content-length'] = body.length;
    res.writeHead(reply.status, headers);
    if (truncate && reply.status === 200) {
      // Destroy only once the half body has left, so the client sees a 200 that breaks mid-body.
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(reply.status === 204 ? undefined : body);
  }

  private async route(
    req: http.IncomingMessage,
    url: URL,
    method: string,
    body: Buffer,
  ): Promise<Reply> {
    // Fiber's non-strict routing: a trailing slash matches the same route.
    const pathname = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    if (this.authEnabled && !PUBLIC_PATHS.has(pathname)) {
      const token = tokenOf(req, url);
      if (!token) return json(401, { success: false, error: 'Authentication required' });
      const perms = this.tokens.get(token);
      if (!perms) return json(401, { success: false, error: 'Invalid or expired token' });
      const route = this.routes.get(`${method} ${pathname}`);
      const needed = route?.permission;
      if (needed && !perms.includes('admin') && !perms.includes(needed)) {
        return json(403, { success: false, error: `Permission denied: ${needed} required` });
      }
    }
    const route = this.routes.get(`${method} ${pathname}`);
    if (!route) return json(404, { error: `Cannot ${method} ${url.pathname}` });
    return route.handle(req, body);
  }

  /** `GET /api/v1/auth/verify` (public): tells a client whether its token is valid (§1.10). */
  private verify(req: http.IncomingMessage): Reply {
    const token = tokenOf(req, new URL(req.url ?? '/', 'http://localhost'));
    const permissions = token === undefined ? undefined : this.tokens.get(token);
    if (!permissions) return json(401, { valid: false, error: 'Invalid or expired token' });
    return json(200, {
      valid: true,
      token_info: { name: token === this.opts.authToken ? 'admin' : 'token', permissions },
      permissions,
    });
  }

  private health(): Reply {
    const ms = Date.now() - this.startedAt;
    return json(200, {
      status: 'ok',
      time: rfc3339Seconds(new Date()),
      uptime: goDuration(ms),
      uptime_sec: ms / 1000,
    });
  }

  private readiness(): Reply {
    const time = rfc3339Seconds(new Date());
    if (!this.ready) {
      return json(503, {
        status: 'not_ready',
        time,
        reason:
          'server is starting up or shutting down; load balancer should not route traffic here',
      });
    }
    return json(200, { status: 'ready', time, uptime_sec: (Date.now() - this.startedAt) / 1000 });
  }

  private async flushEndpoint(): Promise<Reply> {
    await this.storage.flushAll();
    return json(200, { status: 'success', message: 'All buffers flushed' });
  }

  /** Body compression by magic bytes, not headers (§1.3): gzip, zstd, else raw. */
  private decompress(raw: Buffer): Uint8Array | Reply {
    if (raw[0] === 0x1f && raw[1] === 0x8b) {
      try {
        return zlib.gunzipSync(raw);
      } catch (e) {
        return json(400, { error: `Invalid gzip compression: ${(e as Error).message}` });
      }
    }
    if (raw[0] === 0x28 && raw[1] === 0xb5 && raw[2] === 0x2f && raw[3] === 0xfd) {
      const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer })
        .zstdDecompressSync;
      if (!zstd) {
        return json(400, { error: 'Invalid zstd compression: zstd needs Node >= 22.15' });
      }
      try {
        return zstd(raw);
      } catch (e) {
        return json(400, { error: `Invalid zstd compression: ${(e as Error).message}` });
      }
    }
    return raw;
  }

  private async write(req: http.IncomingMessage, raw: Buffer): Promise<Reply> {
    if (raw.length === 0) return json(400, { error: 'Empty payload' });
    const payload = this.decompress(raw);
    if (!(payload instanceof Uint8Array)) return payload;
    let records;
    try {
      const nowMicros = BigInt(Date.now()) * 1000n;
      records = decodePayload(decodeMsgpack(payload), nowMicros);
    } catch (e) {
      if (e instanceof MsgpackDecodeError) {
        return json(400, {
          error: `Invalid MessagePack payload: failed to unmarshal msgpack: ${e.message}`,
        });
      }
      if (e instanceof PayloadDecodeError) {
        return json(400, { error: `Invalid MessagePack payload: ${e.message}` });
      }
      throw e;
    }
    return this.ingest(headerString(req, 'x-arc-database') || 'default', records);
  }

  /**
   * Line-protocol writes (§1.4). The database comes from `x-arc-database`, else from the
   * `db` (InfluxDB 1.x) or `bucket` (2.x) query parameter, else `default`.
   */
  private async writeLineProtocol(
    req: http.IncomingMessage,
    raw: Buffer,
    dbParam?: 'db' | 'bucket',
  ): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const requested = url.searchParams.get('precision');
    const precision = parsePrecision(requested);
    if (!precision) {
      return json(400, {
        error: `invalid precision ${JSON.stringify(requested)}: must be ns, us, ms, or s`,
      });
    }
    if (raw.length === 0) return json(400, { error: 'Empty request body' });
    const payload = this.decompress(raw);
    if (!(payload instanceof Uint8Array)) return payload;
    const text = Buffer.from(payload).toString('utf8');
    const records = parseLineProtocol(text, precision, BigInt(Date.now()) * 1000n);
    if (records.length === 0) return json(400, { error: 'No valid records in request' });
    const db =
      headerString(req, 'x-arc-database') ||
      (dbParam ? url.searchParams.get(dbParam) : null) ||
      'default';
    return this.ingest(db, records);
  }

  /** The shared tail of every write: name checks, type inference, buffering; 204. */
  private async ingest(db: string, records: DecodedRecord[]): Promise<Reply> {
    if (!WRITE_DB.test(db)) {
      return json(400, {
        error:
          'invalid database name: must start with a letter and contain only alphanumeric ' +
          'characters, underscores, or hyphens (max 64 characters)',
      });
    }
    for (const r of records) {
      if (r.measurement.length > 128 || !MEASUREMENT.test(r.measurement)) {
        return json(400, {
          error:
            `invalid measurement name ${JSON.stringify(r.measurement)}: must start with a letter ` +
            'and contain only alphanumeric characters, underscores, or hyphens',
        });
      }
    }
    let batches;
    try {
      batches = toBatches(records);
    } catch (e) {
      if (e instanceof RecordWriteError) {
        return json(500, { error: `Failed to write records: ${e.message}` });
      }
      throw e;
    }
    for (const batch of batches) await this.storage.write(db, batch);
    return { status: 204 };
  }

  private queryError(status: number, started: number, error: string, elapsed = false): Reply {
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

  private querySuccess(started: number, columns: string[], rowsJson: string[]): Reply {
    const body =
      `{"success":true,"columns":${JSON.stringify(columns)},"data":[${rowsJson.join(',')}],` +
      `"row_count":${rowsJson.length},"execution_time_ms":${Date.now() - started},` +
      `"timestamp":${JSON.stringify(rfc3339Seconds(new Date(started)))}}`;
    return { status: 200, body, headers: { 'content-type': 'application/json' }, streamed: true };
  }

  private async query(req: http.IncomingMessage, raw: Buffer): Promise<Reply> {
    const started = Date.now();
    const contentType = headerString(req, 'content-type').toLowerCase();
    if (!contentType.startsWith('application/json')) {
      return this.queryError(400, started, 'Invalid request body: Unprocessable Entity');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch (e) {
      return this.queryError(400, started, `Invalid request body: ${(e as Error).message}`);
    }
    const rawSql =
      parsed !== null && typeof parsed === 'object' ? (parsed as { sql?: unknown }).sql : undefined;
    if (rawSql !== undefined && rawSql !== null && typeof rawSql !== 'string') {
      const goType = typeof rawSql === 'number' ? 'number' : typeof rawSql;
      return this.queryError(
        400,
        started,
        `Invalid request body: json: cannot unmarshal ${goType} into Go struct field QueryRequest.sql of type string`,
      );
    }
    const sql = typeof rawSql === 'string' ? rawSql : '';
    const headerDb = headerString(req, 'x-arc-database') || undefined;
    let rewritten: string;
    try {
      const validated = validateSql(sql);
      if (headerDb !== undefined) validateHeaderDatabase(headerDb);
      const show = parseShow(sql);
      if (show) return this.show(started, show, headerDb);
      rewritten = rewriteSql(validated, {
        headerDb,
        source: (db, m) =>
          `read_parquet(${quoteLiteral(path.join(this.dataDir, db, m, '**', '*.parquet'))}, union_by_name=true)`,
      });
    } catch (e) {
      if (e instanceof SqlRejected) return this.queryError(400, started, e.message);
      throw e;
    }
    let result;
    try {
      result = await this.storage.query(rewritten);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // A measurement with no flushed file yet: Arc answers an empty success (§1.2).
      if (message.includes('No files found that match the pattern')) {
        return this.querySuccess(started, [], []);
      }
      return this.queryError(500, started, message, true);
    }
    const rows = result.rows.map(
      (row) => `[${row.map((v, i) => renderValue(result.types[i] as never, v)).join(',')}]`,
    );
    return this.querySuccess(started, result.columns, rows);
  }

  private async show(
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
      const dbs = await visible(this.dataDir);
      return this.querySuccess(
        started,
        ['database'],
        dbs.map((d) => JSON.stringify([d])),
      );
    }
    const db = show.db ?? headerDb ?? 'default';
    const rows: string[] = [];
    for (const table of await visible(path.join(this.dataDir, db))) {
      const stats = await this.storage.tableStats(db, table);
      rows.push(
        JSON.stringify([
          db,
          table,
          `${path.join(this.dataDir, db, table)}/`,
          stats.files,
          stats.bytes / (1024 * 1024),
        ]),
      );
    }
    return this.querySuccess(
      started,
      ['database', 'table_name', 'storage_path', 'file_count', 'total_size_mb'],
      rows,
    );
  }

  private async delete(raw: Buffer): Promise<Reply> {
    const started = Date.now();
    const reply = (
      status: number,
      fields: {
        deleted?: number;
        affected?: number;
        rewritten?: number;
        dryRun?: boolean;
        files?: string[] | null;
        failed?: string[];
        error?: string;
      },
    ): Reply =>
      json(status, {
        success: status === 200 && !fields.error,
        deleted_count: fields.deleted ?? 0,
        affected_files: fields.affected ?? 0,
        rewritten_files: fields.rewritten ?? 0,
        execution_time_ms: fields.files === undefined ? 0 : Date.now() - started,
        dry_run: fields.dryRun ?? false,
        files_processed: fields.files ?? null,
        ...(fields.failed && fields.failed.length > 0 ? { failed_files: fields.failed } : {}),
        ...(fields.error ? { error: fields.error } : {}),
      });
    if (!this.opts.deleteEnabled) return reply(403, { error: DELETE_DISABLED });
    let req: {
      database?: unknown;
      measurement?: unknown;
      where?: unknown;
      dry_run?: unknown;
      confirm?: unknown;
    };
    try {
      req = JSON.parse(raw.toString('utf8')) as typeof req;
    } catch (e) {
      return reply(400, { error: `Invalid request body: ${(e as Error).message}` });
    }
    const database = typeof req.database === 'string' ? req.database : '';
    const measurement = typeof req.measurement === 'string' ? req.measurement : '';
    const where = typeof req.where === 'string' ? req.where : '';
    const dryRun = req.dry_run === true;
    const confirm = req.confirm === true;
    if (!database) return reply(400, { error: 'database is required' });
    if (!measurement) return reply(400, { error: 'measurement is required' });
    if (/[/\\]/.test(database) || database.includes('..')) {
      return reply(400, { error: 'database name contains invalid characters' });
    }
    if (/[/\\]/.test(measurement) || measurement.includes('..')) {
      return reply(400, { error: 'measurement name contains invalid characters' });
    }
    if (where.trim() === '') {
      return reply(400, {
        error:
          "WHERE clause is required. To delete all data, use WHERE clause '1=1' with confirm=true",
      });
    }
    let upper = where.trim().toUpperCase();
    if (upper.startsWith('WHERE ')) upper = upper.slice(6).trim();
    for (const p of [';', '--', '/*']) {
      if (upper.includes(p)) {
        return reply(400, { error: `WHERE clause contains forbidden pattern: ${p}` });
      }
    }
    const keyword = DELETE_KEYWORDS.exec(where);
    if (keyword) {
      return reply(400, {
        error: `WHERE clause contains forbidden keyword: ${(keyword[0] as string).toUpperCase()}`,
      });
    }
    if ((where.match(/'/g)?.length ?? 0) % 2 !== 0) {
      return reply(400, { error: 'WHERE clause has unmatched quotes' });
    }
    if ((where.match(/\(/g)?.length ?? 0) !== (where.match(/\)/g)?.length ?? 0)) {
      return reply(400, { error: 'WHERE clause has unmatched parentheses' });
    }
    const fullTable = ['1=1', 'TRUE', '1'].includes(upper);
    if (fullTable && !confirm) {
      return reply(400, {
        error: 'Full table delete detected (WHERE 1=1). Set confirm=true to proceed.',
      });
    }
    if (!dryRun && !confirm) {
      return reply(400, {
        error:
          'Confirmation required for delete operation. Set confirm=true or use dry_run=true to preview.',
      });
    }
    const { matched, rewritten } = await this.storage.deleteRows(
      database,
      measurement,
      where,
      dryRun,
    );
    if (matched.length === 0) return reply(200, { dryRun, files: [] });
    const total = matched.reduce((n, f) => n + f.deleted, 0);
    if (total > DELETE_MAX_ROWS) {
      return reply(400, {
        error:
          `Delete would affect ${total} rows, exceeding maximum of ${DELETE_MAX_ROWS}. ` +
          'Adjust delete.max_rows_per_delete in arc.toml or refine WHERE clause.',
      });
    }
    if (total > DELETE_CONFIRMATION_THRESHOLD && !confirm) {
      return reply(400, {
        error: `Delete would affect ${total} rows (threshold: ${DELETE_CONFIRMATION_THRESHOLD}). Set confirm=true to proceed.`,
      });
    }
    const base = (f: { file: string }): string => path.basename(f.file);
    if (dryRun) {
      return reply(200, {
        deleted: total,
        affected: matched.length,
        dryRun: true,
        files: matched.map(base),
      });
    }
    return reply(200, {
      deleted: rewritten.reduce((n, f) => n + f.deleted, 0),
      affected: matched.length,
      rewritten: rewritten.length,
      files: rewritten.map(base),
    });
  }

  async pause(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  async resume(): Promise<void> {
    if (this.server.listening) return;
    await this.listen(this.port, this.opts.host ?? '127.0.0.1');
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.pause();
      await this.storage.close();
      if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
    })();
    return this.stopping;
  }
}

/** Starts an Arc server on `opts.host:opts.port` (default 127.0.0.1:0). */
export async function startFakeArc(opts: FakeArcOptions = {}): Promise<FakeArc> {
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'memtrace-fake-arc-')));
  await mkdir(dataDir, { recursive: true });
  const storage = await ArcStorage.open(dataDir, {
    maxBufferAgeMs: opts.maxBufferAgeMs ?? 0,
    maxBufferSize: opts.maxBufferSize ?? 50_000,
  });
  const server = new FakeArcServer(dataDir, ownsDataDir, storage, opts);
  try {
    await server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  } catch (e) {
    await storage.close();
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  return server;
}

export { listParquetFiles };
