import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthService, Permission, Principal } from '../../../domain/index.js';
import { apiKeyOf } from '../../wire/api-key.js';
import { requestIdOf } from './request-id.js';

/**
 * Resolves the caller's org and permissions from the API key; the org comes from nowhere else.
 * The principal carries the request's id, so that the services' logs of what it does (deletions)
 * name the request as the request log does.
 * @throws DomainError `unauthorized` when the key is missing, malformed, unknown or revoked
 */
export function authenticate(auth: AuthService): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const principal: Principal = {
      ...(await auth.authenticate(apiKeyOf(req))),
      requestId: requestIdOf(res),
    };
    res.locals.principal = principal;
    next();
  };
}

/** Requires a permission of the authenticated key. @throws DomainError `forbidden` */
export function requirePermission(auth: AuthService, permission: Permission): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    auth.authorize(principalOf(res), permission);
    next();
  };
}

/** Requires an admin key of the default org. @throws DomainError `forbidden` */
export function requireOperator(auth: AuthService): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    auth.authorizeOperator(principalOf(res));
    next();
  };
}

/** The caller, once {@link authenticate} has run. */
export function principalOf(res: Response): Principal {
  const principal = principalOrNull(res);
  if (!principal) throw new Error('principalOf called before authenticate');
  return principal;
}

export const principalOrNull = (res: Response): Principal | null =>
  (res.locals.principal as Principal | undefined) ?? null;
