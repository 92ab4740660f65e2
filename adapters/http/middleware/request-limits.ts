import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from '../error-mapping.js';

/**
 * Refuses request targets (path and query) longer than `maxUrlBytes` with 414, and any that
 * carry an encoded NUL (`%00`), which no id or filter may contain and PostgreSQL cannot store.
 * @throws HttpError 414 `invalid_request`; 400 `invalid_request` for a NUL
 */
export function urlLimits(maxUrlBytes: number): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const url = req.originalUrl;
    if (Buffer.byteLength(url, 'utf8') > maxUrlBytes) {
      next(new HttpError(414, 'invalid_request', `URL must be at most ${maxUrlBytes} bytes`));
      return;
    }
    if (/%00/i.test(url) || url.includes('\0')) {
      next(new HttpError(400, 'invalid_request', 'URL must not contain NUL (%00)'));
      return;
    }
    next();
  };
}
