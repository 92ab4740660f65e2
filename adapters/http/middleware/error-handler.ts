import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError, type Logger } from '../../../domain/index.js';
import { toErrorResponse } from '../error-mapping.js';
import { requestIdOf } from './request-id.js';
import { loggablePath } from './request-log.js';

/** The last route: anything no route matched is a JSON 404 naming the method and path. */
export function routeNotFound(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const path = req.originalUrl.split('?')[0] ?? '';
    next(new DomainError('not_found', 'ROUTE_NOT_FOUND', `no route for ${req.method} ${path}`));
  };
}

/**
 * Writes every error as the API's error body through the one mapping table. A 500 is logged
 * with its stack, and its message never reaches the client.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const requestId = requestIdOf(res);
    const { status, body, internal } = toErrorResponse(err, requestId);
    if (internal) {
      logger.error('internal error', {
        request_id: requestId,
        method: req.method,
        path: loggablePath(req),
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
    }
    if (res.headersSent) {
      // Too late for an error body: cut the response short so the client sees it failed.
      res.destroy();
      return;
    }
    res.status(status).json(body);
  };
}
