import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from '../error-mapping.js';
import { principalOf } from './authenticate.js';

/** A per-key token bucket: `burst` requests at once, refilled at `requestsPerMinute`. */
export interface RateLimitSettings {
  readonly requestsPerMinute: number;
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept before idle ones (full again) are swept. */
const SWEEP_AT = 10_000;

/**
 * Limits each API key (runs after authenticate). A request over the limit gets 429
 * `rate_limited` with `Retry-After`, the whole seconds until the key may send again.
 * @param now milliseconds since the epoch (the app's clock, so tests can move it)
 * @throws HttpError 429 `rate_limited`
 */
export function rateLimit(settings: RateLimitSettings, now: () => number): RequestHandler {
  const perMs = settings.requestsPerMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  const refill = (b: Bucket, t: number) => {
    b.tokens = Math.min(settings.burst, b.tokens + (t - b.at) * perMs);
    b.at = t;
  };
  return (_req: Request, res: Response, next: NextFunction) => {
    const t = now();
    const { keyId } = principalOf(res);
    if (buckets.size >= SWEEP_AT) {
      for (const [id, b] of buckets) {
        refill(b, t);
        if (b.tokens >= settings.burst) buckets.delete(id);
      }
    }
    const bucket = buckets.get(keyId) ?? { tokens: settings.burst, at: t };
    buckets.set(keyId, bucket);
    refill(bucket, t);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      next();
      return;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    res.setHeader('Retry-After', String(retryAfter));
    next(
      new HttpError(
        429,
        'rate_limited',
        `rate limit of ${settings.requestsPerMinute} requests per minute exceeded: retry after ${retryAfter} s`,
      ),
    );
  };
}
