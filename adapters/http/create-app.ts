import express, { type NextFunction, type Request, type Response } from 'express';
import type {
  AgentService,
  AuthService,
  Logger,
  MemoryService,
  SessionService,
} from '../../domain/index.js';
import { authenticate } from './middleware/authenticate.js';
import { errorHandler, routeNotFound } from './middleware/error-handler.js';
import { requestId } from './middleware/request-id.js';
import { requestLog } from './middleware/request-log.js';
import { adminRoutes } from './routes/admin.routes.js';
import { agentRoutes } from './routes/agent.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { memoryRoutes } from './routes/memory.routes.js';
import { sessionRoutes } from './routes/session.routes.js';

/** Everything the HTTP adapter needs; the composition root (or a test) provides it. */
export interface AppDeps {
  readonly memories: MemoryService;
  readonly sessions: SessionService;
  readonly agents: AgentService;
  readonly auth: AuthService;
  /** The access log and 500s go here. */
  readonly logger: Logger;
  /** Milliseconds since the epoch; for uptime. */
  readonly now: () => number;
  /** When the process started, in the clock of `now`. */
  readonly startedAt: number;
  /** The storage driver's name, reported by /ready. */
  readonly driver: string;
  /** Resolves when the storage answers; rejects when it is unreachable. */
  readonly ping: () => Promise<void>;
  /** The largest JSON body accepted, in bytes; a larger one gets 413. */
  readonly maxBodyBytes: number;
}

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
  app.use(requestLog(deps.logger));
  app.use('/api', (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  app.use(healthRoutes(deps));

  const api = express.Router();
  api.use(authenticate(deps.auth));
  api.use(memoryRoutes(deps));
  api.use(sessionRoutes(deps));
  api.use(agentRoutes(deps));
  api.use(adminRoutes(deps));
  app.use('/api/v1', api);

  app.use(routeNotFound());
  app.use(errorHandler(deps.logger));
  return app;
}
