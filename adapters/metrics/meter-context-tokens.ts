import type { SessionService } from '../../domain/index.js';
import type { PrometheusMetrics } from './prometheus-metrics.js';

/** Makes `sessions` count the estimated tokens of every context it returns; returns it. */
export function meterContextTokens(
  sessions: SessionService,
  metrics: PrometheusMetrics,
): SessionService {
  const context = sessions.context.bind(sessions);
  sessions.context = async (orgId, sessionId, input) => {
    const made = await context(orgId, sessionId, input);
    metrics.contextTokens.inc(made.estimatedTokens);
    return made;
  };
  return sessions;
}
