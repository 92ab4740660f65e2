import type { NextFunction, Request, Response } from 'express';

/** Where the HTTP adapter reports its metrics; the composition root implements it. */
export interface HttpMetrics {
  /** One finished request: its route pattern (`/api/v1/memories/:id`), method and status. */
  observeRequest(
    labels: { readonly method: string; readonly route: string; readonly status: number },
    seconds: number,
  ): void;
  /** The exposition served at GET /metrics: its content type and text. */
  render(): Promise<{ readonly contentType: string; readonly body: string }>;
}

/** The route label of requests no route matched: raw paths would make labels unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Maps a request path to its route pattern. `templates` are OpenAPI path templates
 * (`/api/v1/memories/{id}`); the label is written Express-style (`/api/v1/memories/:id`).
 * Matching ignores case and one trailing slash, as Express does; literal segments win over
 * parameters (`/agents/x/stats` before `/agents/:id`).
 */
export function routeMatcher(templates: readonly string[]): (path: string) => string {
  const routes = templates
    .map((t) => ({
      label: t.replace(/\{(\w+)\}/g, ':$1'),
      params: (t.match(/\{/g) ?? []).length,
      regex: new RegExp(
        '^' +
          t
            .split(/\{\w+\}/)
            .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]+') +
          '/?$',
        'i',
      ),
    }))
    .sort((a, b) => a.params - b.params);
  return (path) => {
    const found = routes.find((r) => r.regex.test(path));
    if (found) return found.label;
    if (/^\/docs\//i.test(path)) return '/docs';
    return UNMATCHED_ROUTE;
  };
}

/** Times every request and reports it when the response is finished (or the client left). */
export function observeRequests(
  metrics: HttpMetrics,
  routeOf: (path: string) => string,
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // Read now: inside a mounted router req.path loses the mount path.
    const route = routeOf(req.path);
    let done = false;
    const report = () => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observeRequest({ method: req.method, route, status: res.statusCode }, seconds);
    };
    res.once('finish', report);
    res.once('close', report);
    next();
  };
}

/** GET /metrics: the exposition of {@link HttpMetrics.render}. */
export function metricsHandler(metrics: HttpMetrics) {
  return async (_req: Request, res: Response) => {
    const { contentType, body } = await metrics.render();
    res.setHeader('Cache-Control', 'no-store');
    res.type(contentType).send(body);
  };
}
