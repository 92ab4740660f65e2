import { Router, type NextFunction, type Request, type Response } from 'express';
import swaggerUi from 'swagger-ui-express';
import { INDEX_RESPONSE } from '../../wire/index.response.js';
import { openApiDocument } from '../openapi/openapi-document.js';

/**
 * GET / (the way to everything else), /openapi.json (the document) and /docs (Swagger UI), all
 * public. Swagger UI's scripts and styles come from the installed swagger-ui-dist under /docs/,
 * so the page works offline.
 */
export function docsRoutes(): Router {
  const router = Router();
  const document = openApiDocument();

  router.get('/', (_req: Request, res: Response) => {
    res.json(INDEX_RESPONSE);
  });

  router.get('/openapi.json', (_req: Request, res: Response) => {
    res.json(document);
  });

  // The page loads its assets by relative URLs: they resolve under /docs/ only with the slash.
  const withSlash = (req: Request, res: Response, next: NextFunction) => {
    const [pathname = '', query] = req.originalUrl.split('?');
    if (pathname.endsWith('/')) return next();
    res.redirect(301, `${pathname}/${query === undefined ? '' : `?${query}`}`);
  };
  router.get(
    '/docs',
    withSlash,
    swaggerUi.setup(document, { customSiteTitle: 'memtrace API reference' }),
  );
  router.use('/docs', swaggerUi.serveFiles(document));
  return router;
}
