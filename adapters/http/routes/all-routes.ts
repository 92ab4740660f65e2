import { ADMIN_ROUTES } from './admin.routes.js';
import { AGENT_ROUTES } from './agent.routes.js';
import { HEALTH_ROUTES } from './health.routes.js';
import { MEMORY_ROUTES } from './memory.routes.js';
import type { Route } from './route.js';
import { SESSION_ROUTES } from './session.routes.js';

/**
 * Every route memtrace serves, in the order the OpenAPI document lists them and Express
 * matches them (the public ones first, then /api/v1's). A new resource adds its table here.
 */
export const ROUTES: readonly Route[] = [
  ...HEALTH_ROUTES,
  ...MEMORY_ROUTES,
  ...AGENT_ROUTES,
  ...SESSION_ROUTES,
  ...ADMIN_ROUTES,
];
