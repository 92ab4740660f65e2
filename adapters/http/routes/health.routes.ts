import type { Request, Response } from 'express';
import { formatDuration } from '../../../domain/index.js';
import { INDEX_RESPONSE } from '../../wire/index.response.js';
import { metricsHandler } from '../middleware/observe-requests.js';
import { objectSchema, ref, type JsonSchema } from '../../wire/json-schema.js';
import { docsAssets, docsPage } from './docs-page.js';
import type { Route } from './route.js';

/** How long /ready waits for the storage to answer. */
export const READY_TIMEOUT_MS = 2_000;

interface HealthResponse {
  readonly status: 'ok';
  readonly service: 'memtrace';
  readonly uptime: string;
}

interface ReadyResponse {
  readonly status: 'ready' | 'not ready';
  readonly storage: 'connected' | 'disconnected';
  readonly driver: string;
}

export const HEALTH_RESPONSE_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  HealthResponse: objectSchema<HealthResponse>({
    status: { type: 'string', const: 'ok' },
    service: { type: 'string', const: 'memtrace' },
    uptime: { type: 'string', example: '2h30m15s' },
  }),
  ReadyResponse: objectSchema<ReadyResponse>({
    status: { type: 'string', enum: ['ready', 'not ready'] },
    storage: { type: 'string', enum: ['connected', 'disconnected'] },
    driver: { type: 'string', example: 'sqlite' },
  }),
};

async function pingWithin(ping: () => Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([ping().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET / (the way to everything else), the probes /health (the process is up) and /ready (the
 * storage answers), /metrics, /openapi.json (the document) and /docs (its page): all public.
 */
export const HEALTH_ROUTES: readonly Route[] = [
  {
    method: 'get',
    path: '/',
    operationId: 'index',
    tag: 'health',
    summary: 'Where the reference, this document, the probes and the API are',
    access: 'public',
    ok: { 200: { description: 'Their paths.', schema: ref('IndexResponse') } },
    serve: () => (_req: Request, res: Response) => {
      res.json(INDEX_RESPONSE);
    },
  },
  {
    method: 'get',
    path: '/health',
    operationId: 'health',
    tag: 'health',
    summary: 'The process is up',
    access: 'public',
    ok: { 200: { description: 'Up.', schema: ref('HealthResponse') } },
    serve:
      ({ deps }) =>
      (_req: Request, res: Response) => {
        const uptime = formatDuration(deps.now() - deps.startedAt);
        res.json({ status: 'ok', service: 'memtrace', uptime } satisfies HealthResponse);
      },
  },
  {
    method: 'get',
    path: '/ready',
    operationId: 'ready',
    tag: 'health',
    summary: 'The storage answers',
    access: 'public',
    ok: { 200: { description: 'Ready.', schema: ref('ReadyResponse') } },
    errors: [503],
    serve:
      ({ deps }) =>
      async (_req: Request, res: Response) => {
        const connected = await pingWithin(deps.ping, READY_TIMEOUT_MS);
        res.setHeader('Cache-Control', 'no-store');
        if (connected) {
          res.json({
            status: 'ready',
            storage: 'connected',
            driver: deps.driver,
          } satisfies ReadyResponse);
        } else {
          res.status(503).json({
            status: 'not ready',
            storage: 'disconnected',
            driver: deps.driver,
          } satisfies ReadyResponse);
        }
      },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'health',
    summary: 'Prometheus metrics',
    description:
      'Request durations by route and status, store-operation latency by driver and operation, ' +
      'memories written, duplicates rejected, context tokens returned and process metrics, in ' +
      'the Prometheus text format. Public, like /health; off with MEMTRACE_METRICS_ENABLED=false.',
    access: 'public',
    ok: { 200: { description: 'The metrics.', mediaType: 'text/plain' } },
    servedWhen: (deps) => deps.metrics !== undefined,
    serve: ({ deps }) => {
      if (!deps.metrics) throw new Error('GET /metrics is served only with metrics');
      return metricsHandler(deps.metrics);
    },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    tag: 'health',
    summary: 'This document',
    access: 'public',
    ok: { 200: { description: 'The OpenAPI 3.1 document.', schema: { type: 'object' } } },
    serve:
      ({ document }) =>
      (_req: Request, res: Response) => {
        res.json(document);
      },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    tag: 'health',
    summary: 'Interactive API reference (HTML, works offline)',
    access: 'public',
    ok: {
      200: { description: 'The reference page (at /docs/).', mediaType: 'text/html' },
      301: { description: 'To /docs/, under which the page loads its assets.' },
    },
    serve: ({ document }) => docsPage(document),
    alsoUnder: ({ document }) => docsAssets(document),
  },
];
