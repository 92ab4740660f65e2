import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AppDeps } from '../app-deps.js';
import { NoQuery } from '../../wire/page.query.js';
import { principalOf, requireOperator, requirePermission } from '../middleware/authenticate.js';
import { jsonBody } from '../middleware/json-body.js';
import { bodyOf, queryOf, validateBody, validateQuery } from '../middleware/validate.js';
import {
  API_BASE,
  expressPath,
  isPublic,
  isServed,
  Reply,
  type ApiRoute,
  type Route,
  type RouteContext,
} from './route.js';

/**
 * The public routes of the table (outside /api/v1, no key), in its order; each route's
 * `alsoUnder` handlers are mounted on its path right after it.
 */
export function publicRouter(routes: readonly Route[], ctx: RouteContext): Router {
  const router = Router();
  for (const route of routes.filter(isPublic)) {
    if (!isServed(route, ctx.deps)) continue;
    const path = expressPath(route.path);
    router[route.method](path, ...[route.serve(ctx)].flat());
    if (route.alsoUnder) router.use(path, ...route.alsoUnder(ctx));
  }
  return router;
}

/**
 * The /api/v1 routes of the table, in its order, with the paths under the base; the caller
 * mounts the router at {@link API_BASE} behind authentication. Each route runs: the key's
 * permission, the query check, then for a body the JSON parser and the body check, then its
 * handler, whose result is the response.
 */
export function apiRouter(routes: readonly Route[], deps: AppDeps): Router {
  const router = Router();
  const permission = {
    key: (_req: Request, _res: Response, next: () => void) => next(),
    read: requirePermission(deps.auth, 'read'),
    write: requirePermission(deps.auth, 'write'),
    admin: requirePermission(deps.auth, 'admin'),
    operator: requireOperator(deps.auth),
  } as const;
  const json = jsonBody(deps.maxBodyBytes);
  for (const route of routes) {
    if (isPublic(route)) continue;
    if (!route.path.startsWith(`${API_BASE}/`)) {
      throw new Error(`${route.operationId}: a route needing a key is under ${API_BASE}`);
    }
    const chain: RequestHandler[] = [
      permission[route.access],
      validateQuery(route.query ?? NoQuery),
    ];
    if (route.body) chain.push(json);
    if (route.body && 'dto' in route.body) chain.push(validateBody(route.body.dto));
    const path = expressPath(route.path.slice(API_BASE.length));
    router[route.method](path, ...chain, handlerOf(route, deps));
  }
  return router;
}

function handlerOf(route: ApiRoute, deps: AppDeps): RequestHandler {
  const [first] = Object.keys(route.ok);
  const status = Number(first);
  const validated = route.body !== undefined && 'dto' in route.body;
  return async (req: Request, res: Response) => {
    const principal = principalOf(res);
    const result = await route.handle({
      deps,
      orgId: principal.orgId,
      principal,
      id: String(req.params.id),
      query: queryOf(res),
      body: validated ? bodyOf(res) : req.body,
    });
    const { status: code, body } = result instanceof Reply ? result : { status, body: result };
    if (result instanceof Reply) {
      for (const [name, value] of Object.entries(result.headers)) res.setHeader(name, value);
    }
    if (body === undefined) res.status(code).end();
    else sendJson(req, res, code, body);
  };
}

/**
 * Answers `body` as JSON with the very status and headers Express's `res.json` sets here
 * (`Content-Type: application/json; charset=utf-8`, `Content-Length`, no ETag: the app turns
 * them off), without its generic work per response (the content type's parsing and charset
 * rewriting, the freshness check). A conditional request still goes through `res.json`, so it
 * gets Express's answer to its conditions.
 */
function sendJson(req: Request, res: Response, status: number, body: unknown): void {
  if (
    req.headers['if-none-match'] !== undefined ||
    req.headers['if-modified-since'] !== undefined
  ) {
    res.status(status).json(body);
    return;
  }
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  if (req.method === 'HEAD') res.end();
  else res.end(text);
}
