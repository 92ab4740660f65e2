import type { AppDeps } from './app-deps.js';
import { expressPath, isServed, type Route } from './routes/route.js';

/** One route of an Express app: `GET /api/v1/memories/:id` (tests list mounts as `USE /mcp`). */
export interface AppRoute {
  readonly method: string;
  readonly path: string;
}

/**
 * The routes of the table this app build serves (GET /metrics only with metrics), with their
 * Express paths: what the 405s are answered from.
 */
export const servedRoutes = (routes: readonly Route[], deps: AppDeps): AppRoute[] =>
  routes
    .filter((route) => isServed(route, deps))
    .map((route) => ({ method: route.method.toUpperCase(), path: expressPath(route.path) }));

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
