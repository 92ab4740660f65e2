import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../../../domain/index.js';
import { principalOrNull } from './authenticate.js';
import { requestIdOf } from './request-id.js';

/** Anything shaped like an API key (`mtk_...`), wherever a client put it. */
const API_KEY_LIKE = /mtk_[A-Za-z0-9_-]+/g;

/** The request path without its query string, with anything like an API key masked. */
export const loggablePath = (req: Request): string =>
  (req.originalUrl.split('?')[0] ?? '').replace(API_KEY_LIKE, 'mtk_[redacted]');

/**
 * Logs one `request` line per request when its response is done (or the client went away):
 * request id, method, path without the query string, status, duration and org. Never headers,
 * query values or keys (a key sent in the path is masked).
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = performance.now();
    const path = loggablePath(req);
    let logged = false;
    const log = () => {
      if (logged) return;
      logged = true;
      logger.info('request', {
        request_id: requestIdOf(res),
        method: req.method,
        path,
        status: res.statusCode,
        duration_ms: Math.round((performance.now() - start) * 100) / 100,
        org_id: principalOrNull(res)?.orgId ?? null,
      });
    };
    res.once('finish', log);
    res.once('close', log);
    next();
  };
}
