import type { NextFunction, Request, RequestHandler, Response } from 'express';
import swaggerUi from 'swagger-ui-express';

/**
 * The /docs page (Swagger UI) of a document. Its scripts and styles come from the installed
 * swagger-ui-dist under /docs/, so the page works offline.
 */

// The page loads its assets by relative URLs: they resolve under /docs/ only with the slash.
const withSlash = (req: Request, res: Response, next: NextFunction) => {
  const [pathname = '', query] = req.originalUrl.split('?');
  if (pathname.endsWith('/')) return next();
  res.redirect(301, `${pathname}/${query === undefined ? '' : `?${query}`}`);
};

/** GET /docs: a redirect to /docs/, which serves the page. */
export const docsPage = (document: Readonly<Record<string, unknown>>): RequestHandler[] => [
  withSlash,
  swaggerUi.setup(document, { customSiteTitle: 'memtrace API reference' }),
];

/** The page's scripts and styles, mounted under /docs after the page. */
export const docsAssets = (document: Readonly<Record<string, unknown>>): RequestHandler[] =>
  swaggerUi.serveFiles(document);
