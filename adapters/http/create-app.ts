import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { AppDeps } from './app-deps.js';
import { consolePage } from './console-page.js';
import { authenticate } from './middleware/authenticate.js';
import { errorHandler, routeNotFound } from './middleware/error-handler.js';
import { methodNotAllowed } from './middleware/method-not-allowed.js';
import { observeRequests, routeMatcher } from './middleware/observe-requests.js';
import { openApiDocument } from './openapi/openapi-document.js';
import { rateLimit } from './middleware/rate-limit.js';
import { urlLimits } from './middleware/request-limits.js';
import { requestId } from './middleware/request-id.js';
import { requestLog } from './middleware/request-log.js';
import { ROUTES } from './routes/all-routes.js';
import { apiRouter, publicRouter } from './routes/mount-routes.js';
import { API_BASE } from './routes/route.js';
import { servedRoutes } from './served-routes.js';

export const DEFAULT_MAX_URL_BYTES = 8192;

/**
 * Builds the Express app of the REST API. It never listens: the caller decides where (the
 * server in `src/`, supertest in tests).
 */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Cache-Control: no-store already rules out caching; ETags would only invite 304s.
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(requestId());
  if (deps.metrics) {
    const paths = [...new Set(ROUTES.map((r) => r.path))];
    app.use(observeRequests(deps.metrics, routeMatcher(paths)));
  }
  // No access log middleware at all when its lines would be dropped (log level warn or above).
  if (deps.logger.enabled?.('info') !== false) app.use(requestLog(deps.logger));
  // No upgrade-insecure-requests: memtrace serves plain http (TLS, when wanted, is a proxy's), so
  // a browser told to upgrade would fetch /docs's scripts over an https nobody answers.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(urlLimits(deps.maxUrlBytes ?? DEFAULT_MAX_URL_BYTES));
  app.use('/api', (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  if (deps.consoleDir !== undefined) app.use('/console', ...consolePage(deps.consoleDir));
  app.use(publicRouter(ROUTES, { deps, document: openApiDocument() }));
  for (const mount of deps.mounts ?? []) app.use(mount.path, mount.handler);

  const api = express.Router();
  api.use(authenticate(deps.auth));
  if (deps.rateLimit) api.use(rateLimit(deps.rateLimit, deps.now));
  api.use(apiRouter(ROUTES, deps));
  app.use(API_BASE, api);

  // A known path asked with a method none of its routes takes: 405, from the same table.
  app.use(methodNotAllowed(servedRoutes(ROUTES, deps)));
  app.use(routeNotFound());
  app.use(errorHandler(deps.logger));
  return app;
}
