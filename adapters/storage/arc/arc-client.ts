import { DomainError } from '../../../domain/index.js';
import { ArcAnswerError, readAnswer, type AnswerShape, type ArcRow } from './arc-wire.js';

/** Where one org's memories live in Arc. */
export interface ArcTarget {
  /** Base URL of the Arc server, e.g. `http://arc:8000`. */
  readonly url: string;
  /** Sent as `Authorization: Bearer <key>`; null when Arc runs without auth. */
  readonly apiKey: string | null;
  /** The `x-arc-database` (must match the domain's `ARC_DATABASE_PATTERN`). */
  readonly database: string;
  /** The measurement (table) memories are written to and read from. */
  readonly measurement: string;
}

export interface ArcClientOptions {
  /** The longest one store call may take, retries included; then it is `unavailable`. */
  readonly timeoutMs: number;
  /** Further attempts after a failure that may pass on retry (network, 502/503/504, timeout). */
  readonly retries: number;
  /** The first pause between attempts; it doubles each time (with jitter). */
  readonly retryBaseMs: number;
}

/** A write whose outcome is unknown: the request may or may not have reached Arc. */
export class ArcWriteInDoubt extends Error {
  override readonly name = 'ArcWriteInDoubt';
}

/** Statuses after which a retry may succeed. */
const RETRY_STATUSES = new Set([502, 503, 504]);

/** How Arc answers a delete while `delete.enabled` is false. */
const DELETES_DISABLED = /delete operations are disabled/i;

/** What the store calls only to delete: Arc lets only admin tokens call them. */
const ADMIN_PATHS = new Set(['/api/v1/write/line-protocol/flush', '/api/v1/delete']);

/** Network error codes that prove the request never reached Arc. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

interface Attempt {
  readonly ok: boolean;
  /** Whether another attempt may succeed. */
  readonly retry: boolean;
  /** Whether the request may have been applied although it failed (writes only). */
  readonly maybeApplied: boolean;
  readonly error?: Error;
  readonly text?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

