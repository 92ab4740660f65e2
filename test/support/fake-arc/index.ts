import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { handleDelete } from './delete-api.js';
import { acceptsGzip, headerString, json, readBody, type Reply } from './http-reply.js';
import { handleQuery } from './query-api.js';
import { rfc3339Seconds } from './render.js';
import { ArcStorage, listParquetFiles } from './storage.js';
import { handleLineProtocolWrite, handleMsgpackWrite } from './write-api.js';

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
 * `truncate200` handles the request but cuts a 200 body in half and closes the socket;
 * `midStreamError` answers a query as Arc does when DuckDB fails mid-stream (§1.5): a valid 200
 * with only half of the rows and no error field.
 */
export interface FakeArcFaults {
  status?: number;
  body?: string;
  latencyMs?: number;
  dropSocket?: boolean;
  dropAfterHandling?: boolean;
  truncate200?: boolean;
  midStreamError?: boolean;
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

const PUBLIC_PATHS = new Set(['/health', '/ready', '/api/v1/auth/verify']);

/** Go's time.Duration.String() for a duration in milliseconds (e.g. "1m2.3s", "150ms"). */
function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = ((ms % 60_000) / 1000).toFixed(3).replace(/\.?0+$/, '');
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
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
      [
        'POST /api/v1/write/msgpack',
        { permission: 'write', handle: (r, b) => handleMsgpackWrite(this.storage, r, b) },
      ],
      [
        'POST /api/v1/write/line-protocol',
        { permission: 'write', handle: (r, b) => handleLineProtocolWrite(this.storage, r, b) },
      ],
      [
        'POST /write',
        {
          permission: 'write',
          handle: (r, b) => handleLineProtocolWrite(this.storage, r, b, 'db'),
        },
      ],
      [
        'POST /api/v2/write',
        {
          permission: 'write',
          handle: (r, b) => handleLineProtocolWrite(this.storage, r, b, 'bucket'),
        },
      ],
      [
        'POST /api/v1/write/line-protocol/flush',
        { permission: 'admin', handle: () => this.flushEndpoint() },
      ],
      [
        'POST /api/v1/query',
        {
          permission: 'read',
          handle: (r, b) => handleQuery({ storage: this.storage, dataDir: this.dataDir }, r, b),
        },
      ],
      [
        'POST /api/v1/delete',
        {
          permission: 'admin',
          handle: (_r, b) => handleDelete(this.storage, this.opts.deleteEnabled === true, b),
        },
      ],
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
    if (fault?.midStreamError && reply.midStreamFailure) reply.body = reply.midStreamFailure();
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
