import { Router, type Request, type Response } from 'express';
import { formatDuration } from '../../../domain/index.js';
import type { AppDeps } from '../app-deps.js';

/** How long /ready waits for the storage to answer. */
export const READY_TIMEOUT_MS = 2_000;

/** /health (the process is up) and /ready (the storage answers); both public. */
export function healthRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get('/health', (_req: Request, res: Response) => {
    res.json({
      status: 'ok',
      service: 'memtrace',
      uptime: formatDuration(deps.now() - deps.startedAt),
    });
  });

  router.get('/ready', async (_req: Request, res: Response) => {
    const connected = await pingWithin(deps.ping, READY_TIMEOUT_MS);
    res.setHeader('Cache-Control', 'no-store');
    if (connected) {
      res.json({ status: 'ready', storage: 'connected', driver: deps.driver });
    } else {
      res.status(503).json({ status: 'not ready', storage: 'disconnected', driver: deps.driver });
    }
  });

  return router;
}

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
