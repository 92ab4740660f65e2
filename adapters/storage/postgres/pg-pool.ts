import pg from 'pg';
import { isUnavailable } from './pg-errors.js';

/** How memtrace connects to PostgreSQL. */
export interface PostgresOptions {
  /** `postgres://user:pass@host:port/db`; `?options=-c search_path=x` picks a schema. */
  readonly url: string;
  /** Most connections this process holds; default 10. */
  readonly poolSize?: number;
  /**
   * How long a query waits for a connection (a free one in the pool, or a new one to be made)
   * before failing with `unavailable`; default 1000 ms.
   */
  readonly connectTimeoutMs?: number;
  /**
   * The server cancels a statement running longer than this (`statement_timeout`), and the
   * client gives up on an answer that has not come 250 ms after that (a dead peer);
   * default 1500 ms, so an outage is a 503 within 2 s rather than a hang.
   */
  readonly statementTimeoutMs?: number;
  /** A schema to use instead of the URL's search_path (tests: one schema per file). */
  readonly schema?: string;
  /**
   * The text-search configuration keyword search indexes and queries with (a regconfig of the
   * database); default `simple`, the domain's words exactly (see `TextSearch`).
   */
  readonly textSearchConfig?: string;
}

export const POSTGRES_DEFAULTS = {
  poolSize: 10,
  connectTimeoutMs: 1000,
  statementTimeoutMs: 1500,
} as const;

/** `"name"` with quotes doubled: the only way an identifier enters SQL text. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * The one pool of this process. An idle connection that the server drops (restart, network
 * cut) is logged by pg's pool as an `error` event: it is handled here, so it never crashes
 * the process, and the next query opens a fresh connection: recovery needs no restart.
 */
export function createPgPool(
  options: PostgresOptions,
  onIdleError: (e: Error) => void = () => undefined,
): pg.Pool {
  const statementTimeoutMs = options.statementTimeoutMs ?? POSTGRES_DEFAULTS.statementTimeoutMs;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? POSTGRES_DEFAULTS.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? POSTGRES_DEFAULTS.connectTimeoutMs,
    // 0 means no timeouts at all (migrations); otherwise the client gives up a little after the
    // server would have, so a hung connection cannot hold a request longer.
    ...(statementTimeoutMs > 0
      ? { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + 250 }
      : {}),
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'memtrace',
    // Startup parameters, so no setup query races the first real one. JIT compilation costs
    // ~10 ms per expensive query, more than it saves on memtrace's short indexed queries.
    options: [
      '-c jit=off',
      ...(options.schema !== undefined ? [`-c search_path=${quoteIdent(options.schema)}`] : []),
    ].join(' '),
  });
  pool.on('error', onIdleError);
  pool.on('connect', (client) => {
    // A connection that fails after the pool let go of it (a read timeout, then the socket
    // closes) emits 'error' with no listener left: that would crash the process. Failures of
    // queries still reach their callers.
    client.on('error', () => undefined);
  });
  return pool;
}

/**
 * Runs `work` in one transaction on a checked-out client: COMMIT when it resolves, ROLLBACK
 * when it throws. A client whose connection broke is destroyed rather than returned to the pool.
 * @throws the driver's failure as it is (callers translate it, see withPg)
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    if (isUnavailable(e)) {
      // The connection is lost or stalled: a ROLLBACK would wait as long again. Dropping the
      // connection rolls the transaction back on the server.
      broken = e instanceof Error ? e : new Error(String(e));
      throw e;
    }
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw e;
  } finally {
    client.release(broken);
  }
}
