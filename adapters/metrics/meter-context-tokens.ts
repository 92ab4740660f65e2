import type { ContextService } from '../../domain/index.js';
import type { PrometheusMetrics } from './prometheus-metrics.js';

/** Makes `context` count the tokens of every context it returns; returns it. */
export function meterContextTokens(
  context: ContextService,
  metrics: PrometheusMetrics,
): ContextService {
  const forSession = context.forSession.bind(context);
  context.forSession = async (orgId, sessionId, input) => {
    const made = await forSession(orgId, sessionId, input);
    metrics.contextTokens.inc(made.tokens);
    return made;
  };
  return context;
}
