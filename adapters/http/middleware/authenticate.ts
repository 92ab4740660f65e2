import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  DomainError,
  type AuthService,
  type Permission,
  type Principal,
} from '../../../domain/index.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

const malformed = (message: string) =>
  new DomainError('unauthorized', 'MALFORMED_CREDENTIALS', message);

/**
 * The API key of a request: `x-api-key`, else `Authorization: Bearer <key>`; undefined when the
 * request sends neither (an empty header counts as not sent).
 * @throws DomainError `unauthorized` saying what is wrong when a header is sent in another form
 */
export function apiKeyOf(req: Request): string | undefined {
  const sent = req.headersDistinct['x-api-key'] ?? [];
  if (sent.length > 1) throw malformed('send the API key in one x-api-key header');
  if (sent[0]) return sent[0];
  const authorization = req.headersDistinct.authorization ?? [];
  if (authorization.length > 1) throw malformed("Authorization header must be 'Bearer <key>'");
  if (!authorization[0]) return undefined;
  const key = BEARER.exec(authorization[0])?.[1];
  if (key === undefined) throw malformed("Authorization header must be 'Bearer <key>'");
  return key;
}

/**
 * Resolves the caller's org and permissions from the API key; the org comes from nowhere else.
 * @throws DomainError `unauthorized` when the key is missing, malformed, unknown or revoked
 */
export function authenticate(auth: AuthService): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.principal = await auth.authenticate(apiKeyOf(req));
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
