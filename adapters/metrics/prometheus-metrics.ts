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

  observeRequest(
    labels: { readonly method: string; readonly route: string; readonly status: number },
    seconds: number,
  ): void {
    this.httpRequestDuration.observe(
      { method: labels.method, route: labels.route, status: String(labels.status) },
      seconds,
    );
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
