import type express from 'express';
import type { AppRoute } from '../../adapters/http/served-routes.js';

// The adapter serves and answers 405s from its route tables; tests read what Express really
// routes, so a route registered outside the tables (or one the tables lost) shows.
export { routeName, type AppRoute } from '../../adapters/http/served-routes.js';

interface RouterLayer {
  readonly rawPath?: unknown;
  readonly slash?: boolean;
  readonly route?: { readonly path: unknown; readonly methods: Record<string, boolean> };
  readonly handle?: { readonly stack?: readonly RouterLayer[] };
}

function walk(stack: readonly RouterLayer[], prefix: string, out: AppRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') {
            out.push({ method: method.toUpperCase(), path: `${prefix}${String(p)}` });
          }
        }
      }
    } else if (layer.handle?.stack) {
      const mount = layer.slash || typeof layer.rawPath !== 'string' ? '' : layer.rawPath;
      walk(layer.handle.stack, `${prefix}${mount === '/' ? '' : mount}`, out);
    } else if (!layer.slash && typeof layer.rawPath === 'string' && layer.rawPath !== '/') {
      // A handler mounted on a path (app.use('/mcp', handler)) answers requests like a route.
      out.push({ method: 'USE', path: `${prefix}${layer.rawPath}` });
    }
  }
}

/**
 * Every route an Express app serves, read from its router (nested routers included), mounts
 * as `USE /path`.
 */
export function listRoutes(app: express.Express): AppRoute[] {
  const router = (app as unknown as { router: { stack: RouterLayer[] } }).router;
  const out: AppRoute[] = [];
  walk(router.stack, '', out);
  return out;
}
