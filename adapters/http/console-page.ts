import { existsSync } from 'node:fs';
import path from 'node:path';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { DomainError } from '../../domain/index.js';

/**
 * The web console's policy: its own scripts, styles and API only; no inline code, no frames, no
 * other origin. Replaces helmet's default policy on /console.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const notBuilt = (dir: string) =>
  new DomainError(
    'unavailable',
    'CONSOLE_NOT_BUILT',
    `the web console is not built (no ${path.join(dir, 'index.html')}): run \`npm run build\``,
  );

/**
 * GET /console: a redirect to /console/, which serves the console's page and its assets from
 * `dir` (the output of its build). Until that build exists, a 503 that says how to make it.
 */
export function consolePage(dir: string): RequestHandler[] {
  const files = express.static(dir, {
    index: 'index.html',
    redirect: false,
    // The page names its assets by content hash: they never change; the page itself may.
    setHeaders: (res, file) => {
      const asset = path.basename(path.dirname(file)) === 'assets';
      res.setHeader('Cache-Control', asset ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return [
    (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      if (!existsSync(path.join(dir, 'index.html'))) return next(notBuilt(dir));
      res.setHeader('Content-Security-Policy', CONSOLE_CSP);
      // The page loads its assets by relative URLs: they resolve under /console/ only.
      const [pathname = '', query] = req.originalUrl.split('?');
      if (req.path !== '/' || pathname.endsWith('/')) return next();
      res.redirect(301, `${pathname}/${query === undefined ? '' : `?${query}`}`);
    },
    files,
  ];
}
