import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds; from sub-millisecond store reads to slow batch writes. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The process's Prometheus metrics, each on its own registry (so tests can build several).
 * Names follow Prometheus conventions: `memtrace_` prefix, base units, `_total` counters.
 * It has the shape of the HTTP adapter's `HttpMetrics` (`observeRequest`, `render`) without
 * importing it: the composition root hands it over.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'memtrace_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: BUCKETS,
    registers: [this.registry],
  });

  readonly storeOperationDuration = new Histogram({
    name: 'memtrace_store_operation_duration_seconds',
    help: 'Storage port calls by driver, operation (port.method) and outcome (ok or error).',
    labelNames: ['driver', 'operation', 'outcome'] as const,
    buckets: BUCKETS,
    registers: [this.registry],
  });

  readonly memoriesWritten = new Counter({
    name: 'memtrace_memories_written_total',
    help: 'Memories stored (single writes, batch items and imports).',
    registers: [this.registry],
  });

  readonly duplicatesRejected = new Counter({
    name: 'memtrace_duplicates_rejected_total',
    help: 'Memories not stored because they duplicate a stored one.',
    registers: [this.registry],
  });

  readonly contextTokens = new Counter({
    name: 'memtrace_context_tokens_returned_total',
    help: 'Estimated tokens of the session contexts returned.',
    registers: [this.registry],
  });

  constructor() {
    // Process metrics: CPU, memory, event loop lag, GC, handles (prefixed memtrace_).
    collectDefaultMetrics({ register: this.registry, prefix: 'memtrace_' });
  }

  /** The histogram's child per label set: prom-client would hash the labels on every call. */
  private readonly requestChildren = new Map<string, { observe(seconds: number): void }>();

  observeRequest(
    labels: { readonly method: string; readonly route: string; readonly status: number },
    seconds: number,
  ): void {
    const id = `${labels.method} ${labels.status} ${labels.route}`;
    let child = this.requestChildren.get(id);
    if (child === undefined) {
      child = this.httpRequestDuration.labels(labels.method, labels.route, String(labels.status));
      this.requestChildren.set(id, child);
    }
    child.observe(seconds);
  }

  /**
   * Where one store operation's durations go: call the result with each call's outcome and
   * seconds. Each outcome's series is made at its first observation (none is shown before).
   */
  storeTimer(
    driver: string,
    operation: string,
  ): (outcome: 'ok' | 'error', seconds: number) => void {
    const children: Partial<Record<'ok' | 'error', { observe(seconds: number): void }>> = {};
    return (outcome, seconds) =>
      (children[outcome] ??= this.storeOperationDuration.labels(
        driver,
        operation,
        outcome,
      )).observe(seconds);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
