import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export const REQUEST_ID_HEADER = 'x-request-id';

/** What a caller may send as its own request id; anything else is replaced. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Gives every request an id: the caller's `x-request-id` when it is well formed, else a new
 * UUID. The id is echoed in the `x-request-id` response header and in error bodies.
 */
export function requestId(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers[REQUEST_ID_HEADER];
    const id = typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  };
}

/** The id {@link requestId} gave this request. */
export const requestIdOf = (res: Response): string =>
  typeof res.locals.requestId === 'string' ? res.locals.requestId : 'unknown';
