import { SessionService, type ContextInput, type SessionContext } from '../../domain/index.js';
import type { PrometheusMetrics } from './prometheus-metrics.js';

/** The SessionService, counting the estimated tokens of every context it returns. */
export class MeteredSessionService extends SessionService {
  constructor(
    args: ConstructorParameters<typeof SessionService>,
    private readonly metrics: PrometheusMetrics,
  ) {
    super(...args);
  }

  override async context(
    orgId: string,
    sessionId: string,
    input: ContextInput,
  ): Promise<SessionContext> {
    const context = await super.context(orgId, sessionId, input);
    this.metrics.contextTokens.inc(context.estimatedTokens);
    return context;
  }
}
