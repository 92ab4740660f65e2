import type Database from 'better-sqlite3';
import { isDomainError } from '../../../domain/index.js';

/** How long after a store failure operations stop waiting for locks. */
export const FAIL_FAST_WINDOW_MS = 1_000;

/**
 * Keeps an outage fast to report. better-sqlite3 is synchronous, so a write waiting for a lock
 * that another process holds blocks the whole event loop for the busy timeout. Once one
 * operation has failed as `unavailable`, the busy timeout drops to zero for
 * {@link FAIL_FAST_WINDOW_MS} (renewed by each further failure), so the requests queued behind
 * it get their 503 at once instead of waiting in turn; the first success after the window
 * restores it. No restart is needed to recover.
 */
export class SqliteFailFast {
  private failingUntil = 0;
  private lowered = false;

  constructor(
    private readonly db: Database.Database,
    private readonly busyTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs one store operation under the policy above; rethrows its error unchanged. */
  async run<T>(operation: () => Promise<T>): Promise<T> {
    const failing = this.now() < this.failingUntil;
    if (failing !== this.lowered) this.setBusyTimeout(failing ? 0 : this.busyTimeoutMs);
    try {
      return await operation();
    } catch (e) {
      if (isDomainError(e) && e.kind === 'unavailable') {
        this.failingUntil = this.now() + FAIL_FAST_WINDOW_MS;
      }
      throw e;
    }
  }

  /** Wraps every method of `store` in {@link run}. */
  guard<T extends object>(store: T): T {
    // One wrapper per method, made at its first call rather than at every call.
    const wrappers = new Map<PropertyKey, { of: unknown; call: unknown }>();
    return new Proxy(store, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        const known = wrappers.get(prop);
        if (known?.of === value) return known.call;
        const call = (...args: unknown[]) =>
          this.run(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
        wrappers.set(prop, { of: value, call });
        return call;
      },
    });
  }

  private setBusyTimeout(ms: number): void {
    if (!this.db.open) return;
    this.db.pragma(`busy_timeout = ${ms}`);
    this.lowered = ms === 0;
  }
}