const causeCode = (e: unknown): string | undefined => {
  const cause = (e as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
};

const unavailable = (reason: string) =>
  new DomainError('unavailable', 'STORAGE_UNAVAILABLE', `storage unavailable: Arc ${reason}`);

/** Arc's HTTP API over Node's fetch: deadlines, retries with backoff, errors as DomainErrors. */
export class ArcClient {
  constructor(private readonly options: ArcClientOptions) {}

  /**
   * Runs one SELECT and returns its rows by column name, checked to be complete (see
   * `readAnswer`); safe to retry, so it is retried, an incomplete answer included.
   * @throws DomainError `unavailable` when Arc is down, slow, failing or refuses the key;
   *   Error when Arc refuses the SQL (a bug in the store)
   */
  async query(target: ArcTarget, sql: string, shape: AnswerShape): Promise<ArcRow[]> {
    let rows: ArcRow[] = [];
    await this.call(
      target,
      '/api/v1/query',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-arc-database': target.database },
        body: JSON.stringify({ sql }),
      },
      false,
      (text) => {
        rows = readAnswer(text, shape);
      },
    );
    return rows;
  }

  /**
   * Sends one msgpack write. Callers resend the same body only when resending cannot store a
   * memory twice (the store collapses rows of one id when it reads).
   * @throws ArcWriteInDoubt when it failed in a way that may still have stored it;
   *   DomainError `unavailable` when it certainly did not store it
   */
  async write(target: ArcTarget, body: Uint8Array): Promise<void> {
    await this.call(
      target,
      '/api/v1/write/msgpack',
      {
        method: 'POST',
        headers: { 'content-type': 'application/msgpack', 'x-arc-database': target.database },
        body,
      },
      true,
    );
  }

  /**
   * Asks Arc to flush every buffer to Parquet files now (admin), so that queries and deletes
   * see every acknowledged write. Safe to retry.
   * @throws DomainError `unavailable` when Arc is down, failing or refuses the key
   */
  async flush(target: ArcTarget): Promise<void> {
    await this.call(target, '/api/v1/write/line-protocol/flush', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-arc-database': target.database },
      body: '{}',
    });
  }

  /**
   * Deletes the rows of the target's measurement matching `where` from Arc's flushed files
   * (admin; Arc leaves buffered rows alone). Safe to retry: a row deleted once is gone.
   * @returns how many rows Arc deleted (copies of one memory each count)
   * @throws DomainError `unavailable` when Arc is down or failing, refuses the key, or has
   *   deletes turned off (the message names `delete.enabled`)
   */
  async delete(target: ArcTarget, where: string): Promise<number> {
    let deleted = 0;
    await this.call(
      target,
      '/api/v1/delete',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-arc-database': target.database },
        body: JSON.stringify({
          database: target.database,
          measurement: target.measurement,
          where,
          dry_run: false,
          confirm: true,
        }),
      },
      false,
      (text) => {
        const answer = parseObject(text);
        if (answer?.success !== true || typeof answer.deleted_count !== 'number') {
          throw unavailable(`did not confirm the delete: ${text.slice(0, 300)}`);
        }
        deleted = answer.deleted_count;
      },
    );
    return deleted;
  }

  /**
   * Resolves when Arc at `url` reports itself ready (`/ready`, or `/health` on an Arc without
   * it); rejects with DomainError `unavailable` otherwise. Never retried: readiness is a probe.
   */
  async ping(url: string): Promise<void> {
    const deadline = Date.now() + this.options.timeoutMs;
    let attempt = await this.once(`${url}/ready`, { method: 'GET' }, deadline, false);
    if (!attempt.ok && attempt.error instanceof HttpStatusError && attempt.error.status === 404) {
      attempt = await this.once(`${url}/health`, { method: 'GET' }, deadline, false);
    }
    if (!attempt.ok) throw unavailable(`is not ready: ${attempt.error?.message ?? 'unknown'}`);
  }

  private async call(
    target: ArcTarget,
    path: string,
    init: RequestInit & { headers: Record<string, string> },
    isWrite = false,
    accept: (text: string) => void = () => undefined,
  ): Promise<void> {
    const deadline = Date.now() + this.options.timeoutMs;
    const headers = { ...init.headers };
    if (target.apiKey !== null) headers.authorization = `Bearer ${target.apiKey}`;
    let maybeApplied = false;
    let last: Attempt | undefined;
    for (let i = 0; i <= this.options.retries; i++) {
      if (i > 0) {
        const pause = this.options.retryBaseMs * 2 ** (i - 1) * (0.5 + Math.random() / 2);
        if (Date.now() + pause >= deadline) break;
        await sleep(pause);
      }
      last = await this.once(`${target.url}${path}`, { ...init, headers }, deadline, isWrite);
      if (last.ok) {
        try {
          accept(last.text ?? '');
          return;
        } catch (e) {
          if (!(e instanceof ArcAnswerError)) throw e;
          last = { ok: false, retry: true, maybeApplied: false, error: e };
        }
      }
      maybeApplied ||= last.maybeApplied;
      if (!last.retry || Date.now() >= deadline) break;
    }
    const error = last?.error ?? new Error(`did not answer within ${this.options.timeoutMs} ms`);
    if (isWrite && maybeApplied) throw new ArcWriteInDoubt(`Arc write in doubt: ${error.message}`);
    if (error instanceof HttpStatusError && error.status < 500 && error.status !== 429) {
      if (error.status === 403 && DELETES_DISABLED.test(error.message)) {
        throw unavailable(
          `refuses deletes (${error.message}): memories stored in Arc can be deleted only ` +
            "once Arc's config enables them: delete.enabled = true in arc.toml",
        );
      }
      if (error.status === 401 || error.status === 403) {
        const admin = ADMIN_PATHS.has(path) ? ' (deletes need an Arc token with admin)' : '';
        throw unavailable(`refused the API key${admin}: ${error.message}`);
      }
      // Arc refused what the store sent: a bug, not an outage.
      throw new Error(`Arc ${error.message}`);
    }
    throw unavailable(error.message);
  }

  private async once(
    url: string,
    init: RequestInit,
    deadline: number,
    isWrite: boolean,
  ): Promise<Attempt> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      return { ok: false, retry: false, maybeApplied: false, error: new Error('timed out') };
    }
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(remaining) });
    } catch (e) {
      const code = causeCode(e);
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      const reason = timedOut
        ? `did not answer within ${this.options.timeoutMs} ms`
        : `cannot be reached (${code ?? (e instanceof Error ? e.message : String(e))})`;
      return {
        ok: false,
        retry: !timedOut,
        maybeApplied: isWrite && (code === undefined || !NOT_SENT_CODES.has(code)),
        error: new Error(reason),
      };
    }
    let text: string;
    try {
      text = await response.text();
    } catch (e) {
      // The answer was cut off: the request itself was received.
      return {
        ok: false,
        retry: true,
        maybeApplied: isWrite,
        error: new Error(`answer was cut off (${causeCode(e) ?? String(e)})`),
      };
    }
    if (response.ok) return { ok: true, retry: false, maybeApplied: false, text };
    return {
      ok: false,
      retry: RETRY_STATUSES.has(response.status),
      // Arc answers a write only once it has taken it or refused it as a whole.
      maybeApplied: false,
      error: new HttpStatusError(response.status, arcMessage(text)),
    };
  }
}

/** Arc answered with an error status. */
class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`answered ${status}: ${message}`);
  }
}

function arcMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') return body.error.slice(0, 300);
  } catch {
    // not JSON: use the text
  }
  return text.slice(0, 300);
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
