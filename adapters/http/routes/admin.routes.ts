import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../create-app.js';
import {
  toCreatedOrgResponse,
  toIssuedKeyResponse,
  toKeyListResponse,
  toOrgListResponse,
} from '../dto/admin.response.js';
import { CreateKeyRequest } from '../dto/create-key.request.js';
import { CreateOrgRequest } from '../dto/create-org.request.js';
import { NoQuery } from '../dto/page.query.js';
import { principalOf, requireOperator, requirePermission } from '../middleware/authenticate.js';
import { jsonBody } from '../middleware/json-body.js';
import { bodyOf, validateBody, validateQuery } from '../middleware/validate.js';

/** /keys (an org's admins manage its keys) and /orgs (the operator manages orgs). */
export function adminRoutes(deps: AppDeps): Router {
  const router = Router();
  const admin = requirePermission(deps.auth, 'admin');
  const operator = requireOperator(deps.auth);
  const body = jsonBody(deps.maxBodyBytes);
  const noQuery = validateQuery(NoQuery);

  router.post(
    '/keys',
    admin,
    noQuery,
    body,
    validateBody(CreateKeyRequest),
    async (_req: Request, res: Response) => {
      const dto = bodyOf<CreateKeyRequest>(res);
      const issued = await deps.auth.createKey(principalOf(res).orgId, dto.name, dto.permissions);
      res.status(201).json(toIssuedKeyResponse(issued));
    },
  );

  router.get('/keys', admin, noQuery, async (_req: Request, res: Response) => {
    const keys = await deps.auth.listKeys(principalOf(res).orgId);
    res.json(toKeyListResponse(keys));
  });

  router.delete('/keys/:id', admin, noQuery, async (req: Request, res: Response) => {
    await deps.auth.revokeKey(principalOf(res).orgId, String(req.params.id));
    res.status(204).end();
  });

  router.post(
    '/orgs',
    operator,
    noQuery,
    body,
    validateBody(CreateOrgRequest),
    async (_req: Request, res: Response) => {
      const created = await deps.auth.createOrg(bodyOf<CreateOrgRequest>(res).name);
      res.status(201).json(toCreatedOrgResponse(created));
    },
  );

  router.get('/orgs', operator, noQuery, async (_req: Request, res: Response) => {
    const orgs = await deps.auth.listOrgs();
    res.json(toOrgListResponse(orgs));
  });

  return router;
}
