import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from '../error-mapping.js';
import type { AppRoute } from '../served-routes.js';
import { methodsByPath } from '../served-routes.js';

/**
 * Before the 404: a path some route serves, asked with a method none of its routes takes, is a
 * 405 naming the methods it takes, in `Allow` as well.
 */
export function methodNotAllowed(routes: readonly AppRoute[]): RequestHandler {
  const methodsOf = methodsByPath(routes);
  return (req: Request, res: Response, next: NextFunction) => {
    const path = req.originalUrl.split('?')[0] ?? '';
    const allowed = methodsOf(path);
    if (allowed.length === 0 || allowed.includes(req.method)) return next();
    res.setHeader('Allow', allowed.join(', '));
    next(
      new HttpError(
        405,
        'method_not_allowed',
        `${req.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`,
      ),
    );
  };
}
