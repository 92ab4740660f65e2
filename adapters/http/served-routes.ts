import type express from 'express';

/** One route of an Express app: `GET /api/v1/memories/:id`, or `USE /mcp` for a mount. */
export interface AppRoute {
  readonly method: string;
  readonly path: string;
}

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
 * Every route the app serves so far, read from Express's router (nested routers included), so
 * whatever reads them cannot miss a route added later.
 */
export function listRoutes(app: express.Express): AppRoute[] {
  const router = (app as unknown as { router: { stack: RouterLayer[] } }).router;
  const out: AppRoute[] = [];
  walk(router.stack, '', out);
  return out;
}

export const routeName = (r: AppRoute): string => `${r.method} ${r.path}`;

/**
 * The methods routes answer on a path, as Express matches paths (`:param` is one segment, a
 * trailing slash and case do not matter); HEAD wherever GET is. Mounts (`USE`) take any method
 * and are left out. Empty for a path no route serves.
 */
export function methodsByPath(routes: readonly AppRoute[]): (path: string) => string[] {
  const patterns = routes
    .filter((r) => r.method !== 'USE')
    .map((r) => ({
      method: r.method,
      regex: new RegExp(
        '^' +
          r.path
            .split(/:\w+/)
            .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]+') +
          '/?$',
        'i',
      ),
    }));
  return (path) => {
    const methods = new Set(patterns.filter((p) => p.regex.test(path)).map((p) => p.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
