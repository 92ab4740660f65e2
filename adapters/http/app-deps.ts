import type express from 'express';
import type {
  AgentService,
  ArcInstanceService,
  AuthService,
  ContextService,
  Logger,
  MemoryService,
  SessionService,
} from '../../domain/index.js';
import type { HttpMetrics } from './middleware/observe-requests.js';
import type { RateLimitSettings } from './middleware/rate-limit.js';

/** Everything the HTTP adapter needs; the composition root (or a test) provides it. */
export interface AppDeps {
  readonly memories: MemoryService;
  readonly sessions: SessionService;
  /** Session contexts (POST /sessions/{id}/context). */
  readonly context: ContextService;
  readonly agents: AgentService;
  readonly auth: AuthService;
  /** Per-org Arc routing, managed by the operator under /api/v1/orgs/{id}/arc. */
  readonly arcInstances: ArcInstanceService;
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
  /** The longest request target (path and query) accepted, in bytes; longer gets 414. */
  readonly maxUrlBytes?: number;
  /** A per-key rate limit on /api/v1; none when absent (the default). */
  readonly rateLimit?: RateLimitSettings;
  /** Request timing and GET /metrics; neither when absent. */
  readonly metrics?: HttpMetrics;
  /**
   * The built web console (its index.html and assets/), served at /console; the composition
   * root decides where it lives. Not served when absent; a 503 until it is built.
   */
  readonly consoleDir?: string;
  /**
   * Handlers the composition root mounts beside the API (MCP at /mcp), before the 404 and
   * error handlers; they authenticate by themselves and may throw DomainErrors.
   */
  readonly mounts?: readonly { readonly path: string; readonly handler: express.RequestHandler }[];
}
